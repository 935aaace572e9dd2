"""Every verb gives the same answer in Python, on the command line (``--json``) and over REST.

Each verb is asked the same question three ways and the JSON answers compared; where a skin
adds a shape of its own (the command line's tables) only ``--json`` is compared. A scenario
run takes several seconds, so each skin runs ``baseline`` once per verb, shared through
module fixtures. Timings (``seconds``) differ between runs and are left out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.server import create_app

pytestmark = pytest.mark.integration

runner = CliRunner()

BENCHMARKS = (
    "id,origin,destination,via,avoid,modes,objective,metric,low,high,as_of,source,note\n"
    'dostyk-almaty-km,Dostyk,Almaty,,,rail,,km,700,900,2026-01,test,"a row inside, or near"\n'
    "xian-klaipeda-days,Xi'an,Klaipeda,,RU;BY,,time,days,10,20,2026-01,test,\n"
)
DEMAND = "origin,destination,teu_per_year,class\nXi'an,Duisburg,20000,all\nAlmaty,Klaipeda,5000,all\n"


def plain(value: Any) -> Any:
    """A Python answer as the JSON a skin sends (NaN and infinity as null)."""
    return json.loads(corridor.json_dumps(value))


def records(frame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records"))


def untimed(payload: dict[str, Any], *path: str) -> dict[str, Any]:
    """``payload`` without the wall-clock ``seconds`` of the summary found at ``path``."""
    out = json.loads(json.dumps(payload))
    summary = out
    for key in path:
        summary = summary[key]
    summary.pop("seconds", None)
    return out


@pytest.fixture(scope="module")
def rest(world):
    with TestClient(create_app(world)) as client:
        yield client


@pytest.fixture(scope="module")
def cli_json(world):
    """Run a command with ``--json`` on the world network; its stdout as JSON."""

    def run(*args: str) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cli, "_load", lambda *_a, **_k: world)
            result = runner.invoke(cli.app, [*args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def post(rest: TestClient, path: str, body: dict[str, Any]) -> Any:
    answer = rest.post(path, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


# --- route, compare, reach, places ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("python", "args", "body"),
    [
        ({"avoid": "RU,BY"}, ["--avoid", "RU,BY"], {"avoid": "RU,BY"}),
        ({"avoid": ["RU", "BY"], "objective": "cost"}, ["--avoid", "RU,BY", "--objective", "cost"],
         {"avoid": ["RU", "BY"], "objective": "cost"}),
        ({"via": ["Aktau"], "objective": "generalized", "value_of_time_usd_per_teu_hour": 10},
         ["--via", "Aktau", "--objective", "generalized", "--value-of-time", "10"],
         {"via": "Aktau", "objective": "generalized", "value_of_time_usd_per_teu_hour": 10}),
        ({"as_of": "2021-06", "profile": "truck"}, ["--as-of", "2021-06", "--profile", "truck"],
         {"as_of": "2021-06", "profile": "truck"}),
    ],
)  # fmt: skip
def test_route(world, cli_json, rest, python, args, body):
    expected = plain(world.route("Xi'an", "Klaipeda", **python).to_dict())
    assert cli_json("route", "Xi'an", "Klaipeda", *args) == expected
    assert post(rest, "/route", {"origin": "Xi'an", "destination": "Klaipeda", **body}) == expected


@pytest.mark.parametrize(
    ("python", "args", "body"),
    [
        ({"modes": "rail", "objective": "distance"}, ["--modes", "rail", "--objective", "distance"],
         {"modes": ["rail"], "objective": "distance"}),
        ({"avoid": "RU,BY"}, ["--avoid", "RU,BY"], {"avoid": "RU,BY"}),
        ({"as_of": "2021-06-01", "profile": "truck"}, ["--as-of", "2021-06-01", "--profile", "truck"],
         {"as_of": "2021-06-01", "profile": "truck"}),
    ],
)  # fmt: skip
def test_path(world, cli_json, rest, python, args, body):
    expected = plain(world.path("Almaty", "Klaipeda", **python).to_dict())
    assert cli_json("path", "Almaty", "Klaipeda", *args) == expected
    assert post(rest, "/path", {"origin": "Almaty", "destination": "Klaipeda", **body}) == expected


def test_route_with_a_departure_and_seeded_draws(world, cli_json, rest):
    """The same reliability figures three ways: timed from a departure on the timetables, 2,000 draws, seed 3."""
    route = world.route("Almaty", "Karlshamn", avoid="RU,BY", depart="2026-12-07T08:00", draws=2000, seed=3)
    expected = plain(route.to_dict())
    args = ["--avoid", "RU,BY", "--depart", "2026-12-07T08:00", "--draws", "2000", "--seed", "3"]
    assert cli_json("route", "Almaty", "Karlshamn", *args) == expected
    body = {"origin": "Almaty", "destination": "Karlshamn", "avoid": "RU,BY", "depart": "2026-12-07T08:00",
            "draws": 2000, "seed": 3}  # fmt: skip
    assert post(rest, "/route", body) == expected
    rel = expected["reliability"]
    assert rel["draws"] == 2000 and rel["seed"] == 3 and rel["depart"] == "2026-12-07T08:00"
    assert rel["arrival_planned"] <= rel["arrival_p10"] <= rel["arrival_p50"] <= rel["arrival_p90"]
    assert rel["p50_hours"] == round(route.reliability.p50_hours, 2) and len(rel["legs"]) == len(route.legs)
    # another seed, other figures: the seed reaches the draws in every skin
    other = cli_json("route", "Almaty", "Karlshamn", *args[:-1], "4")["reliability"]
    assert other["seed"] == 4 and other["p90_hours"] != rel["p90_hours"]


def test_route_from_coordinates(world, cli_json, rest):
    expected = plain(world.route((43.25, 76.95), "Minsk").to_dict())
    assert cli_json("route", "43.25,76.95", "Minsk") == expected
    assert post(rest, "/route", {"origin": [43.25, 76.95], "destination": "Minsk"}) == expected


@pytest.mark.parametrize(
    ("python", "args", "body"),
    [
        ({}, [], {}),
        ({"avoid": "RU", "value_of_time_usd_per_teu_hour": 10, "carbon_price_usd_per_t_co2e": 200},
         ["--avoid", "RU", "--value-of-time", "10", "--carbon-price", "200"],
         {"avoid": "RU", "value_of_time_usd_per_teu_hour": 10, "carbon_price_usd_per_t_co2e": 200}),
        ({"objective": "time", "corridors": ["middle", "sea_suez"]},
         ["--objective", "time", "--corridors", "middle,sea_suez"],
         {"objective": "time", "corridors": "middle,sea_suez"}),
        ({"as_of": "2021-06"}, ["--as-of", "2021-06"], {"as_of": "2021-06"}),
        ({"draws": 2000, "seed": 3}, ["--draws", "2000", "--seed", "3"], {"draws": 2000, "seed": 3}),
    ],
)  # fmt: skip
def test_compare(world, cli_json, rest, python, args, body):
    expected = plain([o.to_dict() for o in world.compare("Xi'an", "Duisburg", **python)])
    assert cli_json("compare", "Xi'an", "Duisburg", *args) == expected
    assert post(rest, "/compare", {"origin": "Xi'an", "destination": "Duisburg", **body}) == expected
    for option in expected:  # each family's P50 and P90 days are its route's
        rel = option["route"]["reliability"] if option["feasible"] else None
        assert option["p50_days"] == (None if rel is None else rel["p50_days"])
        assert option["p90_days"] == (None if rel is None else rel["p90_days"])
        assert rel is None or rel["draws"] == python.get("draws", 10_000)


def test_reach(world, cli_json, rest):
    expected = plain(world.reach("Almaty", days=6, via="Aktau").to_dict())
    assert cli_json("reach", "Almaty", "--days", "6", "--via", "Aktau") == expected
    assert post(rest, "/reach", {"origin": "Almaty", "days": 6, "via": "Aktau"}) == expected


def test_places(world, cli_json, rest):
    expected = plain([p.to_dict() for p in world.places(country="KZ", kind="rail_terminal")])
    assert expected
    assert cli_json("places", "--country", "KZ", "--kind", "rail_terminal") == expected
    answer = rest.get("/places", params={"country": "KZ", "kind": "rail_terminal"})
    assert answer.status_code == 200 and answer.json() == expected


# --- validate and assign -------------------------------------------------------------------------


def test_validate(world, cli_json, rest, tmp_path):
    path = tmp_path / "benchmarks.csv"
    path.write_text(BENCHMARKS, encoding="utf-8")
    frame = corridor.validate(world, path)
    summary = corridor.summarise(frame)
    from_cli = cli_json("validate", "--benchmarks", str(path))
    from_rest = post(rest, "/validate", {"benchmarks": BENCHMARKS})
    assert from_cli == from_rest
    assert from_cli["rows"] == records(frame) and len(from_cli["rows"]) == 2
    tables = ("overall", "by_metric", "by_family", "by_statistic")
    assert from_cli["summary"] == {name: records(getattr(summary, name)) for name in tables}
    assert from_cli["skipped"] == []


def test_assign_a_demand_file(world, cli_json, tmp_path):
    """A file is the command line's and Python's; REST takes shipped sets only (below)."""
    path = tmp_path / "demand.csv"
    path.write_text(DEMAND, encoding="utf-8")
    expected = untimed(plain(world.assign(path, gap=1e-4).to_dict()), "summary")
    assert untimed(cli_json("assign", "--demand", str(path), "--gap", "1e-4"), "summary") == expected
    assert expected["summary"]["demand_teu_per_year"] == 25_000


def test_assign_a_shipped_demand_set(world, rest):
    expected = untimed(plain(world.assign("corridor-2024", method="so", rank_bottlenecks=False).to_dict()), "summary")
    body = {"demand": "corridor-2024", "method": "so", "rank_bottlenecks": False}
    assert untimed(post(rest, "/assign", body), "summary") == expected


# --- scenarios: each skin runs baseline once per verb --------------------------------------------


@pytest.fixture(scope="module")
def baseline():
    return corridor.run_scenario(corridor.load_scenario("baseline"))


def test_scenario_run(baseline, cli_json, rest):
    expected = {
        "scenario": baseline.name,
        "chain": list(baseline.applied.names),
        "corridors": records(baseline.corridor_table()),
        "flows": plain(baseline.flows.summary),
        "bottlenecks": records(baseline.flows.bottlenecks),
    }
    expected = untimed(expected, "flows")
    assert untimed(cli_json("scenario", "run", "baseline"), "flows") == expected
    assert untimed(post(rest, "/scenario/run", {"name": "baseline"}), "flows") == expected
    assert expected["corridors"] and expected["flows"]["demand_teu_per_year"] > 0


def test_scenario_compare(baseline, cli_json, rest):
    diff = corridor.diff_scenarios(baseline, baseline)
    expected = plain(diff.to_dict())
    assert cli_json("scenario", "compare", "baseline", "baseline") == expected
    assert post(rest, "/scenario/compare", {"a": {"name": "baseline"}, "b": {"name": "baseline"}}) == expected
    assert expected["summary"]["od_pairs_rerouted"] == 0
