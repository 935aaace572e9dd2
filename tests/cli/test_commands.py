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


def test_crossings_by_country_and_mode_with_their_status_on_the_day_asked():
    result = runner.invoke(app, ["crossings", "--country", "FI", "--mode", "rail", "--json"])
    assert result.exit_code == 0, result.output
    rows = {c["id"]: c for c in json.loads(result.stdout)}
    assert rows and all("FI" in (c["country_a"], c["country_b"]) and c["mode"] == "rail" for c in rows.values())
    # the Finland-Russia crossings closed in November 2023 are closed on the pack's day and open in 2021
    assert not rows["imatra_svetogorsk"]["open"] and "closed since 2023-11" in rows["imatra_svetogorsk"]["closed"]
    earlier = runner.invoke(app, ["crossings", "--country", "FI", "--mode", "rail", "--as-of", "2021", "--json"])
    assert {c["id"]: c["open"] for c in json.loads(earlier.stdout)}["imatra_svetogorsk"] is True
    by_python = corridor.list_crossings(country="BY", mode="rail")
    brest = next(c for c in by_python if c.id == "brest_malaszewicze")
    assert (brest.gauge_change, brest.open, brest.to_dict()["name"]) == ("transshipment", True, "Brest–Małaszewicze")
    table = runner.invoke(app, ["crossings", "--country", "BY"])
    assert table.exit_code == 0 and "Brest–Małaszewicze" in table.stdout


@pytest.mark.parametrize("args", [["--mode", "sea"], ["--country", "Finland"], ["--as-of", "1990"]])
def test_crossings_bad_option_is_one_line_error(args):
    result = runner.invoke(app, ["crossings", *args])
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


# --- reliability: --depart, --draws, --seed, --reliability ------------------------------------------------------------


def test_route_help_names_the_reliability_options_without_a_network():
    result = runner.invoke(app, ["route", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "--depart" in text and "2026-12-07T08:00" in text and "UTC" in text
    assert "--draws" in text and "[default: 10000]" in text and "--seed" in text and "--reliability" in text


@pytest.mark.parametrize("depart", ["2026-13-01", "tomorrow"])
def test_a_bad_depart_is_one_line_naming_depart_before_any_load(depart):
    """Refused before the network is loaded (outside integration tests a load would fail the test)."""
    result = runner.invoke(app, ["route", "Almaty", "Karlshamn", "--depart", depart])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: depart {depart!r} is not a date and time; use ISO 8601, e.g. 2026-12-07T08:00"
    ]
    assert "Traceback" not in result.output


def test_reliability_without_draws_is_refused_before_any_load():
    result = runner.invoke(app, ["route", "Almaty", "Karlshamn", "--draws", "0", "--reliability"])
    assert result.exit_code == 1 and result.stderr.strip() == "error: --reliability needs draws above 0"


@pytest.mark.integration
def test_route_reliability_prints_the_distribution_and_the_legs_by_spread(world):
    result = runner.invoke(app, ["route", "Almaty", "Karlshamn", "--avoid", "RU,BY", "--reliability"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    rel = world.route("Almaty", "Karlshamn", avoid="RU,BY").reliability
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") >= 3}
    for name, hours in (
        ("transit planned (no delays)", rel.planned_hours), ("transit mean", rel.mean_hours),
        ("transit P10", rel.p10_hours), ("transit P50", rel.p50_hours), ("transit P90", rel.p90_hours),
        ("transit P95", rel.p95_hours), ("door to door P10", rel.door_p10_hours),
        ("door to door P50", rel.door_p50_hours), ("door to door P90", rel.door_p90_hours),
    ):  # fmt: skip
        cells = [c.strip() for c in lines[name].split("│")[1:-1]]
        assert cells == [name, f"{hours / 24:.1f}", f"{hours:,.1f}"]
    assert f"buffer index {rel.buffer_index:.2f}: (P95 − mean) / mean" in text
    assert f"planning-time index {rel.planning_time_index:.2f}: P95 / planned" in text
    assert "What makes the P90 long" in text and "share of spread" in text
    # the leg table, sorted by share of the spread: the first row is the leg with the largest share
    top = max(rel.legs, key=lambda leg: leg.spread_share)
    spread = text[text.index("What makes the P90 long") :].splitlines()
    rows = [line for line in spread if line.startswith("│ ") and line.split("│")[1].strip()[:1].isdigit()]
    first = [c.strip() for c in rows[0].split("│")[1:-1]]
    assert first[0] == f"{top.index + 1} {top.mode}" and first[1] == f"{top.from_} → {top.to}"
    assert first[2:6] == [f"{top.planned_hours:,.1f}", f"{top.p50_hours:,.1f}", f"{top.p90_hours:,.1f}",
                          f"{top.spread_share:.1%}"]  # fmt: skip
    assert len(rows) == len(rel.legs)
    assert "Door to door, UTC" not in text  # no departure asked, no moments


@pytest.mark.integration
def test_route_depart_prints_the_arrival_with_and_without_reliability(world):
    args = ["route", "Almaty", "Karlshamn", "--avoid", "RU,BY", "--depart", "2026-12-07T08:00", "--draws", "2000"]
    rel = world.route("Almaty", "Karlshamn", avoid="RU,BY", depart="2026-12-07T08:00", draws=2000).reliability
    short = runner.invoke(app, args)
    assert short.exit_code == 0, short.output
    last = short.stdout.strip().splitlines()[-1]
    assert last == (
        f"departing 2026-12-07 08:00 UTC: arrival planned {rel.arrival_planned.replace('T', ' ')}, "
        f"P50 {rel.arrival_p50.replace('T', ' ')}, P90 {rel.arrival_p90.replace('T', ' ')} (UTC, door to door)"
    )
    assert "What makes the P90 long" not in short.stdout
    full = runner.invoke(app, [*args, "--reliability"])
    assert full.exit_code == 0, full.output
    assert "Door to door, UTC" in full.stdout and "departing" not in full.stdout
    for name, moment in (("departure", rel.depart), ("arrival, planned", rel.arrival_planned),
                         ("arrival, P10", rel.arrival_p10), ("arrival, P50", rel.arrival_p50),
                         ("arrival, P90", rel.arrival_p90)):  # fmt: skip
        assert f"│ {name:<16} │ {moment.replace('T', ' ')} │" in full.stdout


@pytest.mark.integration
def test_compare_table_and_json_have_p50_and_p90_days(world, tmp_path):
    options = world.compare("Almaty", "Kaunas")
    feasible = [o for o in options if o.feasible]
    assert feasible and all(o.p50_days is not None and o.p50_days <= o.p90_days for o in feasible)
    as_json = runner.invoke(app, ["compare", "Almaty", "Kaunas", "--json"])
    assert as_json.exit_code == 0, as_json.output
    rows = {row["corridor"]: row for row in json.loads(as_json.stdout)}
    for o in options:
        expected = (None, None) if not o.feasible else (round(o.p50_days, 2), round(o.p90_days, 2))
        assert (rows[o.corridor]["p50_days"], rows[o.corridor]["p90_days"]) == expected
    table = runner.invoke(app, ["compare", "Almaty", "Kaunas"])
    assert table.exit_code == 0, table.output
    header = next(line for line in table.stdout.splitlines() if "corridor" in line and "┃" in line)
    assert [c.strip() for c in header.split("┃")[1:4]] == ["corridor", "days", "P50 days"]
    assert "P90 days" in header and "P50 / P90 days: the transit" in table.stdout
    rows_shown = [[c.strip() for c in line.split("│")[1:-1]] for line in table.stdout.splitlines() if "│" in line]
    for o in feasible:
        assert [f"{o.route.days:.1f}", f"{o.p50_days:.1f}", f"{o.p90_days:.1f}"] in [cells[1:4] for cells in rows_shown]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nAlmaty,Kaunas\n", encoding="utf-8")
    matrix = runner.invoke(app, ["compare", "--matrix", str(pairs), "--json"])
    assert matrix.exit_code == 0, matrix.output
    by_family = {row["corridor"]: row for row in json.loads(matrix.stdout)}
    for o in feasible:
        assert by_family[o.corridor]["p50_days"] == pytest.approx(o.p50_days)
        assert by_family[o.corridor]["p90_days"] == pytest.approx(o.p90_days)
    matrix_table = runner.invoke(app, ["compare", "--matrix", str(pairs)])
    assert "P50 days" in matrix_table.stdout and "P90 days" in matrix_table.stdout
