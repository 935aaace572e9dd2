"""Market reach on the real network: budgets, gateways, corridor rules, GeoJSON, CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import corridor
from corridor.cli.app import app

pytestmark = pytest.mark.integration
runner = CliRunner()


def test_days_budget_is_respected_and_monotone(world):
    small, large = world.reach("Almaty", days=6), world.reach("Almaty", days=14)
    assert (small.places["days"] <= 6 + 1e-9).all() and (large.places["days"] <= 14 + 1e-9).all()
    assert set(small.places["place"]) <= set(large.places["place"])
    assert set(small.countries["country"]) <= set(large.countries["country"])
    assert "Almaty" not in set(large.places["place"])  # the origin itself is not a market
    # a place's days equal the fastest route's transit to it (route hours include both ends' handling), except
    # where the route needs a truck near the destination or a detour to avoid entering a country twice: one
    # search tree from the origin knows neither the destination nor the path's countries
    routes = {place: world.route("Almaty", place, objective="time") for place in large.places["place"]}
    same = [
        place
        for place, days in zip(large.places["place"], large.places["days"], strict=True)
        if days == pytest.approx(routes[place].hours / 24.0, rel=1e-6)
    ]
    assert len(same) >= 0.6 * len(routes), (len(same), len(routes))
    assert (np.diff(large.places["days"].to_numpy()) >= -1e-12).all()


def test_gateway_and_corridor_rules(world):
    via = world.reach("Almaty", days=14, via="Klaipeda")
    first = via.places.iloc[0]
    assert first["place"] == "Klaipėda"
    to_gateway = world.route("Almaty", "Klaipeda", objective="time")
    assert first["days"] == pytest.approx(to_gateway.hours / 24.0, rel=1e-6)
    assert (via.places["days"] >= first["days"] - 1e-9).all()
    middle = world.reach("Almaty", days=20, corridor="middle")
    assert not {"RU", "BY"} & set(middle.countries["country"])
    assert not {"RU", "BY"} & set(middle.places["country"])


def test_usd_budget_and_bad_input(world):
    cheap = world.reach("Dostyk", usd_per_teu=1500)
    assert len(cheap.places) and (cheap.places["usd_per_teu"] <= 1500 + 1e-6).all()
    with pytest.raises(corridor.OptionsError, match="exactly one budget"):
        world.reach("Almaty")
    with pytest.raises(corridor.OptionsError, match="exactly one budget"):
        world.reach("Almaty", days=3, usd_per_teu=100)
    with pytest.raises(corridor.OptionsError, match="> 0"):
        world.reach("Almaty", days=-1)
    with pytest.raises(corridor.OptionsError, match="unknown corridor"):
        world.reach("Almaty", days=3, corridor="polar")


def test_geojson_and_cli(world, tmp_path):
    result = world.reach("Almaty", days=10)
    geo = result.to_geojson(bands=3)
    polygons = [f for f in geo["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    assert 1 <= len(polygons) <= 3 and len(points) == len(result.places)
    out = runner.invoke(app, ["reach", "Almaty", "--days", "10", "--json", "--geojson", str(tmp_path / "r.json")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["unit"] == "days" and data["places"] and data["countries"]
    assert json.loads((tmp_path / "r.json").read_text())["type"] == "FeatureCollection"
    bad = runner.invoke(app, ["reach", "Almaty"])
    assert bad.exit_code == 1 and "budget" in bad.stderr


def test_gateway_beyond_the_budget_is_never_listed(world):
    """The route to the gateway counts against the budget: a gateway farther than the budget leaves
    nothing reached (it was listed at 15.5 days inside a 9.7-day budget)."""
    to_gateway_days = world.route("Chongqing", "Duisburg", objective="time").hours / 24.0
    budget = round(0.6 * to_gateway_days, 1)
    far = world.reach("Chongqing", days=budget, via="Duisburg")
    assert far.places.empty and far.countries.empty and len(far.node_cost) == 0
    cheap = world.reach("Chongqing", usd_per_teu=100, via="Duisburg")
    assert cheap.places.empty
    near = world.reach("Chongqing", days=to_gateway_days + 2, via="Duisburg")
    assert near.places.iloc[0]["place"] == "Duisburg"
    assert (near.places["days"] <= to_gateway_days + 2 + 1e-9).all()
    assert (near.node_cost <= to_gateway_days + 2 + 1e-9).all()
    out = runner.invoke(app, ["reach", "Chongqing", "--days", f"{budget}", "--via", "Duisburg", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["places"] == []
