"""Run a benchmark set through the model: one row per figure, and the summary of the fit."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor.errors import CorridorError, OptionsError
from corridor.options import QueryOptions
from corridor.status import parse_as_of
from corridor.validation.benchmarks import Benchmark, BenchmarkSet, read_benchmarks, shipped_benchmarks
from corridor.validation.measure import error_pct, measure, route_family

if TYPE_CHECKING:
    from corridor.datapack import DataPack
    from corridor.engine import Engine
    from corridor.results import Route

__all__ = ["COLUMNS", "STATISTIC_GROUPS", "Summary", "summarise", "validate"]

#: Columns of the DataFrame ``validate`` returns.
COLUMNS = (
    "id",
    "asked",
    "metric",
    "statistic",
    "low",
    "high",
    "model",
    "inside",
    "error_pct",
    "family",
    "as_of",
    "source",
    "note",
    "failure",
)
#: The ``statistic`` of a result row, in the order the summary lists them: a row without one is "expected".
STATISTIC_GROUPS = ("planned", "observed", "expected")


def _load(benchmarks: str | Path | BenchmarkSet | Iterable[Benchmark] | None) -> BenchmarkSet:
    if benchmarks is None:
        return shipped_benchmarks()
    if isinstance(benchmarks, BenchmarkSet):
        return benchmarks
    if isinstance(benchmarks, str | Path):
        return read_benchmarks(benchmarks)
    return BenchmarkSet(tuple(benchmarks), (), "<rows>")


def published_day(text: str, covers: tuple[date, date]) -> date:
    """The day a figure was published (the leading ``YYYY[-MM[-DD]]`` of a row's ``as_of``, e.g. "2025 H1" → 2025),
    moved into the dates the pack covers; the pack's as-of date when the row gives none."""
    first, last = covers
    match = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", text or "")
    try:
        day = parse_as_of(match.group(0), (date.min, date.max)) if match else last
    except OptionsError:
        day = last
    return min(max(day, first), last)


def _measure_row(route: Route, row: Benchmark, pack: DataPack) -> tuple[float, str]:
    """The model's value for a row, or NaN and the reason: a planned or observed time needs the route's
    reliability, and a route asked without it is a failed row, not an error."""
    try:
        return measure(route, row.metric, pack, row.statistic), ""
    except ValueError as exc:
        if row.statistic is None:
            raise
        return math.nan, str(exc)


def validate(
    engine: Engine,
    benchmarks: str | Path | BenchmarkSet | Iterable[Benchmark] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Compare the model with published figures; one row per benchmark.

    ``benchmarks`` is a CSV path, a BenchmarkSet, rows, or None for the shipped set. A row
    whose query fails (unknown place, no route) gets ``model`` NaN and the reason in
    ``failure``; it counts as outside its range. Rows skipped by the reader are listed in
    ``df.attrs["problems"]``.

    ``statistic`` says which model time a row was held against: ``planned`` (transit without delays),
    ``observed`` (median transit) or ``expected`` (the expected value: every row that names no statistic).
    A planned or observed row whose route carries no reliability fails with the reason in ``failure``.

    Each row is routed as of the day its figure was published (``as_of``, moved into the dates the pack covers):
    a 2021 Viking train time is checked against the network of 2021, when the train ran. What a row names as
    its via (a service, a sea passage) is open for it whatever the day: a published Suez distance is a fact about
    the Suez route even while liners avoid the Red Sea.
    """
    bench = _load(benchmarks)
    first, last = engine.pack.covers
    records = []
    for i, row in enumerate(bench.rows):
        value, family, failure = math.nan, "", ""
        try:
            options = QueryOptions.make(
                via=list(row.via), avoid=list(row.avoid), modes=list(row.modes) or None, objective=row.objective,
                as_of=published_day(row.as_of, (first, last)),
            )  # fmt: skip
            # the row's route is the one it names: its via services and sea passages are open for it
            route = engine.route(row.origin, row.destination, options, reopen=row.via)
            value, failure = _measure_row(route, row, engine.pack)
            if not failure:
                family = route_family(route)
        except CorridorError as exc:
            failure = str(exc)
        err = error_pct(value, row.low, row.high)
        records.append(
            {
                "id": row.id,
                "asked": row.asked,
                "metric": row.metric,
                "statistic": row.statistic or "expected",
                "low": row.low,
                "high": row.high,
                "model": value,
                "inside": bool(err == 0.0),
                "error_pct": err,
                "family": family or "failed",
                "as_of": row.as_of,
                "source": row.source,
                "note": row.note,
                "failure": failure,
            }
        )
        if progress is not None:
            progress(i + 1, len(bench.rows))
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame.attrs["problems"] = [str(p) for p in bench.problems]
    frame.attrs["origin"] = bench.origin
    return frame


@dataclass(frozen=True)
class Summary:
    """The fit in four tables: overall, per metric, per route family and per statistic (planned, observed,
    expected)."""

    overall: pd.DataFrame
    by_metric: pd.DataFrame
    by_family: pd.DataFrame
    by_statistic: pd.DataFrame

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: json.loads(getattr(self, name).to_json(orient="records"))
            for name in ("overall", "by_metric", "by_family", "by_statistic")
        }


def validation_to_dict(frame: pd.DataFrame, summary: Summary, skipped: Iterable[object] = ()) -> dict[str, Any]:
    """The JSON shape of ``validate --json`` and ``POST /validate``: the rows, the summary tables, the rows skipped."""
    return {
        "rows": json.loads(frame.to_json(orient="records")),
        "summary": summary.to_dict(),
        "skipped": [str(p) for p in skipped],
    }


def _fit(group: pd.DataFrame) -> dict[str, float]:
    ape = group["error_pct"].abs()
    outside = ape[~group["inside"]]
    return {
        "rows": len(group),
        "inside": int(group["inside"].sum()),
        "share_inside": float(group["inside"].mean()) if len(group) else math.nan,
        # median absolute % error to the nearest range end: over all rows (0 inside) and over the rows outside
        "median_ape_pct": float(ape.median()) if ape.notna().any() else math.nan,
        "median_ape_outside_pct": float(outside.median()) if outside.notna().any() else math.nan,
        "failed": int((group["failure"] != "").sum()),
    }


def summarise(frame: pd.DataFrame) -> Summary:
    """Share inside, median absolute % error to the range (all rows, and the rows outside), failures."""
    overall = pd.DataFrame([{"group": "all", **_fit(frame)}])
    by_metric = pd.DataFrame([{"group": m, **_fit(g)} for m, g in frame.groupby("metric", sort=True)])
    by_family = pd.DataFrame([{"group": f, **_fit(g)} for f, g in frame.groupby("family", sort=True)])
    statistic = frame.get("statistic", pd.Series("expected", index=frame.index, dtype=object))
    order = [s for s in STATISTIC_GROUPS if (statistic == s).any()]
    order += sorted(set(statistic) - set(STATISTIC_GROUPS))  # a frame from elsewhere may carry other names
    by_statistic = pd.DataFrame([{"group": s, **_fit(frame[statistic == s])} for s in order])
    return Summary(overall, by_metric, by_family, by_statistic)
