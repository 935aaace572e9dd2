"""The CLI: exit codes, one-line errors, JSON output and tables."""

import json

import pytest
from typer.testing import CliRunner

import corridor
from corridor.cli.app import app

runner = CliRunner()


def test_places_by_country_needs_no_network():
    result = runner.invoke(app, ["places", "--country", "LT", "--json"])
    assert result.exit_code == 0
    names = {p["name"] for p in json.loads(result.stdout)}
    assert {"Klaipėda", "Kaunas", "Vilnius"} <= names
    assert all(p["country"] == "LT" for p in json.loads(result.stdout))


def test_places_bad_country_is_one_line_error():
    result = runner.invoke(app, ["places", "--country", "Lithuania"])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["route", "path", "compare"])
def test_as_of_and_profile_help_needs_no_network(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "--as-of" in text and "default: the data pack's as-of date" in text and "YYYY-MM-DD" in text
    if command == "compare":
        assert "--profile" not in text
    else:
        assert f"--profile <str> {' | '.join(corridor.PROFILES)}:" in text
        assert f"[default: {corridor.DEFAULT_PROFILE}]" in text


@pytest.mark.integration
def test_route_json_has_the_documented_keys(world):
    result = runner.invoke(app, ["route", "43.25,76.95", "Karlshamn", "--via", "Aktau", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "origin",
        "destination",
        "km",
        "hours",
        "usd_per_teu",
        "kg_co2e_per_teu",
        "countries",
        "legs",
        "border_crossings",
        "geometry",
    ):
        assert key in data
    assert data["destination"] == "Karlshamn"
    assert data["geometry"]["type"] == "LineString"
    assert data["legs"][0]["mode"] in {"rail", "road", "transfer"}
    assert {leg["mode"] for leg in data["legs"]} <= {"rail", "road", "sea", "ferry", "service", "transfer", "border"}


@pytest.mark.integration
def test_route_json_equals_python_api(world):
    result = runner.invoke(app, ["route", "Minsk", "Klaipeda", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(world.route("Minsk", "Klaipeda").to_dict()))


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["route", "Klaipeeda", "Minsk"], "did you mean 'Klaipėda'"),
        (["route", "95,10", "Minsk"], "out of range"),
        (["route", "30,-40", "Minsk"], "from any usable"),
        (["route", "Minsk", "Klaipeda", "--avoid", "BY"], "excludes"),
        (["route", "Minsk", "Klaipeda", "--objective", "fastest"], "unknown objective"),
        (["route", "Aktau", "Baku", "--modes", "rail", "--avoid", "RU,IR"], "no route"),
        (["route", "Minsk", "Klaipeda", "--as-of", "1999"], "outside the dates the data pack covers"),
        (["path", "Minsk", "Klaipeda", "--as-of", "2021-02-30"], "is not a date"),
        (["route", "Minsk", "Klaipeda", "--profile", "plane"], "unknown profile 'plane'"),
    ],
)
def test_route_errors_are_one_line_and_exit_1(world, args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.integration
def test_route_table_and_network_report(world):
    result = runner.invoke(app, ["route", "Xi'an", "Klaipeda", "--avoid", "RU,BY"])
    assert result.exit_code == 0
    assert "Klaipėda" in result.stdout and "total" in result.stdout
    report = runner.invoke(app, ["network", "report", "--json"])
    data = json.loads(report.stdout)
    rail = data["layers"]["world_railways"]
    assert rail["giant_after"] > rail["giant_before"]
    assert rail["bridges"] > 0 and rail["dead_end_links"] > 0
    assert any(row["id"] == "zhetygen_altynkol_gap" for row in data["missing_lines"])
    assert rail["passenger_edges_left_out"] > 0 and rail["border_excursions_folded"] > 0
    table = runner.invoke(app, ["network", "report"])
    assert table.exit_code == 0, table.output
    assert "left out" in table.stdout and "folded" in table.stdout  # headers wrap in narrow terminals
