"""Observed container counts on the corridor network: the data pack's ``counts.csv`` and its reader.

The flow assignment is calibrated to these counts, and judged by them: TEU per year observed at a border
crossing, on a scheduled service (all its segments together) or at a place (the TEU its terminal or port
handled). A count names its element by the pack's own key, a ``crossings.csv`` id, a ``services.csv``
service name or a ``places.csv`` id, so an element renamed or dropped from the pack is caught here instead of
silently counting nothing. Each row says which year it counted, whether it counts the westbound direction of
the demand or both, where the figure comes from (``basis``, ``source``, ``as_of``, as every pack row) and, in
``note``, whether its perimeter is the model's. ``holdout = yes`` keeps a row out of the fit: it is reported
apart, as an honest test or because its perimeter is not the model's (the pack README gives the rule).

    >>> counts = read_counts()
    >>> sorted({c.kind for c in counts})
    ['crossing', 'place', 'service']
    >>> all(c.teu_per_year > 0 and FIRST_YEAR <= c.year <= LAST_YEAR for c in counts)
    True

Columns (any order, all present, no other): ``id,kind,element,year,teu_per_year,direction,holdout,basis,
source,as_of,note``. A file that cannot be used raises, naming the file, the line (the header is line 1) and
the field: :class:`corridor.errors.DataError` for the shipped file (a fault of the package),
:class:`corridor.errors.FileFormatError` for a user's file. Refused are a wrong column set, an unknown kind,
an element the pack lacks (with the closest names), a missing, non-numeric, non-finite, zero or negative
``teu_per_year``, a year outside ``FIRST_YEAR``–``LAST_YEAR``, a direction other than ``westbound`` or
``both``, a holdout other than ``yes`` or ``no``, a repeated id and a missing ``basis``, ``source`` or
``as_of``.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from importlib import resources
from pathlib import Path

import pandas as pd

from corridor.datapack import DataPack, load_pack
from corridor.errors import DataError, FileFormatError

__all__ = [
    "BASES",
    "COLUMNS",
    "DIRECTIONS",
    "FIRST_YEAR",
    "KINDS",
    "LAST_YEAR",
    "MAX_FILE_BYTES",
    "MAX_TEU_PER_YEAR",
    "Count",
    "counts_frame",
    "read_counts",
    "shipped_counts_path",
]

#: The columns of ``counts.csv`` (any order; all present, no other).
COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "element",
    "year",
    "teu_per_year",
    "direction",
    "holdout",
    "scope",
    "basis",
    "source",
    "as_of",
    "note",
)
#: What a count names: a crossings.csv id, a services.csv service name, a places.csv id.
KINDS: tuple[str, ...] = ("crossing", "service", "place")
#: ``westbound``: China → Europe, the Caspian and the Caucasus, the direction of the demand; ``both``: both ways.
DIRECTIONS: tuple[str, ...] = ("westbound", "both")
#: The provenance of a figure, as in every table of the data pack.
BASES: tuple[str, ...] = ("sourced", "derived", "estimate")
#: The calendar years a count may be of.
FIRST_YEAR, LAST_YEAR = 2019, 2025
#: Largest count accepted, TEU per year: the world's busiest port handles about 5e7, all ports together about 1e9.
MAX_TEU_PER_YEAR = 1e8
#: Largest counts file read, in bytes (the shipped one is a few kB).
MAX_FILE_BYTES = 16 * 1024 * 1024

_ID = re.compile(r"^[a-z0-9_]+$")
_AS_OF = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_HOLDOUT = {"yes": True, "no": False}
#: Whether a count measures what the model's demand holds (``matched``) or more (``not_matched``: both directions,
#: local trade, other markets, with no published share to remove): only matched counts enter a fit summary.
_SCOPE = {"matched": True, "not_matched": False}


@dataclass(frozen=True)
class Count:
    """An observed count: TEU per year at one pack element in one year, with its provenance.

    ``element`` is a crossings.csv id (``kind`` crossing), a services.csv service name (service: all its
    segments together) or a places.csv id (place: the TEU its terminal handled). ``holdout`` rows are kept out
    of the fit; ``scope_matched`` is False for a count of more than the model's demand holds (reported, in no
    fit summary). ``line`` is the row's line in the file (the header is line 1).
    """

    id: str
    kind: str
    element: str
    year: int
    teu_per_year: float
    direction: str
    holdout: bool
    basis: str
    source: str
    as_of: str
    note: str
    line: int
    scope_matched: bool = True


class _CountsFileError(Exception):
    """A problem with the file, or with one field of one line; becomes the caller's error type, naming the file."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.message, self.line, self.field = message, line, field
        super().__init__(message)


def shipped_counts_path() -> Path:
    """The ``counts.csv`` shipped in the data pack."""
    return Path(str(resources.files("corridor").joinpath("data", "pack", "counts.csv")))


def read_counts(path: str | Path | None = None, *, pack: DataPack | None = None) -> tuple[Count, ...]:
    """The counts of a CSV file (None: the shipped ``counts.csv``), their elements checked against ``pack``
    (None: the shipped pack, ``load_pack()``).

    Raises :class:`DataError` for a fault in the shipped file and :class:`FileFormatError` for one in a user's
    file, naming the file, the line and the field.
    """
    shipped = path is None
    where = shipped_counts_path() if path is None else Path(path)
    try:
        return _parse(_read_text(where), pack)
    except _CountsFileError as fault:
        lead = f"{where}: line {fault.line}: " if fault.line is not None else f"{where}: "
        lead += f"field {fault.field!r}: " if fault.field is not None and fault.line is not None else ""
        if shipped:
            raise DataError(f"shipped counts {lead}{fault.message}", path=str(where)) from None
        raise FileFormatError(lead + fault.message, path=str(where), line=fault.line, field=fault.field) from None


def counts_frame(counts: Iterable[Count]) -> pd.DataFrame:
    """The counts as a table, one row per count, with the columns of :class:`Count` (``holdout`` a bool)."""
    names = [f.name for f in fields(Count)]
    frame = pd.DataFrame([astuple(c) for c in counts], columns=names)
    numbers = {"year": "int64", "teu_per_year": "float64", "holdout": "bool", "scope_matched": "bool", "line": "int64"}
    return frame.astype({name: numbers.get(name, "str") for name in names})


def _read_text(path: Path) -> str:
    """A counts file's text: refused when missing, above MAX_FILE_BYTES or not UTF-8 (a byte order mark is dropped)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _CountsFileError(f"{size:,} bytes is more than the {MAX_FILE_BYTES:,} a counts file may have")
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise _CountsFileError("no such file") from None
    except UnicodeDecodeError as exc:
        raise _CountsFileError(f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _CountsFileError(f"cannot be read ({exc.strerror})") from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each CSV record; a record the reader refuses is a fault on its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _CountsFileError(f"not valid CSV ({exc})", start) from None
        yield start, cells


def _header(records: Iterator[tuple[int, list[str]]]) -> list[str]:
    try:
        _, first = next(records)
    except StopIteration:
        raise _CountsFileError(f"empty file; expected the header {','.join(COLUMNS)}") from None
    header = [h.strip() for h in first]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or repeated:
        named = (("missing", missing), ("unknown", unknown), ("repeated", repeated))
        detail = "; ".join(f"{label} {', '.join(n or repr(n) for n in names)}" for label, names in named if names)
        raise _CountsFileError(
            f"the columns must be exactly {','.join(COLUMNS)} (any order): {detail}",
            1,
            (missing or unknown or repeated)[0],
        )
    return header


def _parse(text: str, pack: DataPack | None) -> tuple[Count, ...]:
    records = _records(text)
    header = _header(records)
    pack = load_pack() if pack is None else pack
    elements = _Elements(pack)
    counts: list[Count] = []
    first_line: dict[str, int] = {}
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise _CountsFileError(f"{len(cells)} cells for {len(header)} columns (an unquoted comma?)", line)
        raw = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        count = _row(raw, line, elements)
        if count.id in first_line:
            raise _CountsFileError(f"duplicate id {count.id!r} (first on line {first_line[count.id]})", line, "id")
        first_line[count.id] = line
        counts.append(count)
    if not counts:
        raise _CountsFileError("no count rows after the header")
    return tuple(counts)


def _row(raw: dict[str, str], line: int, elements: _Elements) -> Count:
    def need(name: str) -> str:
        if not raw[name]:
            raise _CountsFileError("required: must not be empty", line, name)
        return raw[name]

    def one_of(name: str, allowed: Iterable[str], expected: str) -> str:
        value = need(name)
        if value not in allowed:
            raise _CountsFileError(f"expected {expected}, got {value!r}", line, name)
        return value

    if not _ID.match(need("id")):
        raise _CountsFileError(f"expected lower-case letters, digits and '_', got {raw['id']!r}", line, "id")
    kind = need("kind")
    if kind not in KINDS:
        raise _CountsFileError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", line, "kind")
    element = need("element")
    elements.check(kind, element, line)
    direction = one_of("direction", DIRECTIONS, " or ".join(DIRECTIONS))
    holdout = one_of("holdout", _HOLDOUT, "yes or no")
    scope = one_of("scope", _SCOPE, "matched or not_matched")
    basis = one_of("basis", BASES, ", ".join(BASES))
    if not _AS_OF.match(need("as_of")):
        raise _CountsFileError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {raw['as_of']!r}", line, "as_of")
    return Count(
        id=raw["id"],
        kind=kind,
        element=element,
        year=_year(need("year"), line),
        teu_per_year=_teu(need("teu_per_year"), line),
        direction=direction,
        holdout=_HOLDOUT[holdout],
        scope_matched=_SCOPE[scope],
        basis=basis,
        source=need("source"),
        as_of=raw["as_of"],
        note=raw["note"],
        line=line,
    )


def _year(text: str, line: int) -> int:
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        expected = f"expected a calendar year from {FIRST_YEAR} to {LAST_YEAR}"
        raise _CountsFileError(f"{expected}, got {text[:40]!r}", line, "year")
    return int(text)


def _teu(text: str, line: int) -> float:
    try:
        if not text.isascii():  # float() would also read other scripts' digits
            raise ValueError(text)
        teu = float(text)
    except ValueError:
        raise _CountsFileError(f"{text[:40]!r} is not a number", line, "teu_per_year") from None
    if not math.isfinite(teu) or not 0 < teu <= MAX_TEU_PER_YEAR:
        raise _CountsFileError(
            f"expected a finite number of TEU per year above 0 and at most {MAX_TEU_PER_YEAR:.0e}, got {text[:40]}",
            line,
            "teu_per_year",
        )
    return teu


class _Elements:
    """The pack's names a count may give, by kind, and the message for one it lacks."""

    def __init__(self, pack: DataPack) -> None:
        self.known = {
            "crossing": {c.id for c in pack.crossings},
            "service": {s.service for s in pack.services},
            "place": set(pack.place_ids),
        }
        self.segment_service = {s.id: s.service for s in pack.services}

    def check(self, kind: str, element: str, line: int) -> None:
        if element in self.known[kind]:
            return
        what = {"crossing": "crossing id", "service": "service name", "place": "place id"}[kind]
        if kind == "service" and element in self.segment_service:
            service = self.segment_service[element]
            raise _CountsFileError(
                f"{element!r} is a segment id; a service count names the whole service: {service!r}", line, "element"
            )
        close = difflib.get_close_matches(element, sorted(self.known[kind]), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise _CountsFileError(f"no {what} {element!r} in the data pack{hint}", line, "element")
