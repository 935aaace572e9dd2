"""Origin–destination demand in TEU per year: the CSV format, the shipped sets and OMX matrices.

CSV, UTF-8, header row: ``origin,destination,teu_per_year[,class][,group]`` (other columns, such
as a row's derivation, are ignored). A place is a data-pack name or ``"lat,lon"`` (quoted, since
it holds a comma). ``class`` is the user class (default ``all``); ``group`` the OD group whose
shipper segments (``corridor.flows.segments``) apply to the row (default ``all``). Rows for the
same origin, destination, class and group add up.

Every figure is checked where it is read, and a demand that cannot be used raises
``DemandError`` naming the file, line and field:

* TEU per year are finite, ≥ 0 and at most ``MAX_TEU_PER_YEAR_PER_PAIR`` per OD cell
  (rows merged) and ``MAX_TOTAL_TEU_PER_YEAR`` in all: world container traffic is about
  1e9 TEU a year, so larger figures are mistakes;
* at most ``MAX_OD_PAIRS`` distinct cells (origin, destination, class, group; each pair is routed
  in every corridor variant) and, in an OMX file, at most ``MAX_ZONES`` zones, counted before any
  matrix is expanded;
* files above ``MAX_FILE_BYTES``, cells above the CSV field limit and malformed CSV are refused.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from corridor.constants import SHIPPED_DEMAND
from corridor.errors import CoordinateError, DataError, DemandError
from corridor.network.places import parse_coordinates

__all__ = [
    "DEFAULT_CLASS",
    "DEFAULT_GROUP",
    "MAX_FILE_BYTES",
    "MAX_OD_PAIRS",
    "MAX_TEU_PER_YEAR_PER_PAIR",
    "MAX_TOTAL_TEU_PER_YEAR",
    "MAX_ZONES",
    "SHIPPED_DEMAND",
    "Demand",
    "DemandRow",
    "parse_demand",
    "read_demand",
]

#: Demand sets shipped with the package, by name.
#: Most TEU a year one OD cell (origin, destination, class; rows merged) may carry.
MAX_TEU_PER_YEAR_PER_PAIR = 1e8
#: Most TEU a year a whole demand may carry (about world container traffic).
MAX_TOTAL_TEU_PER_YEAR = 1e9
#: Most distinct OD cells a demand may hold: each pair is routed in every corridor variant.
MAX_OD_PAIRS = 10_000
#: Most zones an OMX matrix may have (its lookup holds place names or "lat,lon").
MAX_ZONES = 2_000
#: Largest demand file read, in bytes.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Longest place, class or group name, in characters.
MAX_NAME_CHARS = 200
#: The class and the group of a row that names none.
DEFAULT_CLASS = "all"
DEFAULT_GROUP = "all"
_REQUIRED = ("origin", "destination", "teu_per_year")
_OPTIONAL = ("class", "group")
_HEADER = f"{','.join(_REQUIRED)}[,class][,group]"
_OMX_BLOCK_ROWS = 256  # matrix rows read at a time, so memory stays bounded whatever the compression ratio


@dataclass(frozen=True)
class DemandRow:
    """TEU per year from one place to another, for one user class, in one OD group (whose shipper segments
    apply to it: ``corridor.flows.segments``)."""

    origin: str
    destination: str
    teu_per_year: float
    user_class: str = DEFAULT_CLASS
    line: int = 0  # line in the CSV file where the pair first appears (0: not from a CSV file)
    group: str = DEFAULT_GROUP


@dataclass(frozen=True)
class Demand:
    """The rows of one demand set and where they came from."""

    rows: tuple[DemandRow, ...]
    source: str

    @property
    def total_teu_per_year(self) -> float:
        return sum(r.teu_per_year for r in self.rows)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.user_class for r in self.rows))

    @property
    def groups(self) -> tuple[str, ...]:
        """The OD groups of the rows, in order of first appearance."""
        return tuple(dict.fromkeys(r.group for r in self.rows))


def _error(source: str, line: int | None, message: str, *, field: str | None = None) -> DemandError:
    """A DemandError whose message starts with the source and line."""
    where = f"{source}: line {line}" if line is not None else source
    return DemandError(f"{where}: {message}", path=source, line=line, field=field)


_Key = tuple[str, str, str, str]  # origin, destination, class, group


class _Cells:
    """OD cells merged by (origin, destination, class, group), bounded in count, per cell and in total."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.teu: dict[_Key, float] = {}
        self.first_line: dict[_Key, int] = {}
        self.total = 0.0

    def add(self, key: _Key, teu: float, line: int | None, where: str = "") -> None:
        """Add ``teu`` (finite, ≥ 0) to a cell; ``where`` names an OMX cell in the messages."""
        if key not in self.teu and teu > 0:
            if len(self.teu) >= MAX_OD_PAIRS:
                raise _error(self.source, line, f"{where}more than {MAX_OD_PAIRS:,} OD pairs; split the demand")
            self.teu[key] = 0.0
            self.first_line[key] = line or 0
        if teu == 0:
            return
        self.teu[key] += teu
        self.total += teu
        if self.teu[key] > MAX_TEU_PER_YEAR_PER_PAIR:
            raise _error(
                self.source, line, f"{where}{key[0]} → {key[1]} ({key[2]}) adds up to {self.teu[key]:.3g} TEU a year, "
                f"above the {MAX_TEU_PER_YEAR_PER_PAIR:.0e} one OD pair may carry", field="teu_per_year",
            )  # fmt: skip
        if self.total > MAX_TOTAL_TEU_PER_YEAR:
            raise _error(
                self.source, line, f"{where}the demand adds up to {self.total:.3g} TEU a year, above the "
                f"{MAX_TOTAL_TEU_PER_YEAR:.0e} a demand may carry (world container traffic is about 1e9)",
                field="teu_per_year",
            )  # fmt: skip

    def demand(self) -> Demand:
        rows = tuple(
            DemandRow(o, d, teu, c, self.first_line[(o, d, c, g)], g) for (o, d, c, g), teu in self.teu.items()
        )
        return Demand(rows, self.source)


def _place(source: str, line: int | None, text: str, field: str) -> str:
    """A place cell: not empty, not overlong, and in range if it is ``lat,lon``."""
    if not text:
        raise _error(source, line, "origin and destination must not be empty", field=field)
    if len(text) > MAX_NAME_CHARS:
        message = f"{field} is {len(text):,} characters; a place name has at most {MAX_NAME_CHARS}"
        raise _error(source, line, message, field=field)
    try:
        parse_coordinates(text)
    except CoordinateError as exc:
        raise _error(source, line, f"{field}: {exc}", field=field) from None
    return text


def _label(source: str, line: int, cells: list[str], col: dict[str, int], field: str, default: str) -> str:
    """A class or group cell: its text, ``default`` when the column is absent or the cell empty, not overlong."""
    text = cells[col[field]].strip() if field in col else ""
    if len(text) > MAX_NAME_CHARS:
        raise _error(source, line, f"{field} is {len(text):,} characters; at most {MAX_NAME_CHARS}", field=field)
    return text or default


def _teu(source: str, line: int, text: str) -> float:
    """TEU per year from a cell: an ASCII number, finite and ≥ 0."""
    try:
        if not text.isascii():
            raise ValueError(text)
        teu = float(text)
    except ValueError:
        raise _error(source, line, f"teu_per_year {text[:40]!r} is not a number", field="teu_per_year") from None
    if not math.isfinite(teu) or teu < 0:
        raise _error(source, line, f"teu_per_year must be a finite number ≥ 0, got {text[:40]}", field="teu_per_year")
    return teu


def _csv_rows(text: str, source: str):
    """(line, cells) per CSV record; a malformed record or an over-long field is a DemandError naming its line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _error(source, reader.line_num, f"not valid CSV ({exc})") from None
        yield reader.line_num, cells


def parse_demand(text: str, *, source: str = "<text>") -> Demand:
    """Demand from CSV text; any bad row is an error naming its line (a demand is not a report)."""
    records = _csv_rows(text, source)
    try:
        _, first = next(records)
    except StopIteration:
        raise _error(source, None, f"empty demand file; expected a header {_HEADER}") from None
    header = [h.strip().lower() for h in first]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        message = f"header lacks {', '.join(missing)}; expected {_HEADER}"
        raise _error(source, 1, message, field=missing[0])
    col = {name: header.index(name) for name in (*_REQUIRED, *_OPTIONAL) if name in header}
    cells_by_key = _Cells(source)
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise _error(source, line, f"{len(cells)} cells for {len(header)} columns")
        origin = _place(source, line, cells[col["origin"]].strip(), "origin")
        destination = _place(source, line, cells[col["destination"]].strip(), "destination")
        teu = _teu(source, line, cells[col["teu_per_year"]].strip())
        user_class = _label(source, line, cells, col, "class", DEFAULT_CLASS)
        group = _label(source, line, cells, col, "group", DEFAULT_GROUP)
        cells_by_key.add((origin, destination, user_class, group), teu, line)
    demand = cells_by_key.demand()
    if not demand.rows:
        raise _error(source, None, "no demand rows with TEU > 0")
    return demand


def _omx_labels(path: Path, f: Any) -> list[str]:
    """The zone names of an OMX file: its first ``/lookup`` mapping, 1-D text, at most MAX_ZONES."""
    import h5py

    source = str(path)
    if "lookup" not in f or not isinstance(f["lookup"], h5py.Group) or not len(f["lookup"]):
        raise _error(source, None, "OMX file has no zone mapping under /lookup; map zones to place names")
    name = next(iter(f["lookup"]))
    mapping = f["lookup"][name]
    field = f"/lookup/{name}"
    if not isinstance(mapping, h5py.Dataset) or len(mapping.shape) != 1:
        raise _error(source, None, f"{field} is not a one-dimensional list of zone names", field=field)
    if mapping.shape[0] > MAX_ZONES:
        raise _error(source, None, f"{field} has {mapping.shape[0]:,} zones, more than {MAX_ZONES:,}", field=field)
    if mapping.dtype.kind not in "SUO":
        raise _error(source, None, f"{field} holds {mapping.dtype} values, not place names", field=field)
    labels = []
    for value in mapping[()]:
        if not isinstance(value, bytes | str):
            raise _error(source, None, f"{field} holds a {type(value).__name__}, not a place name", field=field)
        try:
            text = (value.decode("utf-8") if isinstance(value, bytes) else value).strip()
        except UnicodeDecodeError:
            raise _error(source, None, f"{field} holds a zone name that is not UTF-8", field=field) from None
        if not text:
            raise _error(source, None, f"{field} holds an empty zone name", field=field)
        labels.append(_place(source, None, text, field))
    return labels


def _omx_matrix(path: Path, name: str, dataset: Any, labels: list[str], cells: _Cells) -> None:
    """Add one OMX matrix (a user class) to ``cells``, row block by row block, never expanding more than the limits."""
    import h5py

    source, field, n = str(path), f"/data/{name}", len(labels)
    if not isinstance(dataset, h5py.Dataset):
        raise _error(source, None, f"{field} is not a matrix", field=field)
    if dataset.shape != (n, n):
        raise _error(source, None, f"matrix {name!r} is {dataset.shape}, zones {n}", field=field)
    if dataset.dtype.kind not in "biuf":
        raise _error(source, None, f"matrix {name!r} holds {dataset.dtype} values, not TEU per year", field=field)
    for start in range(0, n, _OMX_BLOCK_ROWS):
        block = np.asarray(dataset[start : start + _OMX_BLOCK_ROWS], dtype=np.float64)
        bad = np.argwhere(~np.isfinite(block) | (block < 0))
        if len(bad):
            i, j = int(bad[0][0]), int(bad[0][1])
            message = f"matrix {name!r} [{start + i}, {j}] = {block[i, j]}: TEU must be a finite number ≥ 0"
            raise _error(source, None, message, field=field)
        if len(cells.teu) + np.count_nonzero(block) > MAX_OD_PAIRS:
            raise _error(source, None, f"matrices hold more than {MAX_OD_PAIRS:,} non-zero OD cells", field=field)
        for i, j in zip(*np.nonzero(block), strict=True):
            row, col = start + int(i), int(j)
            where = f"matrix {name!r} [{row}, {col}]: "
            cells.add((labels[row], labels[col], str(name), DEFAULT_GROUP), float(block[i, j]), None, where)


def _read_omx(path: Path) -> Demand:
    """An OMX matrix file (HDF5: ``/data/<matrix>``, ``/lookup/<mapping>``) whose zone mapping holds
    place names or ``lat,lon``; each matrix is one user class, every cell in the group ``all``."""
    import h5py

    source = str(path)
    cells = _Cells(source)
    try:
        with h5py.File(path, "r") as f:
            if "data" not in f or not isinstance(f["data"], h5py.Group) or not len(f["data"]):
                raise _error(source, None, "OMX file has no matrices under /data")
            labels = _omx_labels(path, f)
            for name in f["data"]:
                _omx_matrix(path, name, f["data"][name], labels, cells)
    except DemandError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise _error(source, None, f"not a readable OMX/HDF5 file ({exc})") from None
    demand = cells.demand()
    if not demand.rows:
        raise _error(source, None, "OMX matrices hold no positive demand")
    return demand


def _read_text(path: Path) -> str:
    """A demand CSV file's text; refused above MAX_FILE_BYTES before it is read."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _error(source, None, f"{size:,} bytes is more than the {MAX_FILE_BYTES:,} a demand file may have")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _error(source, None, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _error(source, None, f"cannot be read ({exc.strerror})") from None


def _shipped(name: str) -> Demand:
    """A demand set shipped with the package; a fault in it is a DataError (the package's, not the user's)."""
    text = resources.files("corridor").joinpath(f"data/demand/{name}.csv").read_text(encoding="utf-8")
    try:
        return parse_demand(text, source=name)
    except DemandError as exc:
        raise DataError(f"shipped demand set {exc}", path=name) from None


def read_demand(name_or_path: str | Path) -> Demand:
    """A shipped demand set by name (``corridor-2024``), a CSV file or an OMX file."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_DEMAND:
        return _shipped(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        shipped = ", ".join(SHIPPED_DEMAND)
        raise _error(str(path), None, f"no such file (and not a shipped demand set: {shipped})")
    if path.suffix.lower() == ".omx":
        return _read_omx(path)
    return parse_demand(_read_text(path), source=str(path))
