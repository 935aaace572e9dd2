"""The benchmark ``statistic`` column: reading it, the model time it picks, the per-statistic summary, and the
shipped rows' tags with their reasons."""

import json
import math
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from corridor.validation import parse_benchmarks, shipped_benchmarks, summarise, write_report
from corridor.validation.benchmarks import COLUMNS, STATISTICS, TIME_METRICS
from corridor.validation.measure import measure
from corridor.validation.report import display_rows
from corridor.validation.run import COLUMNS as RESULT_COLUMNS
from corridor.validation.run import validate, validation_to_dict

HEADER = ",".join(COLUMNS)
LEGACY_HEADER = "id,origin,destination,via,avoid,modes,objective,metric,low,high,as_of,source,note"


# --- reading the column ---------------------------------------------------------------------------


def test_statistic_sits_after_high_in_the_format():
    assert COLUMNS[COLUMNS.index("high") + 1] == "statistic"
    assert STATISTICS == ("planned", "observed") and TIME_METRICS == ("hours", "days")


def test_statistic_column_is_read_by_name():
    text = (
        f"{HEADER}\n"
        "a,Minsk,Vilnius,,,,,hours,10,12,planned,2024,https://e.org,\n"
        "b,Minsk,Vilnius,,,,,days,1,2,Observed ,2024,https://e.org,\n"
        "c,Minsk,Vilnius,,,,,days,1,2,,2024,https://e.org,\n"
        "d,Minsk,Vilnius,,,,,km,150,200,,2024,https://e.org,\n"
    )
    bench = parse_benchmarks(text)
    assert bench.problems == ()
    assert [r.statistic for r in bench.rows] == ["planned", "observed", None, None]
    assert bench.rows[0].as_of == "2024" and bench.rows[0].source == "https://e.org"


def test_statistic_column_may_stand_anywhere():
    text = "statistic,metric,high,low,destination,origin,id\nobserved,hours,20,10,Vilnius,Minsk,x\n"
    (row,) = parse_benchmarks(text).rows
    assert (row.id, row.metric, row.low, row.high, row.statistic) == ("x", "hours", 10, 20, "observed")


def test_files_without_the_column_still_read():
    bench = parse_benchmarks(f"{LEGACY_HEADER}\nx,Minsk,Vilnius,,,,,hours,10,12,2024,https://e.org,a note\n")
    (row,) = bench.rows
    assert bench.problems == () and row.statistic is None and row.as_of == "2024" and row.note == "a note"


def test_bad_statistic_and_statistic_on_other_metrics_are_malformed_rows_with_their_lines():
    text = "\n".join(
        [
            HEADER,
            "ok,Minsk,Vilnius,,,,,hours,10,12,planned,2024,,",
            "bad-value,Minsk,Vilnius,,,,,hours,10,12,median,2024,,",
            "on-km,Minsk,Vilnius,,,,,km,150,200,planned,2024,,",
            "on-cost,Minsk,Vilnius,,,,cost,usd_per_teu,1,2,observed,2024,,",
            "on-border,Minsk,Vilnius,,,,,border_hours,1,2,observed,2024,,",
            "ok-days,Minsk,Vilnius,,,,,days,1,2,observed,2024,,",
        ]
    )
    bench = parse_benchmarks(text)
    assert [r.id for r in bench.rows] == ["ok", "ok-days"]
    lines = {p.line: p.message for p in bench.problems}
    assert set(lines) == {3, 4, 5, 6}
    assert "statistic 'median'" in lines[3] and "planned, observed" in lines[3]
    for line, metric in ((4, "km"), (5, "usd_per_teu"), (6, "border_hours")):
        assert "only to the time metrics hours, days" in lines[line] and metric in lines[line]


# --- the model time a statistic picks -------------------------------------------------------------


def _route(reliability=None, **kw):
    """A stand-in with the attributes ``measure`` reads: enough to test which time it picks."""
    return SimpleNamespace(transit_hours=100.0, km=1500.0, legs=(), reliability=reliability, **kw)


RELIABILITY = SimpleNamespace(planned_hours=80.0, mean_hours=104.0, p10_hours=85.0, p50_hours=98.0, p90_hours=130.0)


@pytest.mark.parametrize(
    ("metric", "statistic", "expected"),
    [
        ("hours", None, 100.0),
        ("days", None, 100.0 / 24),
        ("hours", "planned", 80.0),
        ("days", "planned", 80.0 / 24),
        ("hours", "observed", 98.0),
        ("days", "observed", 98.0 / 24),
    ],
)
def test_measure_picks_the_time_the_statistic_names(metric, statistic, expected):
    assert measure(_route(RELIABILITY), metric, None, statistic) == pytest.approx(expected)


def test_no_statistic_needs_no_reliability():
    assert measure(_route(None), "hours", None) == pytest.approx(100.0)
    assert measure(_route(None), "km", None) == pytest.approx(1500.0)


@pytest.mark.parametrize("statistic", ["planned", "observed"])
def test_a_statistic_without_reliability_is_a_value_error(statistic):
    with pytest.raises(ValueError, match="reliability"):
        measure(_route(None), "hours", None, statistic)
    bare = SimpleNamespace(transit_hours=100.0, legs=())  # a route object from before the attribute existed
    with pytest.raises(ValueError, match="reliability"):
        measure(bare, "days", None, statistic)


def test_measure_refuses_a_statistic_on_other_metrics_and_unknown_statistics():
    with pytest.raises(ValueError, match="only to hours and days"):
        measure(_route(RELIABILITY), "km", None, "planned")
    with pytest.raises(ValueError, match="unknown statistic"):
        measure(_route(RELIABILITY), "hours", None, "p90")


# --- the run and the summary ----------------------------------------------------------------------


class _Engine:
    """A stand-in engine: every query answers with the same stand-in route."""

    def __init__(self, route):
        self._route = route
        self.pack = SimpleNamespace(covers=(date(2000, 1, 1), date(2030, 12, 31)))

    def route(self, origin, destination, options, *, reopen=()):
        return self._route


ROWS = (
    f"{HEADER}\n"
    "p,Minsk,Vilnius,,,,,hours,75,85,planned,2024,https://e.org,\n"
    "o,Minsk,Vilnius,,,,,hours,90,95,observed,2024,https://e.org,\n"
    "e,Minsk,Vilnius,,,,,hours,95,105,,2024,https://e.org,\n"
    "k,Minsk,Vilnius,,,,,km,1400,1600,,2024,https://e.org,\n"
)


def test_validate_passes_the_statistic_through():
    frame = validate(_Engine(_route(RELIABILITY, countries=("BY", "LT"))), parse_benchmarks(ROWS)).set_index("id")
    assert list(frame.reset_index().columns) == list(RESULT_COLUMNS)
    assert frame["statistic"].to_dict() == {"p": "planned", "o": "observed", "e": "expected", "k": "expected"}
    assert frame["model"].to_dict() == pytest.approx({"p": 80.0, "o": 98.0, "e": 100.0, "k": 1500.0})
    assert frame["inside"].to_dict() == {"p": True, "o": False, "e": True, "k": True}
    assert (frame["failure"] == "").all() and (frame["family"] == "link or regional").all()


def test_validate_records_a_statistic_without_reliability_as_a_failed_row():
    bare = SimpleNamespace(transit_hours=100.0, km=1500.0, legs=(), countries=("BY", "LT"))  # no reliability at all
    frame = validate(_Engine(bare), parse_benchmarks(ROWS)).set_index("id")
    for rid in ("p", "o"):
        assert math.isnan(frame.loc[rid, "model"]) and not frame.loc[rid, "inside"]
        assert frame.loc[rid, "family"] == "failed" and "reliability" in frame.loc[rid, "failure"]
    assert frame.loc["e", "model"] == pytest.approx(100.0) and frame.loc["e", "failure"] == ""
    summary = summarise(frame.reset_index())
    assert summary.overall.iloc[0]["failed"] == 2
    assert summary.by_statistic.set_index("group")["failed"].to_dict() == {"planned": 1, "observed": 1, "expected": 0}


def _frame():
    rows = [
        ("a", "hours", "planned", 10, 12, 11.0, 0.0, ""),
        ("b", "days", "planned", 10, 12, 13.2, 10.0, ""),
        ("c", "days", "observed", 10, 12, 9.0, -10.0, ""),
        ("d", "km", "expected", 10, 12, 12.0, 0.0, ""),
        ("e", "hours", "expected", 10, 12, math.nan, math.nan, "unknown place 'Xyzzyville'"),
    ]
    frame = pd.DataFrame(
        [
            {
                "id": rid,
                "asked": "Minsk → Vilnius",
                "metric": metric,
                "statistic": statistic,
                "low": low,
                "high": high,
                "model": model,
                "inside": err == 0.0,
                "error_pct": err,
                "family": "failed" if failure else "link or regional",
                "as_of": "2024",
                "source": "https://e.org",
                "note": "",
                "failure": failure,
            }
            for rid, metric, statistic, low, high, model, err, failure in rows
        ],
        columns=list(RESULT_COLUMNS),
    )
    frame.attrs["origin"] = "<rows>"
    return frame


def test_summary_groups_by_statistic_in_a_fixed_order():
    summary = summarise(_frame())
    table = summary.by_statistic.set_index("group")
    assert list(table.index) == ["planned", "observed", "expected"]
    assert table["rows"].to_dict() == {"planned": 2, "observed": 1, "expected": 2}
    assert table["inside"].to_dict() == {"planned": 1, "observed": 0, "expected": 1}
    assert table["failed"].to_dict() == {"planned": 0, "observed": 0, "expected": 1}
    assert table.loc["planned", "median_ape_outside_pct"] == pytest.approx(10.0)
    assert summary.by_statistic["rows"].sum() == summary.overall.iloc[0]["rows"]


def test_groups_without_rows_are_left_out():
    frame = _frame()
    only = frame[frame["statistic"] != "observed"]
    assert list(summarise(only).by_statistic["group"]) == ["planned", "expected"]


def test_json_carries_the_statistic_per_row_and_the_group_table():
    frame = _frame()
    payload = json.loads(json.dumps(validation_to_dict(frame, summarise(frame))))
    assert set(payload["summary"]) == {"overall", "by_metric", "by_family", "by_statistic"}
    assert [g["group"] for g in payload["summary"]["by_statistic"]] == ["planned", "observed", "expected"]
    assert [r["statistic"] for r in payload["rows"]] == ["planned", "planned", "observed", "expected", "expected"]


def test_reports_show_the_statistic_per_row_and_the_group_table(tmp_path):
    frame = _frame()
    shown = display_rows(frame)
    assert list(shown.columns[:4]) == ["id", "asked", "metric", "statistic"]
    assert list(shown["statistic"]) == list(frame["statistic"])
    page = write_report(frame, tmp_path / "fit.html").read_text()
    assert "<h3>Per statistic</h3>" in page and "median transit (P50)" in page
    md = write_report(frame, tmp_path / "fit.md").read_text()
    assert "### Per statistic" in md and "| planned | 2 |" in md and "| observed | 1 |" in md


# --- the shipped set --------------------------------------------------------------------------------


def test_every_shipped_time_row_says_why_it_has_its_statistic():
    bench = shipped_benchmarks()
    assert bench.problems == ()
    times = [r for r in bench.rows if r.metric in TIME_METRICS]
    assert times
    for row in times:
        if row.statistic is None:  # left empty: the note says why
            assert "statistic: left empty" in row.note, row.id
        else:
            assert f"statistic: {row.statistic} — " in row.note, row.id
            why = row.note.split(f"statistic: {row.statistic} — ", 1)[1]
            assert "'" in why, row.id  # it quotes the source's words
    for row in bench.rows:
        if row.metric not in TIME_METRICS:
            assert row.statistic is None and "statistic:" not in row.note, row.id
    tagged = {r.statistic for r in times}
    assert {"planned", "observed"} <= tagged
