"""Alternatives, the leg-by-leg GeoJSON and the quote sheet on the world network, from Python, the CLI and REST."""

import itertools
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor.alternatives import MAX_SHARED
from corridor.cli.app import app
from corridor.server import create_app

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture(scope="module")
def almaty_klaipeda(world):
    return world.alternatives("Almaty", "Klaipeda", k=3, avoid="RU,BY", draws=500)


def test_middle_corridor_alternatives_differ_and_avoid_what_was_asked(world, almaty_klaipeda):
    alts = almaty_klaipeda
    kept = [r for r, label in zip(alts.routes, alts.labels, strict=True) if label.startswith(("best", "alternative"))]
    assert len(kept) == 3
    km = world.router.metrics[3]
    assert km.shape[0] == world.graph.edge_count
    for route in alts.routes:
        assert not {"RU", "BY"} & set(route.countries)
        assert any((leg.service and "Caspian" in leg.service) or leg.mode == "ferry" for leg in route.legs)
    lines = [{(tuple(np.round(p, 4)), tuple(np.round(q, 4))) for leg in r.legs
              for p, q in itertools.pairwise(leg.coordinates)} for r in kept]  # fmt: skip
    for i in range(1, len(kept)):
        for j in range(i):
            assert len(lines[i] & lines[j]) / len(lines[i]) <= MAX_SHARED + 0.05  # by segment count, near the km share
    assert alts.routes[0].hours == min(r.hours for r in kept)


def test_cli_alternatives_json_and_files(tmp_path):
    sheet, geo = tmp_path / "quote.html", tmp_path / "route.geojson"
    result = runner.invoke(
        app, ["route", "Almaty", "Karlshamn", "--alternatives", "2", "--draws", "200", "--json",
              "--sheet", str(sheet), "--geojson", str(geo)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["k"] == 2 and data["routes"][0]["label"].startswith("best by time")
    assert data["pareto"] and all(0 <= i < len(data["routes"]) for i in data["pareto"])
    collection = json.loads(geo.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["mode"] for f in collection["features"]] == [x["mode"] for x in data["routes"][0]["legs"]]
    assert "Karlshamn" in sheet.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["route", "Almaty", "Karlshamn", "--alternatives", "9"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_rest_alternatives_and_sheet(world):
    client = TestClient(create_app(world))
    body = {"origin": "Khorgos", "destination": "Rotterdam", "k": 2, "draws": 200}
    answer = client.post("/alternatives", json=body)
    assert answer.status_code == 200
    expected = world.alternatives("Khorgos", "Rotterdam", k=2, draws=200).to_dict()
    assert answer.json() == json.loads(json.dumps(expected))
    sheet = client.get("/sheet", params={"origin": "Xi'an", "destination": "Klaipeda", "avoid": "RU,BY"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/html")
    assert "Xi'an → Klaipėda" in sheet.text.replace("&#x27;", "'")
    unknown = client.get("/sheet", params={"origin": "Nowhereville", "destination": "Klaipeda"})
    assert unknown.status_code == 404 and unknown.json()["field"] == "origin"
    assert client.post("/alternatives", json={**body, "k": 6}).status_code == 422


def test_alternatives_are_ranked_by_the_objective_not_by_when_they_were_found(world, monkeypatch):
    import corridor.alternatives as alternatives

    monkeypatch.setattr(alternatives, "PENALTY", 0.3)  # finds Xi'an → Klaipėda's 14.4-day route before a 13.3-day one
    for origin, destination in (("Xi'an", "Klaipeda"), ("Chongqing", "Duisburg")):
        alts = world.alternatives(origin, destination, k=3, draws=0)
        hours = [r.hours for r, label in zip(alts.routes, alts.labels, strict=True)
                 if label.startswith(("best", "alternative"))]  # fmt: skip
        assert len(hours) == 3 and hours == sorted(hours), (origin, destination, hours)


@pytest.mark.parametrize(("origin", "destination"), [("Chongqing", "Duisburg"), ("Khorgos", "Rotterdam")])
def test_penalised_routes_are_repaired_to_enter_no_country_twice(world, origin, destination):
    # the penalised searches of these pairs first find ways through Kaliningrad (…-LT-RU-PL-…, into Russia twice)
    alts = world.alternatives(origin, destination, k=3, draws=0)
    assert len(alts.routes) >= 3
    for route, label in zip(alts.routes, alts.labels, strict=True):
        assert len(route.countries) == len(set(route.countries)), (label, route.countries)


def test_cli_and_rest_rank_alternatives_by_p90(world):
    result = runner.invoke(
        app, ["route", "Almaty", "Karlshamn", "--alternatives", "2", "--draws", "200", "--rank", "p90", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    p90 = [r["reliability"]["p90_hours"] for r in data["routes"]]
    assert data["rank"] == "p90" and p90 == sorted(p90) and "most reliable" in data["routes"][0]["label"]
    alone = runner.invoke(app, ["route", "Almaty", "Karlshamn", "--rank", "p90"])
    assert alone.exit_code != 0 and "--alternatives" in alone.output and "Traceback" not in alone.output
    client = TestClient(create_app(world))
    body = {"origin": "Almaty", "destination": "Karlshamn", "k": 2, "draws": 200, "rank": "p90"}
    answer = client.post("/alternatives", json=body)
    assert answer.status_code == 200 and answer.json()["rank"] == "p90"
    assert client.post("/alternatives", json={**body, "rank": "p50"}).status_code == 422


def test_a_repaired_penalised_route_names_the_crossings_it_closed(world):
    from corridor.alternatives import PENALTY, _cell_index
    from corridor.options import QueryOptions
    from corridor.units import EdgeFlag

    eng, router = world.engine, world.router
    options = QueryOptions.make(draws=0)
    best = eng.solve("Chongqing", "Duisburg", options)
    index = _cell_index(eng)
    factor = np.ones(world.graph.edge_count)
    factor[index.edges_in(np.unique(index.cell[best.edges]))] *= 1.0 + PENALTY
    found = eng.solve("Chongqing", "Duisburg", options, router=router.penalised(factor))  # first via Kaliningrad
    assert len(best.repair_closed) == 0 and len(found.repair_closed) > 0
    assert ((world.graph.edge_flags[found.repair_closed] & EdgeFlag.BORDER) != 0).all()
    again = eng.solve("Chongqing", "Duisburg", options, router=router.penalised(factor, found.repair_closed))
    assert len(again.repair_closed) == 0 and np.array_equal(again.edges, found.edges)  # found without a repair
