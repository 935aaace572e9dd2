"""Fuzz: generated hostile inputs through the Python API, the CLI, the REST app and the file readers.

What must hold for every input: the Python API raises only corridor's typed errors; the CLI exits 0,
1 (one line ``error: …``) or 2 (a usage error), never with a traceback; the REST app answers below
500 and stays alive; file readers raise only input errors; nothing hangs.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import corridor
import corridor.datapack
import corridor.scenario
from corridor.cli import app as cli
from corridor.errors import CorridorError, InputError
from corridor.reach import ReachResult
from corridor.server import Limits, create_app

pytestmark = pytest.mark.integration

NASTY_TEXT = [
    "",
    " ",
    "Klaipeda",
    "Xi'an",
    "Almaty",
    "Клайпеда",
    "西安",
    "../../etc/passwd",
    "/etc/passwd",
    "nan,nan",
    "inf,0",
    "91,0",
    "0,181",
    "1e400,0",
    "54.7,25.3",
    "0,0",
    "RU,BY",
    "ru",
    "Xi'an\x00",
    "%s%n%x",
    "{{7*7}}",
    "A" * 3000,
    "DROP TABLE places;",
    "\u202eKlaipeda",
    "x2",
]
NASTY_NUMBERS = [math.nan, math.inf, -math.inf, -1.0, 0.0, 1e308, -1e308, 1e-320, 10**30, -(10**30), 2**63]

text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
number = st.one_of(st.sampled_from(NASTY_NUMBERS), st.floats(), st.integers(min_value=-(10**20), max_value=10**20))
scalar = st.one_of(text, number, st.booleans(), st.none())
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                     max_leaves=12)  # fmt: skip
place = st.one_of(text, st.tuples(number, number), number, st.none(), st.lists(number, max_size=3))
objective = st.one_of(st.sampled_from(["time", "cost", "co2", "generalized", "distance"]), text, st.none(), number)

FUZZ = settings(max_examples=40, deadline=timedelta(seconds=30), suppress_health_check=list(HealthCheck), database=None)
FUZZ_SLOW = settings(FUZZ, max_examples=15)  # each example routes several corridors or a whole reach


def _run(seconds, fn, *args, **kwargs):
    """What ``fn`` returned, or the exception it raised; the test fails if it takes over ``seconds`` (a hang)."""
    box = {}

    def call():
        try:
            box["value"] = fn(*args, **kwargs)
        except Exception as exc:  # the outcome, judged by the test
            box["value"] = exc

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{getattr(fn, '__name__', fn)} did not finish within {seconds} s"
    return box["value"]


def _answer(seconds, fn, *args, **kwargs):
    """An HTTP answer from the test client (never an exception)."""
    answer = _run(seconds, fn, *args, **kwargs)
    assert not isinstance(answer, Exception), repr(answer)
    return answer


# --- Python API ----------------------------------------------------------------------


@FUZZ
@given(origin=place, destination=place, via=st.one_of(st.none(), value), avoid=st.one_of(st.none(), value),
       modes=st.one_of(st.none(), value), objective=objective, vot=st.one_of(st.none(), number, text),
       as_of=st.one_of(st.none(), value, st.dates().map(str)),
       profile=st.one_of(st.sampled_from(corridor.PROFILES), value))  # fmt: skip
def test_python_route_raises_only_typed_errors(world, origin, destination, via, avoid, modes, objective, vot, as_of,
                                               profile):  # fmt: skip
    kwargs = {"via": via, "avoid": avoid, "modes": modes, "objective": objective, "as_of": as_of, "profile": profile}
    if vot is not None:
        kwargs["value_of_time_usd_per_teu_hour"] = vot
    outcome = _run(30, world.route, origin, destination, **kwargs)
    assert isinstance(outcome, corridor.Route | CorridorError), repr(outcome)


@FUZZ_SLOW
@given(origin=place, destination=place, objective=objective, avoid=st.one_of(st.none(), value),
       corridors=st.one_of(st.none(), st.lists(text, max_size=3), number))  # fmt: skip
def test_python_compare_raises_only_typed_errors(world, origin, destination, objective, avoid, corridors):
    outcome = _run(60, world.compare, origin, destination, objective=objective, avoid=avoid, corridors=corridors)
    assert isinstance(outcome, list | CorridorError), repr(outcome)


@FUZZ_SLOW
@given(origin=place, days=st.one_of(st.none(), number), usd=st.one_of(st.none(), number),
       via=st.one_of(st.none(), text, number), corridor_id=st.one_of(st.none(), text))  # fmt: skip
def test_python_reach_raises_only_typed_errors(world, origin, days, usd, via, corridor_id):
    outcome = _run(60, world.reach, origin, days=days, usd_per_teu=usd, via=via, corridor=corridor_id)
    assert isinstance(outcome, ReachResult | CorridorError), repr(outcome)


# --- CLI -----------------------------------------------------------------------------

runner = CliRunner()
cli_text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(alphabet=st.characters(blacklist_categories=["Cs"]),
                                                          max_size=30)).filter(lambda t: "\x00" not in t)  # fmt: skip
cli_number = st.one_of(st.sampled_from(["nan", "inf", "-inf", "-1", "1e400", "0", "x", "1e308"]), cli_text)


def _check_cli(result):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and lines[-1].startswith("error:"), result.stderr
        assert sum(line.startswith("error:") for line in lines) == 1


@pytest.fixture
def cli_world(world, monkeypatch):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: world)
    return world


@FUZZ
@given(origin=cli_text, destination=cli_text, avoid=cli_text, objective=cli_text, vot=cli_number,
       modes=cli_text, as_json=st.booleans())  # fmt: skip
def test_cli_route_never_shows_a_traceback(cli_world, origin, destination, avoid, objective, vot, modes, as_json):
    options = ["--avoid", avoid, "--objective", objective, "--value-of-time", vot, "--modes", modes]
    args = ["route", *options, *(["--json"] if as_json else []), "--", origin, destination]
    result = runner.invoke(cli.app, args)
    _check_cli(result)
    if result.exit_code == 0 and as_json:
        json.loads(result.stdout)


@FUZZ_SLOW
@given(origin=cli_text, days=cli_number, via=cli_text, corridor_id=cli_text)
def test_cli_reach_and_compare_never_show_a_traceback(cli_world, origin, days, via, corridor_id):
    _check_cli(runner.invoke(cli.app, ["reach", "--days", days, "--via", via, "--corridor", corridor_id, "--", origin]))
    _check_cli(runner.invoke(cli.app, ["compare", "--objective", via, "--corridors", corridor_id, "--", origin, via]))


# --- REST ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rest(world):
    return TestClient(create_app(world, limits=Limits(compute_seconds=60)), raise_server_exceptions=False)


ROUTE_KEYS = ["origin", "destination", "via", "avoid", "modes", "objective", "value_of_time_usd_per_teu_hour",
              "carbon_price_usd_per_t_co2e", "corridors", "days", "usd_per_teu", "corridor", "geojson", "as_of",
              "profile"]  # fmt: skip
body = st.one_of(
    st.dictionaries(st.sampled_from(ROUTE_KEYS), value, max_size=6),
    st.fixed_dictionaries({"origin": text, "destination": text}, optional={k: value for k in ROUTE_KEYS[2:]}),
    value,
)


def _raw(data) -> bytes:
    """JSON text as a hostile client might send it: NaN and Infinity tokens left in."""
    return json.dumps(data, allow_nan=True).encode()


@FUZZ
@given(data=body, path=st.sampled_from(["/route", "/compare", "/reach"]))
def test_rest_queries_answer_below_500(rest, data, path):
    answer = _answer(90, rest.post, path, content=_raw(data), headers={"content-type": "application/json"})
    assert answer.status_code < 500 or (answer.status_code == 503 and "too long" in answer.text), answer.text
    assert "Traceback" not in answer.text


scenario_body = st.one_of(
    value,
    st.fixed_dictionaries(
        {"name": text},
        optional={
            "extends": text,
            "close": st.dictionaries(st.sampled_from(["countries", "crossings", "services", "links"]),
                                     st.lists(text, max_size=3), max_size=2),
            "change": st.dictionaries(st.sampled_from(["parameters", "services", "crossings", "places"]),
                                      st.dictionaries(text, value, max_size=2), max_size=2),
            "demand": st.dictionaries(st.sampled_from(["set", "scale"]), value, max_size=2),
            "pairs": value,
        },
    ),
)  # fmt: skip


@pytest.fixture
def scenario_rest(world, monkeypatch):
    """The app with scenario runs cut after the scenario is applied to the pack: the fuzz is about the
    checks on the way in, and a valid run would take minutes."""
    from corridor.datapack import load_pack
    from corridor.scenario.apply import apply_scenario

    def applied_only(spec, **_):
        apply_scenario(load_pack(), spec)
        raise corridor.NoRouteError("scenario applied; not run in this test", origin="", destination="")

    monkeypatch.setattr(corridor, "run_scenario", applied_only)  # what the server calls
    return TestClient(create_app(world), raise_server_exceptions=False)


@FUZZ
@given(data=scenario_body)
def test_rest_scenario_bodies_answer_below_500(scenario_rest, data):
    answer = _answer(30, scenario_rest.post, "/scenario/run", content=_raw({"body": data}),
                     headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code < 500, answer.text
    assert "root:" not in answer.text  # nothing of a server file is ever echoed


@FUZZ
@given(layer=text, bbox=text, zoom=st.one_of(st.integers(-5, 30), text), country=text, kind=text)
def test_rest_layers_and_places_answer_below_500(rest, layer, bbox, zoom, country, kind):
    path = "/network/" + (quote(layer, safe="") or "rail")  # a client sends the path escaped
    answer = _answer(30, rest.get, path, params={"bbox": bbox, "zoom": zoom})
    assert answer.status_code < 500, answer.text
    answer = _answer(30, rest.get, "/places", params={"country": country, "kind": kind})
    assert answer.status_code < 500, answer.text


def test_rest_alive_after_the_fuzz(rest):
    assert rest.get("/health").json()["status"] == "ok"
    assert rest.post("/route", json={"origin": "Minsk", "destination": "Klaipeda"}).status_code == 200


# --- files ---------------------------------------------------------------------------

file_text = st.one_of(st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("latin-1")))


@FUZZ
@given(content=st.one_of(file_text, st.sampled_from([
    "a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n", "name: x\n" + "- " * 200 + "1\n", "? [a, b]\n: 1\n",
    "name: x\nextends: /etc/passwd\n", "name: x\ndemand:\n  set: /etc/passwd\n", "name: [1, 2]\n",
    "name: x\nchange:\n  parameters:\n    sea_usd_per_teu_km: -10\n",
    "name: x\nchange:\n  parameters:\n    road_kmh: .nan\n",
])))  # fmt: skip
def test_scenario_files_raise_only_input_errors(tmp_path_factory, content):
    from corridor.scenario import load_scenario
    from corridor.scenario.apply import Applied, apply_scenario
    from corridor.scenario.schema import Scenario

    path = tmp_path_factory.mktemp("scenario") / "s.yaml"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    spec = _run(10, load_scenario, path)
    assert isinstance(spec, Scenario | InputError), repr(spec)
    if isinstance(spec, Scenario):
        applied = _run(10, apply_scenario, corridor.datapack.load_pack(), spec)
        assert isinstance(applied, Applied | InputError), repr(applied)


@FUZZ
@given(content=st.one_of(file_text, st.sampled_from([
    "origin,destination,teu_per_year\nXi'an,Klaipeda,1e308\n", "origin,destination,teu_per_year\na,b,nan\n",
    "origin,destination,teu_per_year\n\"91,0\",Klaipeda,5\n", "origin,destination,teu_per_year\n" + "x" * 200_000,
])))  # fmt: skip
def test_demand_files_raise_only_input_errors(tmp_path_factory, content):
    from corridor.flows.demand import Demand, read_demand

    path = tmp_path_factory.mktemp("demand") / "d.csv"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    outcome = _run(10, read_demand, path)
    assert isinstance(outcome, Demand | InputError), repr(outcome)


@FUZZ
@given(content=st.one_of(file_text, st.sampled_from([
    "<NUMBER OF NODES> 1e400\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n",
    "<NUMBER OF NODES> 3000000000\n<NUMBER OF LINKS> 1\n<NUMBER OF ZONES> 1\n<FIRST THRU NODE> 1\n"
    "<END OF METADATA>\n~ init term cap len fft b power speed toll type ;\n1 2 1 1 1 0.15 4 0 0 1 ;\n",
    "<NUMBER OF NODES> ²\n<END OF METADATA>\n",
])), trips=file_text)  # fmt: skip
def test_tntp_files_raise_only_input_errors(tmp_path_factory, content, trips):
    from corridor.assign import read_tntp_dir
    from corridor.assign.tntp import TntpProblem

    folder = tmp_path_factory.mktemp("tntp")
    (folder / "x_net.tntp").write_text(content, encoding="utf-8", errors="surrogatepass")
    (folder / "x_trips.tntp").write_text(trips, encoding="utf-8", errors="surrogatepass")
    problem = _run(10, read_tntp_dir, folder)
    assert isinstance(problem, TntpProblem | InputError), repr(problem)
    if isinstance(problem, TntpProblem):
        demand = _run(10, problem.demand)
        assert not isinstance(demand, Exception) or isinstance(demand, InputError), repr(demand)


@FUZZ
@given(content=file_text)
def test_benchmark_files_raise_only_input_errors(tmp_path_factory, content):
    from corridor.validation import read_benchmarks
    from corridor.validation.benchmarks import BenchmarkSet

    path = tmp_path_factory.mktemp("bench") / "b.csv"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    outcome = _run(10, read_benchmarks, path)
    assert isinstance(outcome, BenchmarkSet | InputError), repr(outcome)
