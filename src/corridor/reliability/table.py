"""The data pack's table of dwell and delay distributions (``reliability.csv``) and its loader.

Each row gives the spread of one kind of element around the expected hours the network gives it
(route choice stays on those expected hours). A lookup tries the caller's keys, most specific
first, then ``*``; a month row of a key wins over its all-months row::

    >>> table = shipped_reliability()
    >>> table.lookup("border", ("alashankou_dostyk", "rail")).family
    'lognormal'
    >>> table.lookup("border", ("no_such_crossing", "rail")).key
    'rail'
    >>> round(table.lookup("service_wait", ("irregular",)).mean_hours(84.0), 1)
    68.9

Every problem with the file raises :class:`corridor.errors.DataError` naming the file, the line
and the field.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NoReturn, overload

import numpy as np
from numpy.typing import NDArray

from corridor.datapack import DataPack, load_pack
from corridor.errors import DataError

__all__ = [
    "COLUMNS",
    "COMPONENTS",
    "DEFAULT_KEYS",
    "FAMILIES",
    "QUANTILE_LEVELS",
    "Distribution",
    "ReliabilityTable",
    "load_reliability",
    "shipped_reliability",
]

#: The kinds of element a row describes.
COMPONENTS: tuple[str, ...] = (
    "border",
    "gauge_change",
    "terminal",
    "rail_running",
    "road_running",
    "service_running",
    "service_wait",
    "sea_running",
    "hold",
)
#: The distribution families a row may name.
FAMILIES: tuple[str, ...] = ("lognormal", "gamma", "fixed", "quantiles", "renewal", "schedule", "event")
#: The columns of ``reliability.csv``, in this order.
COLUMNS: tuple[str, ...] = (
    "component",
    "key",
    "month",
    "family",
    "planned_share",
    "cv",
    "p10_ratio",
    "p50_ratio",
    "p90_ratio",
    "on_time_share",
    "late_mean_hours",
    "event_probability",
    "event_mean_hours",
    "basis",
    "source",
    "as_of",
    "note",
)
#: The all-months rows every lookup may fall back to: (component, key).
DEFAULT_KEYS: tuple[tuple[str, str], ...] = (
    ("border", "rail"),
    ("border", "road"),
    ("gauge_change", "bogie_exchange"),
    ("gauge_change", "transshipment"),
    ("terminal", "port"),
    ("terminal", "inland"),
    ("rail_running", "*"),
    ("road_running", "*"),
    ("service_running", "ferry"),
    ("service_running", "train"),
    ("service_wait", "irregular"),
    ("sea_running", "*"),
)
#: Cumulative probabilities of the knots of the ``quantiles`` family's inverse CDF.
QUANTILE_LEVELS: tuple[float, ...] = (0.0, 0.1, 0.5, 0.9, 1.0)

_FILENAME = "reliability.csv"
_BODY = ("lognormal", "gamma", "quantiles", "fixed")
#: Families each component may use (a renewal wait or a storm hold means something only for its own element).
_ALLOWED = {
    "border": _BODY,
    "gauge_change": _BODY,
    "terminal": _BODY,
    "rail_running": _BODY,
    "road_running": _BODY,
    "service_running": (*_BODY, "schedule"),
    "service_wait": ("renewal",),
    "sea_running": ("schedule", *_BODY),
    "hold": ("event",),
}
_NUMBERS = COLUMNS[4:13]
#: Parameters each family needs; for lognormal and gamma the event pair is optional (both or neither).
_NEEDS = {
    "lognormal": ("planned_share", "cv"),
    "gamma": ("planned_share", "cv"),
    "fixed": (),
    "quantiles": ("planned_share", "p10_ratio", "p50_ratio", "p90_ratio"),
    "renewal": ("cv",),
    "schedule": ("on_time_share", "late_mean_hours"),
    "event": ("event_probability", "event_mean_hours"),
}
_EVENT = ("event_probability", "event_mean_hours")
_AS_OF = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_COUNTRY = re.compile(r"^([A-Z]{2}|\*)$")
_LANE = re.compile(r"^(\*|[a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Distribution:
    """One row: the distribution of an element's hours given its expected hours E.

    Unused parameters are NaN (``event_probability`` unused is 0). ``line`` is the row's line in
    the file (the header is line 1).
    """

    component: str
    key: str
    month: int | None
    family: str
    planned_share: float
    cv: float
    p10_ratio: float
    p50_ratio: float
    p90_ratio: float
    on_time_share: float
    late_mean_hours: float
    event_probability: float
    event_mean_hours: float
    basis: str
    source: str
    as_of: str
    note: str
    line: int

    @overload
    def planned_hours(self, expected_hours: float) -> float: ...
    @overload
    def planned_hours(self, expected_hours: NDArray[np.float64]) -> NDArray[np.float64]: ...
    def planned_hours(self, expected_hours: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
        """Hours of the element with no delay (h): the share of E that is planned, E itself, or 0 for waits."""
        e = np.asarray(expected_hours, dtype=np.float64)
        if self.family in ("lognormal", "gamma", "quantiles"):
            hours = self.planned_share * e
        elif self.family in ("fixed", "schedule"):
            hours = e.copy()
        else:  # renewal, event
            hours = np.zeros_like(e)
        return _like(hours, expected_hours)

    @overload
    def mean_hours(self, expected_hours: float) -> float: ...
    @overload
    def mean_hours(self, expected_hours: NDArray[np.float64]) -> NDArray[np.float64]: ...
    def mean_hours(self, expected_hours: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
        """Analytic mean of the sampled hours (h), disruption holds included."""
        e = np.asarray(expected_hours, dtype=np.float64)
        if self.family in ("lognormal", "gamma"):
            hours = e + self._event_mean_hours()
        elif self.family == "fixed":
            hours = e.copy()
        elif self.family == "quantiles":
            hours = e * _trapezoid_mean(self.quantile_ratios())
        elif self.family == "renewal":
            hours = e / 2.0 * (1.0 + self.cv**2)
        elif self.family == "schedule":
            # the on-time part is uniform in [E - 24, E + 24] clipped at 0; late arrivals are never early
            on_time = np.where(e >= 24.0, e, (np.maximum(e, -24.0) + 24.0) ** 2 / 96.0)
            hours = self.on_time_share * on_time + (1.0 - self.on_time_share) * (e + self.late_mean_hours)
        else:  # event: E ignored
            hours = np.zeros_like(e) + self._event_mean_hours()
        return _like(hours, expected_hours)

    def quantile_ratios(self) -> tuple[float, float, float, float, float]:
        """Ratios to E at the cumulative probabilities ``QUANTILE_LEVELS`` (``quantiles`` family).

        Above 0.9 the inverse CDF keeps the slope of its 0.5 → 0.9 segment up to probability 1.
        """
        top = self.p90_ratio + (self.p90_ratio - self.p50_ratio) * 0.1 / 0.4
        return (self.planned_share, self.p10_ratio, self.p50_ratio, self.p90_ratio, top)

    def describe(self) -> str:
        """One short phrase for people, e.g. ``lognormal, planned 15 %, CV 1; 4 % chance of a 180 h hold``."""
        hold = f"{_percent(self.event_probability)} chance of a {self.event_mean_hours:.3g} h hold"
        if self.family in ("lognormal", "gamma"):
            body = f"{self.family}, planned {_percent(self.planned_share)}, CV {self.cv:.3g}"
            return f"{body}; {hold}" if self.event_probability > 0 else body
        if self.family == "fixed":
            return "fixed at the expected hours"
        if self.family == "quantiles":
            named = zip(("min", "P10", "P50", "P90"), self.quantile_ratios(), strict=False)
            return "quantiles × expected hours: " + ", ".join(f"{name} {r:.3g}" for name, r in named)
        if self.family == "renewal":
            share = 0.5 * (1 + self.cv**2)
            return f"wait for an irregular service, headway CV {self.cv:.3g} (mean {share:.3g} × headway)"
        if self.family == "schedule":
            return (
                f"schedule: {_percent(self.on_time_share)} on time (±1 day), "
                f"late arrivals {self.late_mean_hours:.3g} h late on average"
            )
        return hold

    def _event_mean_hours(self) -> float:
        return self.event_probability * self.event_mean_hours if self.event_probability > 0 else 0.0


@dataclass(frozen=True)
class ReliabilityTable:
    """All rows of ``reliability.csv``, with lookups by component, keys and month."""

    rows: tuple[Distribution, ...]
    _index: dict[tuple[str, str, int | None], Distribution] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {(r.component, r.key, r.month): r for r in self.rows})

    def lookup(self, component: str, keys: Sequence[str] = (), month: int | None = None) -> Distribution:
        """The row for the first of ``keys`` (then ``*``) that has one; a row of ``month`` wins over the key's
        all-months row. For components whose default key is not ``*`` (``border``: ``rail``/``road``, …) pass
        the default key last, e.g. ``("alashankou_dostyk", "rail")``.

        Raises KeyError if no key has a row.
        """
        keys = (keys,) if isinstance(keys, str) else tuple(keys)  # one key given as a plain string
        for key in (*keys, "*"):
            if month is not None and (row := self._index.get((component, key, month))) is not None:
                return row
            if (row := self._index.get((component, key, None))) is not None:
                return row
        raise KeyError(f"no {component!r} row in {_FILENAME} for keys {[*keys, '*']} (month {month})")

    def holds(self, key: str, month: int | None) -> Distribution | None:
        """The ``hold`` row of a service (its ``service`` name) for a month, else its all-months row, else None."""
        if month is not None and (row := self._index.get(("hold", key, month))) is not None:
            return row
        return self._index.get(("hold", key, None))


def load_reliability(path: Path | Traversable | None = None) -> ReliabilityTable:
    """Load and check ``reliability.csv`` (default: the shipped one).

    Keys are checked against the data pack in the file's folder when that folder holds one
    (``places.csv``), else against the shipped pack.

    Raises DataError naming the file, the line and the field of the first problem.
    """
    if path is None:
        path = resources.files("corridor").joinpath("data", "pack", _FILENAME)
    fail = _Failer(path)
    if not path.is_file():
        fail(None, None, "file not found")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(None, None, f"not valid UTF-8 ({exc.reason})")
    pack = load_pack(path.parent) if isinstance(path, Path) and (path.parent / "places.csv").is_file() else load_pack()
    known = _Known.of(pack)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Distribution] = []
    seen: dict[tuple[str, str, int | None], int] = {}
    try:
        header = next(reader, [])
        if tuple(h.strip() for h in header) != COLUMNS:
            missing = [c for c in COLUMNS if c not in header]
            unknown = [c for c in header if c not in COLUMNS]
            detail = f"missing {missing}, unknown {unknown}" if missing or unknown else "wrong order"
            fail(1, "header", f"expected the columns {','.join(COLUMNS)} in this order: {detail}")
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) != len(COLUMNS):
                fail(line, "row", f"expected {len(COLUMNS)} fields, got {len(cells)}")
            row = _parse_row(dict(zip(COLUMNS, (c.strip() for c in cells), strict=True)), line, known, fail)
            index = (row.component, row.key, row.month)
            if index in seen:
                fail(line, "key", f"duplicate (component, key, month) {index!r} (first on line {seen[index]})")
            seen[index] = line
            rows.append(row)
    except csv.Error as exc:
        fail(reader.line_num, "row", f"malformed CSV ({exc})")
    for component, key in DEFAULT_KEYS:
        if (component, key, None) not in seen:
            fail(
                None,
                "key",
                f"missing the default row (component {component!r}, key {key!r}, month empty) "
                f"that every {component!r} lookup falls back to",
            )
    return ReliabilityTable(tuple(rows))


@functools.cache
def shipped_reliability() -> ReliabilityTable:
    """The shipped table, loaded and checked once."""
    return load_reliability()


class _Failer:
    """Raises DataError worded as the data pack's loader words them: ``file: line N: field 'f': detail``."""

    def __init__(self, path: Path | Traversable) -> None:
        self.path = path

    def __call__(self, line: int | None, column: str | None, detail: str) -> NoReturn:
        where = "".join((f"line {line}: " if line is not None else "", f"field {column!r}: " if column else ""))
        raise DataError(f"{self.path.name}: {where}{detail}", path=str(self.path))


@dataclass(frozen=True)
class _Known:
    """The data pack's names that keys may refer to."""

    crossings: frozenset[str]
    places: frozenset[str]
    services: frozenset[str]

    @classmethod
    def of(cls, pack: DataPack) -> _Known:
        return cls(
            crossings=frozenset(c.id for c in pack.crossings),
            places=frozenset(pack.place_ids),
            services=frozenset(s.service for s in pack.services),
        )


def _parse_row(raw: dict[str, str], line: int, known: _Known, fail: _Failer) -> Distribution:
    component, family = raw["component"], raw["family"]
    if component not in COMPONENTS:
        fail(line, "component", f"unknown component {component!r}; expected one of {list(COMPONENTS)}")
    if family not in FAMILIES:
        fail(line, "family", f"unknown family {family!r}; expected one of {list(FAMILIES)}")
    if family not in _ALLOWED[component]:
        allowed = list(_ALLOWED[component])
        fail(line, "family", f"family {family!r} cannot describe a {component!r}; expected one of {allowed}")
    _check_key(component, raw["key"], line, known, fail)
    month = _month(raw["month"], line, fail)
    values = {name: _number(raw[name], name, line, fail) for name in _NUMBERS}
    _check_parameters(family, values, line, fail)
    for name in ("basis", "source", "as_of"):
        if not raw[name]:
            fail(line, name, "required: must not be empty")
    if raw["basis"] not in ("sourced", "derived", "estimate"):
        fail(line, "basis", f"expected sourced, derived or estimate, got {raw['basis']!r}")
    if not _AS_OF.match(raw["as_of"]):
        fail(line, "as_of", f"expected YYYY-MM or YYYY-MM-DD, got {raw['as_of']!r}")
    if math.isnan(values["event_probability"]):
        values["event_probability"] = 0.0
    return Distribution(
        component=component,
        key=raw["key"],
        month=month,
        family=family,
        planned_share=values["planned_share"],
        cv=values["cv"],
        p10_ratio=values["p10_ratio"],
        p50_ratio=values["p50_ratio"],
        p90_ratio=values["p90_ratio"],
        on_time_share=values["on_time_share"],
        late_mean_hours=values["late_mean_hours"],
        event_probability=values["event_probability"],
        event_mean_hours=values["event_mean_hours"],
        basis=raw["basis"],
        source=raw["source"],
        as_of=raw["as_of"],
        note=raw["note"],
        line=line,
    )


def _check_key(component: str, key: str, line: int, known: _Known, fail: _Failer) -> None:
    """A key names a pack element of the component's kind, or one of its default keys."""
    if not key:
        fail(line, "key", "required: must not be empty")
    if component in ("rail_running", "road_running"):
        if not _COUNTRY.match(key):
            fail(line, "key", f"expected an ISO 3166-1 alpha-2 code (upper case) or '*', got {key!r}")
        return
    if component == "sea_running":
        if not _LANE.match(key):
            fail(line, "key", f"expected '*' or a lane tag ([a-z0-9_]), got {key!r}")
        return
    names, what, defaults = {
        "border": (known.crossings, "crossing id (crossings.csv)", ("rail", "road")),
        "gauge_change": (known.crossings, "crossing id (crossings.csv)", ("bogie_exchange", "transshipment")),
        "terminal": (known.places, "place id (places.csv)", ("port", "inland")),
        "service_running": (known.services, "service name (services.csv 'service')", ("ferry", "train")),
        "service_wait": (known.services, "service name (services.csv 'service')", ("irregular",)),
        "hold": (known.services, "service name (services.csv 'service')", ()),
    }[component]
    if key in names or key in defaults:
        return
    close = difflib.get_close_matches(key, sorted(names | set(defaults)), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    expected = f"a {what}" + (f" or one of {list(defaults)}" if defaults else "")
    fail(line, "key", f"unknown {component} key {key!r}: expected {expected}{hint}")


def _month(text: str, line: int, fail: _Failer) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 12:
        fail(line, "month", f"expected empty (all months) or a month 1-12, got {text!r}")
    return int(text)


def _number(text: str, name: str, line: int, fail: _Failer) -> float:
    """A parameter cell: NaN if empty, else a finite number >= 0."""
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        fail(line, name, f"not a number: {text!r}")
    if not math.isfinite(value):
        fail(line, name, f"must be a finite number, got {text!r}")
    if value < 0:
        fail(line, name, f"must not be negative, got {text!r}")
    return value


def _check_parameters(family: str, values: dict[str, float], line: int, fail: _Failer) -> None:
    """The family's parameters are present, in range and in order; the others are empty."""
    given = {name for name, v in values.items() if not math.isnan(v)}
    optional = _EVENT if family in ("lognormal", "gamma") else ()
    for name in _NEEDS[family]:
        if name not in given:
            fail(line, name, f"required by family {family!r}: must not be empty")
    for name in sorted(given - set(_NEEDS[family]) - set(optional), key=_NUMBERS.index):
        fail(line, name, f"not used by family {family!r}: leave it empty")
    if optional and len(given & set(_EVENT)) == 1:
        absent = next(n for n in _EVENT if n not in given)
        fail(line, absent, "a disruption needs both event_probability and event_mean_hours")
    v = values
    if family in ("lognormal", "gamma") and v["planned_share"] >= 1:
        fail(line, "planned_share", f"must be below 1 (the planned part of E), got {v['planned_share']:g}")
    if family in ("lognormal", "gamma") and v["cv"] <= 0:
        fail(line, "cv", f"must be above 0 for family {family!r}, got {v['cv']:g}")
    for name in ("on_time_share", "event_probability"):
        if name in given and v[name] > 1:
            fail(line, name, f"a probability must lie in [0, 1], got {v[name]:g}")
    if "late_mean_hours" in given and v["late_mean_hours"] <= 24:
        late = v["late_mean_hours"]
        fail(line, "late_mean_hours", f"the mean delay of late arrivals must exceed 24 h (one day), got {late:g}")
    if "event_mean_hours" in given and v["event_mean_hours"] <= 0:
        fail(line, "event_mean_hours", f"must be above 0, got {v['event_mean_hours']:g}")
    if family == "quantiles":
        order = ("planned_share", "p10_ratio", "p50_ratio", "p90_ratio")
        for low, high in itertools.pairwise(order):
            if v[low] > v[high]:
                got = ", ".join(f"{n} {v[n]:g}" for n in order)
                fail(line, high, f"percentiles out of order: expected {' <= '.join(order)}, got {got}")


def _trapezoid_mean(ratios: Sequence[float]) -> float:
    """Mean of a piecewise-linear inverse CDF through ``QUANTILE_LEVELS``."""
    return sum(
        (u1 - u0) * (r0 + r1) / 2.0
        for u0, u1, r0, r1 in zip(QUANTILE_LEVELS, QUANTILE_LEVELS[1:], ratios, ratios[1:], strict=False)
    )


def _like(values: NDArray[np.float64], like: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
    """A float for a scalar input, the array otherwise."""
    return float(values) if np.ndim(like) == 0 else values


def _percent(share: float) -> str:
    return f"{100 * share:.3g} %"
