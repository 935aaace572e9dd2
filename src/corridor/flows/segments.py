"""Shipper segments: how the boxes of each OD group split by value of time and by the countries they avoid.

Shippers differ: some pay to save days (electronics, car parts), some ship commodities where a day
is worth little, and some keep their boxes out of Russia and Belarus whatever it costs (sanctions
policy, insurers that do not cover war risks on land, customers who refuse such routes). The data
pack's ``segments.csv`` gives, for every OD group of the demand (``cn_eu`` China → Europe,
``cn_caspian`` China → the Trans-Caspian route's markets (Caspian, Caucasus, Türkiye, Constanța),
``kz_eu`` Kazakhstan → Europe, and ``all``, the fallback for rows that name no group), its segments:
each one's share of the group's boxes (the share the assignment uses, fitted by ``corridor calibrate``, and
the sourced estimate it started from), its value of time in USD per TEU-hour and its avoided countries, and
the group's market.

A group's **market** says how its boxes leave their origin's country. ``land``: the group's TEU were
counted on land corridors (China → Europe trains through Kazakhstan, Russia and Belarus; the
Trans-Caspian route), so its boxes leave by rail or road and choose among the land corridors (and
whatever ferry, feeder or liner a corridor continues by, such as a liner beyond Poti); a route that
ships from a port of the origin's country carries the pack's ``land_market_sea_usd_per_teu`` on top of
its cost: sea from China is another market, tens of times larger, that the demand does not hold, and
a box of a land count routed to sea is a box taken off the corridors it was counted on, unless the
land corridors close or fill. ``any``: the group's TEU come from trade values over all modes, so
shipping from home competes at its cost.

CSV, UTF-8, header
``group,segment,share,start_share,value_of_time_usd_per_teu_hour,avoid,market,basis,source,as_of,note``
(any order, no other column). The rules, each broken one an error naming the file, the line and
the field (:class:`~corridor.errors.DataError` for the shipped file,
:class:`~corridor.errors.FileFormatError` for a user's file):

* ``group`` and ``segment`` are names without ``/`` of at most 200 characters; ``segment`` is never
  ``all`` (the class of a demand row not yet split); (group, segment) is unique;
* ``share`` and ``start_share`` (where calibration starts) are numbers in [0, 1], and each adds up to 1 over a
  group (within ``SHARE_TOLERANCE``);
* ``value_of_time_usd_per_teu_hour`` is a finite number ≥ 0 (and at most the routing limit);
* ``avoid`` is a ``;`` list of ISO 3166-1 alpha-2 codes of countries the network knows (empty: none);
* ``market`` is ``land`` or ``any``, the same on every row of a group;
* a segment name stands for one kind of shipper: where it appears in several groups it has the same
  value of time and the same avoided countries in each (only its share differs), so that a demand
  class named after it has one value of time and one set of avoided countries;
* ``basis`` is ``sourced``, ``derived`` or ``estimate``; ``source`` and ``as_of`` (``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD``) are not empty.

:func:`split_demand` turns each demand row of the default class ``all`` into one row per segment of
its group (TEU × share, class = the segment's name); a row that already has another class keeps it
and its TEU (the classes were chosen by whoever wrote the demand, and segments do not apply to it).
Every row's group must be one the segments define, or the demand is refused with a ``DemandError``
naming the demand's file and line.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NoReturn

from corridor.constants import VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR
from corridor.errors import DataError, DemandError, FileFormatError, OptionsError
from corridor.flows.demand import DEFAULT_CLASS, MAX_NAME_CHARS, Demand, DemandRow
from corridor.network.countries import countries_source_path
from corridor.routing.options import country_codes

__all__ = [
    "COLUMNS",
    "MARKETS",
    "SHARE_TOLERANCE",
    "Segment",
    "land_groups",
    "read_segments",
    "segments_by_class",
    "shipped_segments_path",
    "split_demand",
]

#: The columns of ``segments.csv``, in the shipped order (any order is read).
COLUMNS = (
    "group", "segment", "share", "start_share", "value_of_time_usd_per_teu_hour", "avoid", "market", "basis",
    "source", "as_of", "note",
)  # fmt: skip
#: The values of ``market``: a group counted on land corridors, or one whose boxes may also ship from home by sea.
MARKETS = ("land", "any")
#: How far the shares of a group may add up from 1 (rounding in a hand-written table).
SHARE_TOLERANCE = 1e-6
#: Largest segments file read, in bytes (the shipped one is a few kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
_BASES = ("sourced", "derived", "estimate")
_AS_OF = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


@dataclass(frozen=True)
class Segment:
    """One kind of shipper in an OD group: its share of the group's TEU (and the share calibration starts from),
    its value of time (USD per TEU-hour), the ISO-2 codes of the countries its boxes avoid and its group's market
    (``land`` or ``any``, see the module); ``line`` is its line in the segments file."""

    group: str
    name: str
    share: float
    start_share: float
    value_of_time_usd_per_teu_hour: float
    avoid: frozenset[str]
    market: str
    basis: str
    source: str
    as_of: str
    note: str
    line: int


def shipped_segments_path() -> Path:
    """The data pack's ``segments.csv``."""
    return Path(str(resources.files("corridor").joinpath("data", "pack", "segments.csv")))


class _Reader:
    """Raises the right error for one segments file: DataError for the shipped pack, FileFormatError for a user's."""

    def __init__(self, source: str, shipped: bool) -> None:
        self.source = source
        self.shipped = shipped

    def fail(self, message: str, *, line: int | None = None, field: str | None = None) -> NoReturn:
        where = self.source + (f": line {line}" if line is not None else "")
        text = f"{where}: field {field!r}: {message}" if field else f"{where}: {message}"
        if self.shipped:
            raise DataError(f"shipped segments {text}", path=self.source)
        raise FileFormatError(text, path=self.source, line=line, field=field)


@functools.cache
def _known_countries() -> frozenset[str]:
    """The ISO-2 codes of the Natural Earth countries the network tags its nodes with (a code outside them can
    never be avoided: it is a typo)."""
    import shapefile  # pyshp

    path = countries_source_path()
    try:
        with zipfile.ZipFile(path) as archive:
            dbf = next(n for n in archive.namelist() if n.endswith(".dbf"))
            reader = shapefile.Reader(dbf=io.BytesIO(archive.read(dbf)))
            codes = {str(record[0]).upper() for record in reader.iterRecords(fields=["ISO_A2_EH"])}
    except (OSError, StopIteration, zipfile.BadZipFile, shapefile.ShapefileException) as exc:
        raise DataError(f"{path}: cannot read the Natural Earth country codes ({exc})", path=str(path)) from None
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha())


def _name(reader: _Reader, line: int, field: str, text: str) -> str:
    if not text:
        reader.fail("must not be empty", line=line, field=field)
    if len(text) > MAX_NAME_CHARS:
        reader.fail(f"is {len(text):,} characters; at most {MAX_NAME_CHARS}", line=line, field=field)
    if "/" in text:
        reader.fail(f"{text!r} holds a '/' (class names join group and segment with it)", line=line, field=field)
    return text


def _number(reader: _Reader, line: int, field: str, text: str, high: float) -> float:
    try:
        if not text.isascii():
            raise ValueError(text)
        value = float(text)
    except ValueError:
        reader.fail(f"{text[:40]!r} is not a number", line=line, field=field)
    if not math.isfinite(value) or not 0 <= value <= high:
        reader.fail(f"must be a finite number in [0, {high:g}], got {text[:40]}", line=line, field=field)
    return value


def _avoid(reader: _Reader, line: int, text: str) -> frozenset[str]:
    try:
        codes = country_codes(text.replace(";", ","), "avoid")
    except OptionsError as exc:
        reader.fail(str(exc).removeprefix("avoid: "), line=line, field="avoid")
    unknown = sorted(codes - _known_countries())
    if unknown:
        message = f"unknown country code {', '.join(unknown)} (ISO 3166-1 alpha-2, e.g. RU;BY)"
        reader.fail(message, line=line, field="avoid")
    return codes


def _segment(reader: _Reader, line: int, raw: dict[str, str]) -> Segment:
    group = _name(reader, line, "group", raw["group"])
    name = _name(reader, line, "segment", raw["segment"])
    if name == DEFAULT_CLASS:
        reader.fail(f"{DEFAULT_CLASS!r} is the class of demand not split into segments", line=line, field="segment")
    share = _number(reader, line, "share", raw["share"], 1.0)
    start_share = _number(reader, line, "start_share", raw["start_share"], 1.0)
    vot_field = "value_of_time_usd_per_teu_hour"
    vot = _number(reader, line, vot_field, raw[vot_field], VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR)
    avoid = _avoid(reader, line, raw["avoid"])
    if raw["market"] not in MARKETS:
        reader.fail(f"must be one of {', '.join(MARKETS)}, got {raw['market'][:40]!r}", line=line, field="market")
    if raw["basis"] not in _BASES:
        reader.fail(f"must be one of {', '.join(_BASES)}, got {raw['basis'][:40]!r}", line=line, field="basis")
    for field in ("source", "as_of"):
        if not raw[field]:
            reader.fail("must not be empty", line=line, field=field)
    if not _AS_OF.fullmatch(raw["as_of"]):
        reader.fail(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {raw['as_of'][:40]!r}", line=line, field="as_of")
    return Segment(
        group,
        name,
        share,
        start_share,
        vot,
        avoid,
        raw["market"],
        raw["basis"],
        raw["source"],
        raw["as_of"],
        raw["note"],
        line,
    )


def _rows(reader: _Reader, text: str) -> list[Segment]:
    records = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    segments: list[Segment] = []
    header: list[str] | None = None
    try:
        for cells in records:
            line = records.line_num
            if header is None:
                header = [c.strip() for c in cells]
                missing = [c for c in COLUMNS if c not in header]
                extra = [c for i, c in enumerate(header) if c not in COLUMNS or c in header[:i]]
                if missing or extra:
                    message = (
                        f"expected the columns {','.join(COLUMNS)}; missing {missing}, unknown or repeated {extra}"
                    )
                    reader.fail(message, line=1)
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                reader.fail(f"{len(cells)} fields for {len(header)} columns", line=line)
            segments.append(_segment(reader, line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as exc:
        reader.fail(f"not valid CSV ({exc})", line=records.line_num)
    if header is None:
        reader.fail(f"empty file; expected a header {','.join(COLUMNS)}")
    if not segments:
        reader.fail("no segments: every OD group needs at least one")
    return segments


def _grouped(reader: _Reader, rows: list[Segment]) -> dict[str, tuple[Segment, ...]]:
    """Rows by group, checked: no duplicate (group, segment), shares adding up to 1, one market per group, one
    meaning per segment name."""
    groups: dict[str, list[Segment]] = {}
    first_of_name: dict[str, Segment] = {}
    for s in rows:
        same = [t for t in groups.get(s.group, []) if t.name == s.name]
        if same:
            message = f"duplicate segment {s.name!r} in group {s.group!r} (first on line {same[0].line})"
            reader.fail(message, line=s.line, field="segment")
        if s.group in groups and s.market != groups[s.group][0].market:
            first_row = groups[s.group][0]
            message = (
                f"group {s.group!r} has market {first_row.market!r} on line {first_row.line}: a group's boxes are in "
                "one market"
            )
            reader.fail(message, line=s.line, field="market")
        groups.setdefault(s.group, []).append(s)
        first = first_of_name.setdefault(s.name, s)
        if (s.value_of_time_usd_per_teu_hour, s.avoid) != (first.value_of_time_usd_per_teu_hour, first.avoid):
            field = "value_of_time_usd_per_teu_hour" if s.avoid == first.avoid else "avoid"
            message = (
                f"segment {s.name!r} has another value of time or avoided countries than on line {first.line} "
                "(a segment name is one kind of shipper in every group; name this one differently)"
            )
            reader.fail(message, line=s.line, field=field)
    for group, segs in groups.items():
        for field in ("share", "start_share"):
            total = math.fsum(getattr(s, field) for s in segs)
            if abs(total - 1.0) > SHARE_TOLERANCE:
                what = "shares" if field == "share" else "starting shares"
                message = f"the {what} of group {group!r} add up to {total:.6g}, not 1 (the group starts on this line)"
                reader.fail(message, line=segs[0].line, field=field)
    return {group: tuple(segs) for group, segs in groups.items()}


def _read_text(reader: _Reader, path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            reader.fail(f"{size:,} bytes is more than the {MAX_FILE_BYTES:,} a segments file may have")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        reader.fail("no such file")
    except UnicodeDecodeError as exc:
        reader.fail(f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        reader.fail(f"cannot be read ({exc.strerror})")


def read_segments(path: str | Path | None = None) -> dict[str, tuple[Segment, ...]]:
    """The segments of every OD group, in file order: the data pack's ``segments.csv`` (``None``) or a user's file.

    A fault is a DataError in the shipped file and a FileFormatError in a user's, naming the file, line and field.
    """
    target = shipped_segments_path() if path is None else Path(path)
    reader = _Reader("segments.csv" if path is None else str(target), shipped=path is None)
    return _grouped(reader, _rows(reader, _read_text(reader, target)))


def segments_by_class(segments: dict[str, tuple[Segment, ...]]) -> dict[str, Segment]:
    """Each segment name (the class :func:`split_demand` gives its boxes) and a segment of that name: every one of a
    name has the same value of time and avoided countries (``read_segments`` checks it)."""
    return {s.name: s for segs in reversed(list(segments.values())) for s in segs}


def land_groups(segments: dict[str, tuple[Segment, ...]]) -> frozenset[str]:
    """The OD groups whose market is ``land``: their boxes leave their origin's country by land unless it pays."""
    return frozenset(g for g, segs in segments.items() if segs and segs[0].market == "land")


def split_demand(demand: Demand, segments: dict[str, tuple[Segment, ...]]) -> Demand:
    """Each row of class ``all`` as one row per segment of its group (TEU × share, class = the segment's name, same
    group and line); a row of another class is kept as it is. Each row's total is kept: the shares are divided by
    their sum (1 within ``SHARE_TOLERANCE``). Rows that meet (same origin, destination, class and group) add up.

    A row whose group the segments do not define is a DemandError naming the demand's source and the row's line.
    """
    merged: dict[tuple[str, str, str, str], DemandRow] = {}

    def add(row: DemandRow) -> None:
        key = (row.origin, row.destination, row.user_class, row.group)
        if key in merged:
            kept = merged[key]
            row = DemandRow(kept.origin, kept.destination, kept.teu_per_year + row.teu_per_year, kept.user_class,
                            kept.line, kept.group)  # fmt: skip
        merged[key] = row

    for row in demand.rows:
        segs = segments.get(row.group)
        if not segs:
            line = row.line or None
            where = f"{demand.source}: line {line}" if line else demand.source
            defined = ", ".join(repr(g) for g in segments) or "none"
            message = f"{where}: group {row.group!r} is not one the segments define ({defined})"
            raise DemandError(message, path=demand.source, line=line, field="group")
        if row.user_class != DEFAULT_CLASS:
            add(row)
            continue
        total = math.fsum(s.share for s in segs)
        if not total > 0:
            raise DataError(f"the segments of group {row.group!r} have no share to split TEU by")
        for s in segs:
            teu = row.teu_per_year * s.share / total
            if teu > 0:
                add(DemandRow(row.origin, row.destination, teu, s.name, row.line, row.group))
    return Demand(tuple(merged.values()), demand.source)
