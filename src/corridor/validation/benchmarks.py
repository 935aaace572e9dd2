"""Published figures to hold the model against: the benchmark CSV format and its reader.

One row per figure, header row required, UTF-8::

    id,origin,destination,via,avoid,modes,objective,metric,low,high,statistic,as_of,source,note

Columns are found by their header names, in any order. ``statistic`` is optional (a file without it
reads as before) and says which of the model's transit times a time figure (``hours``, ``days``) is
held against: ``planned`` for a planned, advertised or scheduled figure (the model's transit without
delays), ``observed`` for an observed, achieved or average-of-trips figure (the model's median, P50),
empty for the model's expected value. Any other value, or a statistic on another metric, makes the
row malformed. Unknown columns are ignored. A malformed row (a bad value, or a record the CSV reader rejects,
such as a field above its 131,072-character limit) is reported with its line number and
skipped; a file that cannot be read at all (missing, above ``MAX_FILE_BYTES``, not UTF-8, no
usable header) raises ``FileFormatError`` naming the file (``DataError`` for the shipped set).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corridor.errors import DataError, FileFormatError

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "METRICS",
    "STATISTICS",
    "TIME_METRICS",
    "Benchmark",
    "BenchmarkSet",
    "Problem",
    "parse_benchmarks",
    "read_benchmarks",
    "shipped_benchmarks",
]

COLUMNS = (
    "id",
    "origin",
    "destination",
    "via",
    "avoid",
    "modes",
    "objective",
    "metric",
    "low",
    "high",
    "statistic",
    "as_of",
    "source",
    "note",
)
#: Largest benchmark file read, in bytes (the shipped set is a few kB).
MAX_FILE_BYTES = 16 * 1024 * 1024
METRICS = ("hours", "days", "km", "usd_per_teu", "usd_per_feu", "kg_co2e_per_teu", "border_hours")
#: Metrics that are transit times: the only ones a ``statistic`` applies to.
TIME_METRICS = ("hours", "days")
#: Values of the ``statistic`` column (empty: the model's expected value).
STATISTICS = ("planned", "observed")
_OBJECTIVES = ("time", "cost", "co2", "generalized")
_MODES = ("rail", "road", "sea", "ferry", "service")


@dataclass(frozen=True)
class Benchmark:
    """One published figure and the query that the model answers for it."""

    id: str
    origin: str
    destination: str
    via: tuple[str, ...]
    avoid: tuple[str, ...]
    modes: tuple[str, ...]  # empty: all modes
    objective: str
    metric: str
    low: float
    high: float
    as_of: str
    source: str
    note: str
    line: int  # line number in the file (header is line 1)
    # which model time a time figure is held against: "planned" (no delays), "observed" (median, P50),
    # None (the expected value, as for every other metric)
    statistic: str | None = None

    @property
    def asked(self) -> str:
        """The query in words, for tables."""
        text = f"{self.origin} → {self.destination}"
        if self.via:
            text += f" via {', '.join(self.via)}"
        if self.avoid:
            text += f" avoiding {','.join(self.avoid)}"
        if self.modes:
            text += f" by {'+'.join(self.modes)}"
        if self.objective != "time":
            text += f" ({self.objective})"
        return text


@dataclass(frozen=True)
class Problem:
    """A row that was skipped, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class BenchmarkSet:
    """The rows read from one file, the rows skipped, and where they came from."""

    rows: tuple[Benchmark, ...]
    problems: tuple[Problem, ...]
    origin: str


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _number(cell: str, name: str) -> float:
    try:
        if not cell.isascii():  # float() also reads other scripts' digits
            raise ValueError(cell)
        value = float(cell.replace("_", ""))
    except ValueError:
        raise ValueError(f"{name} {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {cell!r} is not a finite number")
    return value


def _row(cells: dict[str, str], line: int) -> Benchmark:
    get = {k: (cells.get(k) or "").strip() for k in COLUMNS}
    for required in ("id", "origin", "destination", "metric", "low", "high"):
        if not get[required]:
            raise ValueError(f"{required} is empty")
    metric = get["metric"].lower()
    if metric not in METRICS:
        raise ValueError(f"metric {get['metric']!r} is not one of {', '.join(METRICS)}")
    objective = get["objective"].lower() or "time"
    if objective not in _OBJECTIVES:
        raise ValueError(f"objective {get['objective']!r} is not one of {', '.join(_OBJECTIVES)}")
    modes = tuple(m.lower() for m in _split(get["modes"]))
    bad = [m for m in modes if m not in _MODES]
    if bad:
        raise ValueError(f"modes {', '.join(bad)} not among {', '.join(_MODES)}")
    avoid = tuple(c.upper() for c in _split(get["avoid"]))
    bad = [c for c in avoid if len(c) != 2 or not c.isalpha()]
    if bad:
        raise ValueError(f"avoid {', '.join(bad)} is not an ISO 3166-1 alpha-2 code")
    low, high = _number(get["low"], "low"), _number(get["high"], "high")
    if low < 0 or high < low:
        raise ValueError(f"range {low:g}–{high:g} is not 0 ≤ low ≤ high")
    statistic = get["statistic"].lower() or None
    if statistic is not None and statistic not in STATISTICS:
        raise ValueError(
            f"statistic {get['statistic']!r} is not one of {', '.join(STATISTICS)} (or empty for the expected value)"
        )
    if statistic is not None and metric not in TIME_METRICS:
        raise ValueError(
            f"statistic {statistic!r} applies only to the time metrics {', '.join(TIME_METRICS)}, not to {metric}"
        )
    return Benchmark(
        id=get["id"],
        origin=get["origin"],
        destination=get["destination"],
        via=_split(get["via"]),
        avoid=avoid,
        modes=modes,
        objective=objective,
        metric=metric,
        low=low,
        high=high,
        as_of=get["as_of"],
        source=get["source"],
        note=get["note"],
        line=line,
        statistic=statistic,
    )


def _records(text: str):
    """(line, cells, error) per CSV record: a record the reader rejects comes with its error and no cells."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, [], f"not valid CSV ({exc})"
            continue
        yield reader.line_num, cells, None


def parse_benchmarks(text: str, *, origin: str = "<text>") -> BenchmarkSet:
    """Benchmarks from CSV text; malformed rows become ``problems``, never exceptions."""
    if not text.strip():
        return BenchmarkSet((), (), origin)
    records = _records(text)
    _, first, error = next(records, (1, [], None))
    if not first and error is None:  # only a byte order mark
        return BenchmarkSet((), (), origin)
    if error is not None:
        raise FileFormatError(f"{origin}: line 1: header is {error}", path=origin, line=1)
    header = [h.strip().lower() for h in first]
    missing = [c for c in ("id", "origin", "destination", "metric", "low", "high") if c not in header]
    if missing:
        raise FileFormatError(
            f"{origin}: line 1: header lacks column {', '.join(missing)}; expected {','.join(COLUMNS)}",
            path=origin,
            line=1,
            field=missing[0],
        )
    rows, problems, seen = [], [], set()
    for line, cells, error in records:
        if error is not None:
            problems.append(Problem(line, error))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(line, f"{len(cells)} cells for {len(header)} columns (unquoted comma?)"))
            continue
        try:
            row = _row(dict(zip(header, cells, strict=False)), line)
        except ValueError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        if row.id in seen:
            problems.append(Problem(line, f"id {row.id!r} repeats an earlier row"))
            continue
        seen.add(row.id)
        rows.append(row)
    return BenchmarkSet(tuple(rows), tuple(problems), origin)


def read_benchmarks(path: str | Path) -> BenchmarkSet:
    """Benchmarks from a CSV file; FileFormatError if the file cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError(
                f"{path}: {size:,} bytes is more than the {MAX_FILE_BYTES:,} a benchmark file may have", path=str(path)
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file", path=str(path)) from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{path}: not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read ({exc.strerror})", path=str(path)) from None
    return parse_benchmarks(text, origin=str(path))


def shipped_benchmarks() -> BenchmarkSet:
    """The benchmark set shipped with the package (``corridor/data/benchmarks.csv``)."""
    text = resources.files("corridor").joinpath("data/benchmarks.csv").read_text(encoding="utf-8")
    try:
        return parse_benchmarks(text, origin="corridor/data/benchmarks.csv")
    except FileFormatError as exc:  # the package's own file: a data problem, not the user's
        raise DataError(str(exc), path=exc.path) from None
