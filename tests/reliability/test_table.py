"""The shipped reliability table: what it holds, how lookups fall back, and every check of its loader."""

from __future__ import annotations

import csv
import dataclasses
import math
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from corridor.datapack import load_pack
from corridor.errors import DataError
from corridor.reliability import (
    COMPONENTS,
    FAMILIES,
    Distribution,
    ReliabilityTable,
    draw,
    load_reliability,
    shipped_reliability,
)
from corridor.reliability.table import COLUMNS, DEFAULT_KEYS

PACK_DIR = Path(str(resources.files("corridor").joinpath("data", "pack")))
SHIPPED = PACK_DIR / "reliability.csv"
CASPIAN = (
    "Caspian container feeder Aktau–Alat",
    "Caspian rail ferry Kuryk–Alat",
    "Caspian rail ferry Türkmenbaşy–Alat",
)
N = 400_000


@pytest.fixture(scope="module")
def table() -> ReliabilityTable:
    return shipped_reliability()


def quantiles(dist: Distribution, expected_hours: float, seed: int = 11) -> dict[int, float]:
    """P10/P50/P90/P99 of a row's draws, as ratios to E."""
    hours = draw(dist, expected_hours, N, np.random.default_rng(seed))
    return dict(zip((10, 50, 90, 99), np.percentile(hours, [10, 50, 90, 99]) / expected_hours, strict=True))


# ------------------------------------------------------------------------------------------------ shipped table


def test_shipped_table_loads_with_every_default(table: ReliabilityTable) -> None:
    assert load_reliability() == load_reliability(SHIPPED) == table
    assert shipped_reliability() is table
    for component, key in DEFAULT_KEYS:
        row = table.lookup(component, (key,))
        assert (row.component, row.key, row.month) == (component, key, None)
    assert {r.component for r in table.rows} == set(COMPONENTS)
    assert {r.family for r in table.rows} == set(FAMILIES) - {"fixed"}


def test_every_key_names_an_element_of_the_pack(table: ReliabilityTable) -> None:
    pack = load_pack()
    crossings = {c.id for c in pack.crossings}
    services = {s.service for s in pack.services}
    names = {
        "border": crossings | {"rail", "road"},
        "gauge_change": crossings | {"bogie_exchange", "transshipment"},
        "terminal": set(pack.place_ids) | {"port", "inland"},
        "service_running": services | {"ferry", "train"},
        "service_wait": services | {"irregular"},
        "hold": services,
        "sea_running": {"*"},
        "rail_running": {"*"} | {r.country for r in pack.rail_speeds},
        "road_running": {"*"},
    }
    for row in table.rows:
        assert row.key in names[row.component], (row.line, row.component, row.key)
    gauge_crossings = {c.id for c in pack.crossings if c.gauge_change != "none"}
    assert all(r.key in gauge_crossings for r in table.rows if r.component == "gauge_change" and r.key in crossings)
    irregular = {s.service for s in pack.services if s.timetable == "irregular"}
    assert {r.key for r in table.rows if r.component in ("service_wait", "hold")} - {"irregular"} <= irregular


def test_every_row_says_where_its_figures_come_from(table: ReliabilityTable) -> None:
    for row in table.rows:
        assert row.basis in ("sourced", "derived", "estimate") and row.as_of and row.source, row.line
        if row.basis != "sourced":
            assert row.source.startswith(f"{row.basis}: "), row.line
        if row.basis != "estimate":
            assert "http" in row.source, row.line  # an estimate may rest on reasoning alone
        assert row.describe(), row.line


def test_the_file_keeps_its_column_order() -> None:
    with SHIPPED.open(encoding="utf-8", newline="") as f:
        assert tuple(next(csv.reader(f))) == COLUMNS


# ------------------------------------------------------------------------------------------------ lookups


def test_lookup_tries_the_keys_in_order_then_the_default(table: ReliabilityTable) -> None:
    assert table.lookup("border", ("brest_malaszewicze", "rail")).key == "brest_malaszewicze"
    assert table.lookup("border", ("kuznica_bruzgi", "rail")).key == "rail"
    assert table.lookup("border", ("red_bridge_road", "road")).key == "road"
    assert table.lookup("rail_running", ("KZ",)).key == "KZ"
    assert table.lookup("rail_running", ("PL",)).key == "*"
    assert table.lookup("rail_running").key == "*"
    assert table.lookup("sea_running", ()).family == "schedule"
    assert table.lookup("service_wait", ("Viking train", "irregular")).key == "irregular"
    assert table.lookup("service_running", ("Viking train", "train")).key == "train"
    assert table.lookup("terminal", ("baku_alat", "port")).key == "baku_alat"
    assert table.lookup("terminal", ("duisburg", "inland")).key == "inland"
    assert table.lookup("border", "rail").key == "rail"  # one key as a plain string, not its letters


def test_lookup_raises_key_error_when_nothing_matches(table: ReliabilityTable) -> None:
    with pytest.raises(KeyError, match="border"):
        table.lookup("border", ("no_such_crossing",))
    with pytest.raises(KeyError):
        table.lookup("hold", ("Viking train",), month=1)


def test_a_month_row_wins_over_its_keys_all_months_row_but_not_over_a_more_specific_key(
    table: ReliabilityTable,
) -> None:
    rail = table.lookup("border", ("rail",))
    brest = table.lookup("border", ("brest_malaszewicze",))
    winter_rail = dataclasses.replace(rail, month=1, cv=2.0)
    custom = ReliabilityTable((*table.rows, winter_rail))
    assert custom.lookup("border", ("kena_gudogai_x", "rail"), month=1) == winter_rail
    assert custom.lookup("border", ("rail",), month=2) == rail
    assert custom.lookup("border", ("rail",)) == rail
    assert custom.lookup("border", ("brest_malaszewicze", "rail"), month=1) == brest


def test_holds_are_by_month_and_heaviest_in_winter(table: ReliabilityTable) -> None:
    for service in CASPIAN:
        monthly = [table.holds(service, m) for m in range(1, 13)]
        assert all(h is not None and h.month == m for m, h in enumerate(monthly, start=1))
        p = [h.event_probability for h in monthly if h is not None]
        assert min(p[0], p[1], p[11]) > max(p[4:9])  # Dec-Feb above May-Sep
        every = table.holds(service, None)
        assert every is not None and every.month is None
        assert every.event_probability == pytest.approx(float(np.mean(p)), abs=0.001)
    assert table.holds("Viking train", 1) is None
    assert table.holds("DFDS Klaipėda–Kiel", None) is None


def test_planned_and_mean_hours_keep_the_callers_shape(table: ReliabilityTable) -> None:
    row = table.lookup("border", ("rail",))
    assert isinstance(row.planned_hours(20.0), float) and isinstance(row.mean_hours(20.0), float)
    assert row.planned_hours(20.0) == pytest.approx(3.0)
    hours = np.array([10.0, 20.0])
    np.testing.assert_allclose(row.mean_hours(hours), hours)
    np.testing.assert_allclose(row.planned_hours(hours), 0.15 * hours)


def test_describe_reads_as_a_phrase(table: ReliabilityTable) -> None:
    brest = table.lookup("border", ("brest_malaszewicze",))
    assert brest.describe() == "lognormal, planned 12.5 %, CV 0.66; 4 % chance of a 180 h hold"
    assert table.lookup("sea_running").describe().startswith("schedule: 65.2 % on time")
    assert "headway CV 0.8" in table.lookup("service_wait", ("irregular",)).describe()
    assert table.lookup("service_running", (CASPIAN[0],)).describe().endswith("P10 1, P50 1.2, P90 1.4")
    hold = table.holds(CASPIAN[1], 1)
    assert hold is not None and hold.describe() == "19.7 % chance of a 45 h hold"


# ------------------------------------------------------------------------------------------------ the data
# Each row's `source` states the figures and the arithmetic; these tests redo it through the samplers.


def test_border_default_follows_the_carec_reading(table: ReliabilityTable) -> None:
    q = quantiles(table.lookup("border", ("rail",)), 23.0)
    assert q[50] == pytest.approx(0.75, abs=0.01)  # median 0.7-0.8 x mean
    assert 2.0 <= q[90] / q[50] <= 3.0  # P90 2-3 x median
    farap = draw(table.lookup("border", ("rail",)), 23.0, N, np.random.default_rng(3))
    assert 0.002 < float(np.mean(farap >= 120.0)) < 0.01  # the 120 h wait at Farap: about 1 in 190


def test_brest_usual_and_often_waits(table: ReliabilityTable) -> None:
    brest = table.lookup("border", ("brest_malaszewicze", "rail"))
    body = dataclasses.replace(brest, event_probability=0.0, event_mean_hours=math.nan)
    q = quantiles(body, 48.0)
    assert q[90] / q[50] == pytest.approx(2.0, abs=0.05)  # usual 2-3 days, often 5
    assert brest.planned_hours(48.0) == pytest.approx(6.0)  # processing without transshipment
    assert brest.mean_hours(48.0) == pytest.approx(48.0 + 0.04 * 180.0)


@pytest.mark.parametrize(
    ("crossing", "expected_hours"),
    [
        ("alashankou_dostyk", 26.0),
        ("khorgos_altynkol", 30.0),
        ("erenhot_zamyn_uud", 40.0),
        ("zabaikalsk_manzhouli", 24.0),
    ],
)
def test_chinese_exits_take_a_week_once_in_a_hundred(
    table: ReliabilityTable, crossing: str, expected_hours: float
) -> None:
    pack_dwell = {c.id: c.dwell_hours for c in load_pack().crossings}[crossing]
    assert pack_dwell == expected_hours  # the arithmetic in `source` used the network's dwell
    q = quantiles(table.lookup("border", (crossing, "rail")), expected_hours)
    assert q[99] * expected_hours == pytest.approx(168.0, rel=0.03)


def test_alat_and_inland_terminals_and_the_viking_train(table: ReliabilityTable) -> None:
    alat = quantiles(table.lookup("terminal", ("baku_alat", "port")), 10.0)
    assert alat[90] == pytest.approx(30.0 / 20.1, rel=0.02)  # protocol limit 30 h per vessel
    inland = quantiles(table.lookup("terminal", ("xian", "inland")), 5.0)
    assert inland[10] == pytest.approx(0.8, abs=0.03) and inland[90] == pytest.approx(1.2, abs=0.03)  # 4-6 h
    train = table.lookup("service_running", ("Viking train", "train"))
    assert train.planned_hours(54.0) == pytest.approx(54.0)  # the network's 54 h is TRACECA's planned time
    viking = quantiles(train, 54.0)
    # the fact sheet's "53-59 hours": midpoint 56 h, top 59 h
    assert viking[50] * 54 == pytest.approx(56.0, abs=0.3) and viking[90] * 54 == pytest.approx(59.0, abs=0.3)


def test_caspian_crossing_is_20_to_28_hours(table: ReliabilityTable) -> None:
    pack_hours = {s.service: s.hours for s in load_pack().services}
    for service in CASPIAN[:2]:
        e = pack_hours[service]
        assert e is not None
        q = quantiles(table.lookup("service_running", (service, "ferry")), e)
        assert (q[10] * e, q[50] * e, q[90] * e) == pytest.approx((20.0, 24.0, 28.0), abs=0.3)


def test_caspian_waits_match_the_travellers_reports(table: ReliabilityTable) -> None:
    kuryk = table.lookup("service_wait", (CASPIAN[1], "irregular"))
    waits = draw(kuryk, 84.0, N, np.random.default_rng(5))  # two sailings a week
    assert float(waits.mean()) == pytest.approx(68.9, rel=0.01)
    assert 48.0 <= float(np.median(waits)) <= 72.0  # "2-3 days"
    assert 120.0 <= float(np.percentile(waits, 90)) <= 168.0  # "up to a week"
    for row in (r for r in table.rows if r.component == "service_wait"):
        assert 0.5 <= row.cv <= 1.0  # the facts' range for the Caspian


def test_sea_schedule_reliability_is_sea_intelligences_latest(table: ReliabilityTable) -> None:
    sea = table.lookup("sea_running")
    assert (sea.on_time_share, sea.late_mean_hours) == (0.652, pytest.approx(4.88 * 24, abs=0.1))


# ------------------------------------------------------------------------------------------------ loader checks


def write_with(tmp_path: Path, where: tuple[str, str, str], column: str, value: str | None) -> tuple[Path, int]:
    """A copy of the shipped file with one cell changed (``value`` None: the row removed); returns it and the line."""
    with SHIPPED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    index = next(i for i, r in enumerate(rows) if (r["component"], r["key"], r["month"]) == where)
    if value is None:
        del rows[index]
    else:
        rows[index][column] = value
    path = tmp_path / "reliability.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path, index + 2


RAIL = ("border", "rail", "")
BREST = ("border", "brest_malaszewicze", "")
FEEDER_RUN = ("service_running", CASPIAN[0], "")
SEA = ("sea_running", "*", "")
KURYK_WAIT = ("service_wait", CASPIAN[1], "")
KURYK_JAN = ("hold", CASPIAN[1], "1")
ALAT = ("terminal", "baku_alat", "")

BAD_CELLS = [
    (RAIL, "component", "borders", "component", "unknown component"),
    (RAIL, "family", "weibull", "family", "unknown family"),
    (RAIL, "family", "event", "family", "cannot describe a 'border'"),
    (KURYK_WAIT, "family", "lognormal", "family", "cannot describe a 'service_wait'"),
    (RAIL, "cv", "", "cv", "required by family 'lognormal'"),
    (FEEDER_RUN, "p50_ratio", "", "p50_ratio", "required by family 'quantiles'"),
    (SEA, "late_mean_hours", "", "late_mean_hours", "required by family 'schedule'"),
    (KURYK_JAN, "event_mean_hours", "", "event_mean_hours", "required by family 'event'"),
    (RAIL, "family", "fixed", "planned_share", "not used by family 'fixed'"),
    (KURYK_WAIT, "planned_share", "0.5", "planned_share", "not used by family 'renewal'"),
    (RAIL, "event_probability", "0.1", "event_mean_hours", "both event_probability and event_mean_hours"),
    (RAIL, "cv", "nan", "cv", "finite"),
    (RAIL, "cv", "inf", "cv", "finite"),
    (RAIL, "cv", "high", "cv", "not a number"),
    (RAIL, "planned_share", "-0.1", "planned_share", "negative"),
    (BREST, "event_mean_hours", "-5", "event_mean_hours", "negative"),
    (RAIL, "planned_share", "1", "planned_share", "below 1"),
    (FEEDER_RUN, "planned_share", "1.2", "p10_ratio", "percentiles out of order"),
    (RAIL, "cv", "0", "cv", "above 0"),
    (BREST, "event_mean_hours", "0", "event_mean_hours", "above 0"),
    (BREST, "event_probability", "1.5", "event_probability", "[0, 1]"),
    (SEA, "on_time_share", "1.2", "on_time_share", "[0, 1]"),
    (KURYK_JAN, "event_probability", "2", "event_probability", "[0, 1]"),
    (FEEDER_RUN, "p50_ratio", "1.5", "p90_ratio", "percentiles out of order"),
    (FEEDER_RUN, "p10_ratio", "0.9", "p10_ratio", "percentiles out of order"),
    (FEEDER_RUN, "p10_ratio", "1.3", "p50_ratio", "percentiles out of order"),
    (KURYK_JAN, "month", "13", "month", "1-12"),
    (KURYK_JAN, "month", "0", "month", "1-12"),
    (KURYK_JAN, "month", "Jan", "month", "1-12"),
    (SEA, "late_mean_hours", "24", "late_mean_hours", "exceed 24 h"),
    (("hold", CASPIAN[1], "2"), "month", "1", "key", "duplicate"),
    (("border", "road", ""), "key", "rail", "key", "duplicate"),
    (BREST, "key", "brest_malaszewice", "key", "did you mean 'brest_malaszewicze'"),
    (RAIL, "component", "gauge_change", "key", "unknown gauge_change key 'rail'"),
    (ALAT, "key", "atlantis", "key", "place id"),
    (KURYK_WAIT, "key", "Caspian ferry", "key", "service name"),
    (KURYK_JAN, "key", "kuryk-baku_alat", "key", "service name"),  # a segment id, not the service name
    (("service_running", "ferry", ""), "key", "ship", "key", "unknown service_running key"),
    (("rail_running", "KZ", ""), "key", "Kazakhstan", "key", "ISO 3166-1"),
    (SEA, "key", "Asia–Europe", "key", "lane tag"),
    (RAIL, "key", "", "key", "must not be empty"),
    (RAIL, "basis", "", "basis", "must not be empty"),
    (RAIL, "basis", "guess", "basis", "sourced, derived or estimate"),
    (RAIL, "source", "", "source", "must not be empty"),
    (RAIL, "as_of", "", "as_of", "must not be empty"),
    (RAIL, "as_of", "last year", "as_of", "YYYY-MM"),
    (RAIL, "as_of", "2026-13", "as_of", "YYYY-MM"),
]


@pytest.mark.parametrize(("where", "column", "value", "field", "message"), BAD_CELLS)
def test_a_bad_cell_is_named_by_file_line_and_field(
    tmp_path: Path, where: tuple[str, str, str], column: str, value: str, field: str, message: str
) -> None:
    path, line = write_with(tmp_path, where, column, value)
    with pytest.raises(DataError) as info:
        load_reliability(path)
    text = str(info.value)
    assert text.startswith(f"reliability.csv: line {line}: field '{field}': "), text
    assert message in text
    assert info.value.path == str(path)


@pytest.mark.parametrize(("component", "key"), DEFAULT_KEYS)
def test_a_missing_default_row_is_named(tmp_path: Path, component: str, key: str) -> None:
    path, _ = write_with(tmp_path, (component, key, ""), "", None)
    with pytest.raises(DataError) as info:
        load_reliability(path)
    text = str(info.value)
    assert text.startswith("reliability.csv: field 'key': missing the default row"), text
    assert f"component {component!r}, key {key!r}" in text


def test_a_default_only_for_one_month_is_missing(tmp_path: Path) -> None:
    path, _ = write_with(tmp_path, ("service_wait", "irregular", ""), "month", "3")
    with pytest.raises(DataError, match=r"missing the default row \(component 'service_wait', key 'irregular'"):
        load_reliability(path)


def test_a_bad_header_or_row_shape_is_named(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    path = tmp_path / "reliability.csv"
    path.write_text(text.replace("p10_ratio,p50_ratio", "p50_ratio,p10_ratio", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"^reliability\.csv: line 1: field 'header': .*wrong order"):
        load_reliability(path)
    path.write_text(text.replace("cv,p10_ratio", "sigma,p10_ratio", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"line 1: field 'header': .*missing \['cv'\], unknown \['sigma'\]"):
        load_reliability(path)
    lines = text.splitlines(keepends=True)
    path.write_text("".join([*lines[:3], "border,rail_x,,lognormal\n", *lines[3:]]), encoding="utf-8")
    with pytest.raises(DataError, match=r"^reliability\.csv: line 4: field 'row': expected 17 fields, got 4"):
        load_reliability(path)


def test_a_missing_or_undecodable_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"reliability\.csv: file not found"):
        load_reliability(tmp_path / "reliability.csv")
    (tmp_path / "reliability.csv").write_bytes(b"component,key\n\xff\xfe\n")
    with pytest.raises(DataError, match="not valid UTF-8"):
        load_reliability(tmp_path / "reliability.csv")


def test_keys_are_checked_against_the_pack_in_the_files_folder(tmp_path: Path) -> None:
    """In a copy of the pack without a crossing, a row for that crossing is an unknown key; alone, the shipped
    pack is used and the same file loads."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK_DIR, pack)
    crossings = pack / "crossings.csv"
    with crossings.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, [r for r in reader if r["id"] != "erenhot_zamyn_uud"]
    assert fields is not None
    with crossings.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    line = next(r.line for r in shipped_reliability().rows if r.key == "erenhot_zamyn_uud")
    with pytest.raises(DataError, match=rf"line {line}: field 'key': unknown border key 'erenhot_zamyn_uud'"):
        load_reliability(pack / "reliability.csv")
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(SHIPPED, alone / "reliability.csv")
    assert load_reliability(alone / "reliability.csv") == shipped_reliability()
