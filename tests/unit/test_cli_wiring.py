"""The CLI commands that need a network, wired to the small network: options reach the API, answers come back as
JSON or tables, errors as one line with exit status 1."""

import json

import pytest
from typer.testing import CliRunner

import corridor.cli.app as cli
from corridor.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def small_world(monkeypatch, small_net):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)
    return small_net


def run_ok(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def one_line_error(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_route_json_is_the_python_answer(small_net):
    data = json.loads(run_ok("route", "Westburg", "Northhaven", "--json").stdout)
    assert data == json.loads(json.dumps(small_net.route("Westburg", "Northhaven").to_dict()))
    assert [leg["mode"] for leg in data["legs"]] == ["transfer", "rail", "border", "rail", "transfer", "ferry"]


def test_route_options_reach_the_api(small_net):
    args = ["route", "Westburg", "Eastgrad", "--via", "Westport", "--avoid", "XN", "--modes", "rail,road,sea"]
    data = json.loads(run_ok(*args, "--objective", "cost", "--json").stdout)
    expected = small_net.route(
        "Westburg", "Eastgrad", via=["Westport"], avoid="XN", modes="rail,road,sea", objective="cost"
    )
    assert data == json.loads(json.dumps(expected.to_dict()))
    assert data["via"] == ["Westport"] and data["objective"] == "cost"


def test_route_generalized_prices_reach_the_api(small_net):
    args = ["route", "Westburg", "Eastgrad", "--objective", "generalized", "--value-of-time", "100", "--json"]
    data = json.loads(run_ok(*args).stdout)
    assert data["legs"][1]["mode"] == "rail"
    data = json.loads(run_ok(*args[:-2], "0", "--carbon-price", "0", "--json").stdout)
    assert data["legs"][1]["mode"] == "road"


def test_route_table_shows_legs_border_and_totals():
    out = run_ok("route", "Westburg", "Northhaven").stdout
    for text in ("Westburg → Northhaven", "Westbrück–Gaugeton", "gauge change: bogie exchange", "North Ferry"):
        assert text in out
    assert "(wait 42.0 h)" in out and "total" in out and "1 border crossings" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["route", "Eastgard", "Westburg"], "unknown place 'Eastgard'; did you mean 'Eastgrad'"),
        (["route", "10,10", "Westburg"], "more than 50 km from any usable"),
        (["route", "95,10", "Westburg"], "out of range"),
        (["route", "Westburg", "Northhaven", "--avoid", "XE"], "no route from Westburg to Northhaven avoiding XE"),
        (["route", "Westburg", "Eastgrad", "--avoid", "XE"], "which avoid=XE excludes"),
        (["route", "Westburg", "Eastgrad", "--objective", "fastest"], "unknown objective 'fastest'"),
        (["route", "Westburg", "Eastgrad", "--modes", "plane"], "unknown mode plane"),
        (["compare", "Westburg", "Eastgrad", "--corridors", "northern"], "unknown corridor 'northern'"),
        (["compare", "Westburg"], "give ORIGIN and DESTINATION, or --matrix FILE"),
    ],
)
def test_errors_are_one_line_and_exit_1(args, needle):
    assert needle in one_line_error(*args)


def test_compare_json_has_one_object_per_family(small_net):
    data = json.loads(run_ok("compare", "Westburg", "Eastgrad", "--objective", "time", "--json").stdout)
    assert [d["corridor"] for d in data] == ["overland", "by_sea", "around_xe"]
    assert [d["feasible"] for d in data] == [True, True, True]  # a family's avoid spares the ends' countries
    assert data[0]["gauge_changes"] == 1 and data[1]["border_crossings"] == 0
    expected = small_net.compare("Westburg", "Eastgrad", objective="time")
    assert data == json.loads(json.dumps([o.to_dict() for o in expected]))


def test_compare_table_and_chart(tmp_path):
    chart = tmp_path / "compare.svg"
    out = run_ok("compare", "Westburg", "Eastgrad", "--chart", str(chart)).stdout
    assert "Overland" in out and "By sea" in out and "Around XE" in out
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<")
    blocked = run_ok("compare", "Westburg", "Northhaven", "--corridors", "around_xe").stdout
    assert "no route under the Around XE rules" in " ".join(blocked.split())


def test_compare_matrix_file(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nWestburg,Eastgrad\nWestport,Eastport\n", encoding="utf-8")
    rows = json.loads(run_ok("compare", "--matrix", str(pairs), "--json").stdout)
    assert len(rows) == 6
    assert {(r["origin"], r["destination"]) for r in rows} == {("Westburg", "Eastgrad"), ("Westport", "Eastport")}


def test_network_report(small_net):
    data = json.loads(run_ok("network", "report", "--json").stdout)
    assert data == small_net.report()
    assert {p["name"] for p in data["places"]} >= {"Westburg", "Northhaven"}
    out = run_ok("network", "report").stdout
    assert "Base layers and healing" in out and "Northhaven" in out
