"""``depart``, ``draws`` and ``seed`` mean the same in every skin: the Python API, the command line (``--json``) and
REST give the same reliability, and refuse the same values naming the same option, on the small network (no world
network needed; the small network reads the shipped timetables, so a departure outside their dates is refused)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.server import create_app

runner = CliRunner()
PAIR = ("Westburg", "Eastgrad")
DEPART = "2026-12-07T08:00"


def plain(value: Any) -> Any:
    """A Python answer as the JSON a skin sends."""
    return json.loads(corridor.json_dumps(value))


@pytest.fixture(scope="module")
def rest(small_net):
    with TestClient(create_app(small_net)) as client:
        yield client


@pytest.fixture
def cli_run(monkeypatch, small_net):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)

    def run(*args: str):
        return runner.invoke(cli.app, list(args))

    return run


def cli_json(cli_run, *args: str) -> Any:
    result = cli_run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def post(rest: TestClient, path: str, body: dict[str, Any]) -> Any:
    answer = rest.post(path, json={"origin": PAIR[0], "destination": PAIR[1], **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(
    ("python", "args"),
    [
        ({"draws": 500, "seed": 3}, ["--draws", "500", "--seed", "3"]),
        ({"depart": DEPART, "draws": 500, "seed": 3}, ["--depart", DEPART, "--draws", "500", "--seed", "3"]),
        ({"depart": "2026-12-07", "draws": 300}, ["--depart", "2026-12-07", "--draws", "300"]),
        ({"draws": 0}, ["--draws", "0"]),
    ],
)
def test_route_reliability_is_the_same_in_every_skin(small_net, cli_run, rest, python, args):
    expected = plain(small_net.route(*PAIR, **python).to_dict())
    assert cli_json(cli_run, "route", *PAIR, *args) == expected
    assert post(rest, "/route", python) == expected
    rel = expected["reliability"]
    if python["draws"] == 0:
        assert rel is None
        return
    assert rel["draws"] == python["draws"] and rel["seed"] == python.get("seed", 0)
    assert (rel["depart"] is None) == ("depart" not in python)
    assert rel["p10_hours"] <= rel["p50_hours"] <= rel["p90_hours"]


def test_a_departure_with_a_time_zone_is_the_same_moment_in_utc(small_net, cli_run, rest):
    expected = plain(small_net.route(*PAIR, depart=DEPART, draws=400).to_dict())
    assert expected["reliability"]["depart"] == DEPART
    assert cli_json(cli_run, "route", *PAIR, "--depart", "2026-12-07T13:00+05:00", "--draws", "400") == expected
    assert post(rest, "/route", {"depart": "2026-12-07T13:00+05:00", "draws": 400}) == expected


def test_compare_draws_and_seed_are_the_same_in_every_skin(small_net, cli_run, rest):
    expected = plain([o.to_dict() for o in small_net.compare(*PAIR, draws=700, seed=5)])
    feasible = [o for o in expected if o["feasible"]]
    assert feasible and all(o["p50_days"] <= o["p90_days"] for o in feasible)
    assert all(o["route"]["reliability"]["draws"] == 700 for o in feasible)
    assert cli_json(cli_run, "compare", *PAIR, "--draws", "700", "--seed", "5") == expected
    assert post(rest, "/compare", {"draws": 700, "seed": 5}) == expected


# --- the same refusal -----------------------------------------------------------------------------------------------


def _python_refusal(call) -> corridor.OptionsError:
    with pytest.raises(corridor.OptionsError) as caught:
        call()
    return caught.value


def _cli_refusal(cli_run, *args: str) -> str:
    result = cli_run(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0].removeprefix("error: ")


def _rest_refusal(rest: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = rest.post(path, json={"origin": PAIR[0], "destination": PAIR[1], **body})
    assert answer.status_code == 422, answer.text
    (detail,) = answer.json()["detail"]
    return detail


@pytest.mark.parametrize("depart", ["2026-13-01", "next Monday", "2026-12-07T25:00", "1999-06-01T08:00", "2099-01-01"])
def test_a_bad_departure_is_refused_naming_depart(small_net, cli_run, rest, depart):
    """Not a moment, or outside the dates the timetables cover: one error naming depart, the same in every skin."""
    error = _python_refusal(lambda: small_net.route(*PAIR, depart=depart))
    assert error.option == "depart" and "depart" in str(error)
    assert _cli_refusal(cli_run, "route", *PAIR, "--depart", depart) == str(error)
    detail = _rest_refusal(rest, "/route", {"depart": depart})
    assert detail["loc"] == ["body", "depart"] and detail["msg"] == str(error)


@pytest.mark.parametrize(("option", "value"), [("draws", -1), ("draws", 1_000_001), ("seed", -5)])
def test_draws_and_seed_out_of_range_are_refused_naming_them(small_net, cli_run, rest, option, value):
    error = _python_refusal(lambda: small_net.route(*PAIR, **{option: value}))
    assert error.option == option
    assert _cli_refusal(cli_run, "route", *PAIR, f"--{option}", str(value)) == str(error)
    assert _cli_refusal(cli_run, "compare", *PAIR, f"--{option}", str(value)) == str(error)
    for path in ("/route", "/compare"):
        assert _rest_refusal(rest, path, {option: value})["loc"] == ["body", option]


def test_path_and_compare_take_no_departure(small_net, cli_run, rest):
    with pytest.raises(TypeError):
        small_net.path(*PAIR, draws=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        small_net.compare(*PAIR, depart=DEPART)  # type: ignore[call-arg]
    assert cli_run("path", *PAIR, "--draws", "10").exit_code == 2  # a usage error
    assert cli_run("compare", *PAIR, "--depart", DEPART).exit_code == 2
    assert _rest_refusal(rest, "/path", {"draws": 10})["loc"] == ["body", "draws"]
    assert _rest_refusal(rest, "/compare", {"depart": DEPART})["loc"] == ["body", "depart"]
