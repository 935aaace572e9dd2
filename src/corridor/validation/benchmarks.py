"""Published figures to hold the model against: the benchmark CSV format and its reader.

One row per figure, header row required, UTF-8::

    id,origin,destination,via,avoid,modes,objective,metric,low,high,as_of,source,note

Unknown columns are ignored. A malformed row is reported with its line number and skipped;
a file that cannot be read at all (missing, not UTF-8, no usable header) raises ``DataError``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corridor.errors import DataError

__all__ = [
    "COLUMNS",
    "METRICS",
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
    "as_of",
    "source",
    "note",
)
METRICS = ("hours", "days", "km", "usd_per_teu", "usd_per_feu", "kg_co2e_per_teu", "border_hours")
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
    )


def parse_benchmarks(text: str, *, origin: str = "<text>") -> BenchmarkSet:
    """Benchmarks from CSV text; malformed rows become ``problems``, never exceptions."""
    if not text.strip():
        return BenchmarkSet((), (), origin)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("id", "origin", "destination", "metric", "low", "high") if c not in header]
    if missing:
        raise DataError(f"{origin}: header lacks column {', '.join(missing)}; expected {','.join(COLUMNS)}")
    rows, problems, seen = [], [], set()
    for cells in reader:
        line = reader.line_num
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
    """Benchmarks from a CSV file; DataError if the file cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file", path=str(path)) from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})", path=str(path)) from None
    return parse_benchmarks(text, origin=str(path))


def shipped_benchmarks() -> BenchmarkSet:
    """The benchmark set shipped with the package (``corridor/data/benchmarks.csv``)."""
    text = resources.files("corridor").joinpath("data/benchmarks.csv").read_text(encoding="utf-8")
    return parse_benchmarks(text, origin="corridor/data/benchmarks.csv")
