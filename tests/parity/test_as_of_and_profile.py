"""``as_of`` and ``profile`` mean the same in every skin: the Python API, the command line (``--json``) and REST give
the same answer, the same default and the same refusal, on the small network (no world network needed).

The days asked for are taken from the dates the small pack covers, so the tests hold whatever those are.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.server import create_app

runner = CliRunner()
PAIR = ("Westburg", "Eastgrad")


def plain(value: Any) -> Any:
    """A Python answer as the JSON a skin sends."""
    return json.loads(corridor.json_dumps(value))


@pytest.fixture(scope="module")
def rest(small_net):
    with TestClient(create_app(small_net)) as client:
        yield client


@pytest.fixture
def cli_run(monkeypatch, small_net):
    """Run a command on the small network; the CliRunner result."""
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)

    def run(*args: str):
        return runner.invoke(cli.app, list(args))

    return run


@pytest.fixture
def cli_json(cli_run):
    def run(*args: str) -> Any:
        result = cli_run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def post(rest: TestClient, path: str, body: dict[str, Any]) -> Any:
    answer = rest.post(path, json={"origin": PAIR[0], "destination": PAIR[1], **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def covered(net: corridor.Network) -> tuple[date, date]:
    """The first and the last day the network's data pack answers for (the last is its as-of date)."""
    return net.pack.covers


def days_asked(net: corridor.Network) -> list[str]:
    """Days inside the covered range, in the spellings the library takes: a full date and a month."""
    first, last = covered(net)
    days = [first.isoformat(), last.isoformat()]
    if date(last.year, last.month, 1) >= first:
        days.append(f"{last.year:04d}-{last.month:02d}")
    return days


def days_refused(net: corridor.Network) -> list[str]:
    """Days outside the covered range, and text that is not a date."""
    first, last = covered(net)
    return [(first - timedelta(days=1)).isoformat(), (last + timedelta(days=1)).isoformat(), "2025-13", "next week"]


# --- the same answer ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["route", "path"])
@pytest.mark.parametrize("profile", list(corridor.PROFILES))
@pytest.mark.parametrize("which", [0, 1, 2])
def test_route_and_path_as_of_and_profile(small_net, cli_json, rest, verb, profile, which):
    days = days_asked(small_net)
    if which >= len(days):
        pytest.skip("the small pack covers less than a month")
    day = days[which]
    method = getattr(small_net, verb)
    expected = plain(method(*PAIR, objective="cost", as_of=day, profile=profile).to_dict())
    args = ["--objective", "cost", "--as-of", day, "--profile", profile]
    assert cli_json(verb, *PAIR, *args) == expected
    assert post(rest, f"/{verb}", {"objective": "cost", "as_of": day, "profile": profile}) == expected


@pytest.mark.parametrize("which", [0, 1])
def test_compare_as_of(small_net, cli_json, rest, which):
    day = days_asked(small_net)[which]
    expected = plain([o.to_dict() for o in small_net.compare(*PAIR, objective="time", as_of=day)])
    assert cli_json("compare", *PAIR, "--objective", "time", "--as-of", day) == expected
    assert post(rest, "/compare", {"objective": "time", "as_of": day}) == expected


@pytest.mark.parametrize("verb", ["route", "path", "compare"])
def test_as_of_defaults_to_the_packs_as_of_date_in_every_skin(small_net, cli_json, rest, verb):
    last = covered(small_net)[1].isoformat()
    method = getattr(small_net, verb)

    def python(**kwargs):
        found = method(*PAIR, **kwargs)
        return plain([o.to_dict() for o in found] if verb == "compare" else found.to_dict())

    expected = python()
    assert python(as_of=last) == expected
    assert cli_json(verb, *PAIR) == expected == cli_json(verb, *PAIR, "--as-of", last)
    assert post(rest, f"/{verb}", {}) == expected == post(rest, f"/{verb}", {"as_of": last})


@pytest.mark.parametrize("verb", ["route", "path"])
def test_profile_defaults_to_intermodal_in_every_skin(small_net, cli_json, rest, verb):
    method = getattr(small_net, verb)
    expected = plain(method(*PAIR, objective="cost").to_dict())
    assert plain(method(*PAIR, objective="cost", profile=corridor.DEFAULT_PROFILE).to_dict()) == expected
    assert cli_json(verb, *PAIR, "--objective", "cost") == expected
    assert post(rest, f"/{verb}", {"objective": "cost"}) == expected


@pytest.mark.parametrize("verb", ["route", "path", "compare"])
def test_the_day_and_profile_reach_the_python_api_unchanged(small_net, monkeypatch, cli_json, verb):
    """Whatever the small pack holds (a closure may change no answer on it), each skin hands the Python API the day
    and profile it was given: the options each call makes are the options the Python call makes."""
    day = days_asked(small_net)[-1]
    given = {"as_of": day} if verb == "compare" else {"as_of": day, "profile": "truck"}
    made: list[corridor.QueryOptions] = []
    real = getattr(small_net, verb)

    def spy(*args, **kwargs):
        made.append(corridor.QueryOptions.make(**{k: kwargs[k] for k in given if kwargs.get(k) is not None}))
        return real(*args, **kwargs)

    monkeypatch.setattr(small_net, verb, spy)
    expected = corridor.QueryOptions.make(**given)
    cli_json(verb, *PAIR, *(a for k, v in given.items() for a in (f"--{k.replace('_', '-')}", v)))
    with TestClient(create_app(small_net)) as fresh:  # a fresh app: no answer kept from another test
        post(fresh, f"/{verb}", given)
    assert made == [expected, expected]


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


@pytest.mark.parametrize("verb", ["route", "path"])
@pytest.mark.parametrize("which", [0, 1, 2, 3])
def test_a_day_outside_the_pack_or_not_a_date_is_refused_naming_as_of(small_net, cli_run, rest, verb, which):
    day = days_refused(small_net)[which]
    error = _python_refusal(lambda: getattr(small_net, verb)(*PAIR, as_of=day))
    assert error.option == "as_of"
    if which < 2:  # outside the range: the message names the range
        first, last = covered(small_net)
        assert first.isoformat() in str(error) and last.isoformat() in str(error)
    assert _cli_refusal(cli_run, verb, *PAIR, "--as-of", day) == str(error)
    detail = _rest_refusal(rest, f"/{verb}", {"as_of": day})
    assert detail["loc"] == ["body", "as_of"] and detail["msg"] == str(error)


@pytest.mark.parametrize("which", [0, 1, 2, 3])
def test_compare_refuses_a_day_outside_the_pack_or_not_a_date_naming_as_of(small_net, cli_run, rest, which):
    day = days_refused(small_net)[which]
    error = _python_refusal(lambda: small_net.compare(*PAIR, as_of=day))
    assert error.option == "as_of"
    assert _cli_refusal(cli_run, "compare", *PAIR, "--as-of", day) == str(error)
    detail = _rest_refusal(rest, "/compare", {"as_of": day})
    assert detail["loc"] == ["body", "as_of"] and detail["msg"] == str(error)


@pytest.mark.parametrize("verb", ["route", "path"])
def test_an_unknown_profile_is_refused_naming_profile(small_net, cli_run, rest, verb):
    error = _python_refusal(lambda: getattr(small_net, verb)(*PAIR, profile="rail"))
    assert error.option == "profile" and all(p in str(error) for p in corridor.PROFILES)
    assert _cli_refusal(cli_run, verb, *PAIR, "--profile", "rail") == str(error)
    assert _rest_refusal(rest, f"/{verb}", {"profile": "rail"})["loc"] == ["body", "profile"]


def test_compare_takes_no_profile_in_any_skin(small_net, cli_run, rest):
    with pytest.raises(TypeError):
        small_net.compare(*PAIR, profile="truck")  # type: ignore[call-arg]
    assert cli_run("compare", *PAIR, "--profile", "truck").exit_code == 2  # a usage error
    assert _rest_refusal(rest, "/compare", {"profile": "truck"})["loc"] == ["body", "profile"]
