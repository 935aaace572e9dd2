"""Corridor comparison on the real network: families from the data pack, feasibility, JSON, chart."""

import json

import pytest
from typer.testing import CliRunner

import corridor
from corridor.cli.app import app

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture(scope="module")
def xian_duisburg(world):
    return {o.corridor: o for o in world.compare("Xi'an", "Duisburg")}


def test_every_family_answers_and_follows_its_rules(world, xian_duisburg):
    assert list(xian_duisburg) == [f.id for f in world.pack.corridors]
    assert all(o.feasible for o in xian_duisburg.values())
    northern, middle = xian_duisburg["northern"].route, xian_duisburg["middle"].route
    assert {"KZ", "RU", "BY"} <= set(northern.countries)
    assert not {"RU", "BY", "IR"} & set(middle.countries)
    assert any(leg.mode == "ferry" and "AZ" in leg.countries for leg in middle.legs)  # crosses the Caspian
    viking = xian_duisburg["middle_viking_klaipeda"].route
    assert any(leg.service == "Viking train" for leg in viking.legs)
    stops = [leg.to for leg in viking.legs]
    assert stops.index("Chornomorsk") < stops.index("Klaipėda")
    suez, cape = xian_duisburg["sea_suez"].route, xian_duisburg["sea_cape"].route
    assert "EG" in suez.countries and "EG" not in cape.countries and "PA" not in cape.countries
    assert cape.km > suez.km and cape.hours > suez.hours
    assert sum(leg.km for leg in suez.legs if leg.mode == "sea") > 0.8 * suez.km


def test_gauge_changes_and_infeasible_family(world, xian_duisburg):
    northern = xian_duisburg["northern"]
    assert northern.gauge_changes >= 1 and northern.to_dict()["gauge_changes"] == northern.gauge_changes
    # Minsk lies in Belarus, which the Middle Corridor avoids: infeasible, with the reason
    options = {o.corridor: o for o in world.compare("Minsk", "Duisburg", corridors=["middle", "northern"])}
    assert not options["middle"].feasible and "BY" in options["middle"].reason
    assert options["middle"].to_dict()["route"] == options["middle"].reason
    assert options["northern"].feasible


def test_bad_input(world):
    with pytest.raises(corridor.OptionsError, match="unknown corridor"):
        world.compare("Xi'an", "Duisburg", corridors=["polar"])
    with pytest.raises(corridor.UnknownPlaceError):
        world.compare("Atlantis", "Duisburg")


def test_cli_json_and_chart(world, tmp_path):
    chart = tmp_path / "cmp.svg"
    out = runner.invoke(app, ["compare", "Xi'an", "Duisburg", "--json", "--chart", str(chart)])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    keys = {"corridor", "feasible", "days", "usd_per_teu", "kg_co2e_per_teu", "countries", "border_crossings",
            "gauge_changes", "route"}  # fmt: skip
    assert len(rows) == 5 and all(keys <= set(r) for r in rows)
    assert all(isinstance(r["route"], dict) and r["route"]["legs"] for r in rows)
    assert chart.read_text().startswith("<svg")
    table = runner.invoke(app, ["compare", "Xi'an", "Duisburg"])
    assert table.exit_code == 0 and "Sea via Suez" in table.stdout
    bad = runner.invoke(app, ["compare", "Xi'an", "Duisburg", "--corridors", "polar"])
    assert bad.exit_code == 1 and "unknown corridor" in bad.stderr


def test_matrix_of_pairs(world, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination,teu_per_year\nXi'an,Duisburg,1\nAlmaty,Kaunas,2\nXi'an,Duisburg,3\n")
    out = runner.invoke(app, ["compare", "--matrix", str(pairs), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert len(rows) == 2 * len(world.pack.corridors)  # the repeated pair is compared once
    assert {(r["origin"], r["destination"]) for r in rows} == {("Xi'an", "Duisburg"), ("Almaty", "Kaunas")}
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to\nA,B\n")
    failed = runner.invoke(app, ["compare", "--matrix", str(bad)])
    assert failed.exit_code == 1 and "origin" in failed.stderr
    neither = runner.invoke(app, ["compare"])
    assert neither.exit_code == 1 and "--matrix" in neither.stderr


def test_bad_objective_is_one_error_not_infeasible_rows(world):
    with pytest.raises(corridor.OptionsError) as info:
        world.compare("Xi'an", "Duisburg", objective="x")
    assert info.value.option == "objective"
    out = runner.invoke(app, ["compare", "Xi'an", "Duisburg", "--objective", "x"])
    assert out.exit_code == 1
    assert "unknown objective 'x'" in out.stderr and "infeasible" not in out.output.lower()
    assert out.stdout == ""
