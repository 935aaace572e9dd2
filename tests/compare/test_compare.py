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


@pytest.fixture(scope="module")
def xian_duisburg_2021(world):
    """As of mid-2021: the Viking train ran and liners sailed the Red Sea."""
    return {o.corridor: o for o in world.compare("Xi'an", "Duisburg", as_of="2021-06")}


def test_every_family_answers_and_follows_its_rules(world, xian_duisburg, xian_duisburg_2021):
    assert list(xian_duisburg) == [f.id for f in world.pack.corridors]
    assert all(o.feasible for o in xian_duisburg_2021.values())
    northern, middle = xian_duisburg["northern"].route, xian_duisburg["middle"].route
    assert {"KZ", "RU", "BY"} <= set(northern.countries)
    assert not {"RU", "BY", "IR"} & set(middle.countries)
    assert any(leg.mode == "ferry" and "AZ" in leg.countries for leg in middle.legs)  # crosses the Caspian
    viking = xian_duisburg_2021["middle_viking_klaipeda"].route
    assert any(leg.service == "Viking train" for leg in viking.legs)
    stops = [leg.to for leg in viking.legs]
    assert stops.index("Chornomorsk") < stops.index("Klaipėda")
    suez, cape = xian_duisburg_2021["sea_suez"].route, xian_duisburg_2021["sea_cape"].route
    assert "EG" in suez.countries and "EG" not in cape.countries and "PA" not in cape.countries
    assert cape.km > suez.km and cape.hours > suez.hours
    assert sum(leg.km for leg in suez.legs if leg.mode == "sea") > 0.8 * suez.km


def test_families_that_need_a_suspended_element_say_so_today(xian_duisburg):
    viking, suez = xian_duisburg["middle_viking_klaipeda"], xian_duisburg["sea_suez"]
    assert not viking.feasible and "Viking train suspended since 2022-02-24" in viking.reason
    assert not suez.feasible and "Bab el-Mandeb suspended since 2023-12-15" in suez.reason
    assert xian_duisburg["sea_cape"].feasible and xian_duisburg["middle"].feasible


def test_a_sea_family_from_kazakhstan_reaches_a_port_by_rail(world):
    (cape,) = world.compare("Almaty", "Rotterdam", corridors="sea_cape")
    assert cape.feasible, cape.reason
    legs = [leg.mode for leg in cape.route.legs if leg.mode not in ("transfer", "border")]
    assert legs[0] == "rail" and "sea" in legs and cape.route.countries[:2] == ("KZ", "CN")


def test_a_family_via_beyond_the_destination_is_not_visited(world):
    # the Viking family's train passes Vilnius before Klaipėda: a box for Vilnius leaves it there
    (viking,) = world.compare("Almaty", "Vilnius", corridors="middle_viking_klaipeda", as_of="2021-06")
    assert viking.feasible, viking.reason
    assert "Klaipėda" not in [leg.to for leg in viking.route.legs]
    assert viking.route.legs[-1].to == "Vilnius"


def test_gauge_changes_and_a_family_from_a_country_it_avoids(world, xian_duisburg):
    northern = xian_duisburg["northern"]
    assert northern.gauge_changes >= 1 and northern.to_dict()["gauge_changes"] == northern.gauge_changes
    # Minsk lies in Belarus, which the Middle Corridor avoids in transit: the origin's own country stays open, and
    # the route leaves Belarus straight for the EU without touching Russia
    options = {o.corridor: o for o in world.compare("Minsk", "Duisburg", corridors=["middle", "northern"])}
    assert options["middle"].feasible and "RU" not in options["middle"].route.countries
    assert options["northern"].feasible


def test_bad_input(world):
    with pytest.raises(corridor.OptionsError, match="unknown corridor"):
        world.compare("Xi'an", "Duisburg", corridors=["polar"])
    with pytest.raises(corridor.UnknownPlaceError):
        world.compare("Xyzzyville", "Duisburg")


def test_cli_json_and_chart(world, tmp_path):
    chart = tmp_path / "cmp.svg"
    out = runner.invoke(app, ["compare", "Xi'an", "Duisburg", "--json", "--chart", str(chart), "--as-of", "2021-06"])
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
