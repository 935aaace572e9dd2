"""Origin–destination demand in TEU per year: the CSV format, the shipped sets and OMX matrices.

CSV, UTF-8, header row: ``origin,destination,teu_per_year[,class]`` (other columns, such as
a row's derivation, are ignored). A place is a data-pack name or ``lat,lon``. Rows for the
same origin, destination and class add up.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corridor.errors import DataError

__all__ = ["SHIPPED_DEMAND", "Demand", "DemandRow", "parse_demand", "read_demand"]

#: Demand sets shipped with the package, by name.
SHIPPED_DEMAND = ("corridor-2024",)
_REQUIRED = ("origin", "destination", "teu_per_year")


@dataclass(frozen=True)
class DemandRow:
    """TEU per year from one place to another, for one user class."""

    origin: str
    destination: str
    teu_per_year: float
    user_class: str = "all"
    line: int = 0  # line in the CSV file where the pair first appears (0: not from a CSV file)


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


def parse_demand(text: str, *, source: str = "<text>") -> Demand:
    """Demand from CSV text; any bad row is an error naming its line (a demand is not a report)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataError(f"{source}: empty demand file; expected a header {','.join(_REQUIRED)}[,class]") from None
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise DataError(f"{source}: line 1: header lacks {', '.join(missing)}; expected {','.join(_REQUIRED)}[,class]")
    col = {name: header.index(name) for name in (*_REQUIRED, "class") if name in header}
    merged: dict[tuple[str, str, str], float] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise DataError(f"{source}: line {line}: {len(cells)} cells for {len(header)} columns")
        origin, destination = cells[col["origin"]].strip(), cells[col["destination"]].strip()
        if not origin or not destination:
            raise DataError(f"{source}: line {line}: origin and destination must not be empty")
        text_value = cells[col["teu_per_year"]].strip()
        try:
            teu = float(text_value)
        except ValueError:
            raise DataError(f"{source}: line {line}: teu_per_year {text_value!r} is not a number") from None
        if not math.isfinite(teu) or teu < 0:
            raise DataError(f"{source}: line {line}: teu_per_year must be a finite number ≥ 0, got {text_value}")
        user_class = cells[col["class"]].strip() if "class" in col and cells[col["class"]].strip() else "all"
        key = (origin, destination, user_class)
        merged[key] = merged.get(key, 0.0) + teu
        first_line.setdefault(key, line)
    rows = tuple(DemandRow(o, d, teu, c, first_line[(o, d, c)]) for (o, d, c), teu in merged.items() if teu > 0)
    if not rows:
        raise DataError(f"{source}: no demand rows with TEU > 0")
    return Demand(rows, source)


def _read_omx(path: Path) -> Demand:
    """An OMX matrix file (HDF5: ``/data/<matrix>``, ``/lookup/<mapping>``) whose zone mapping holds
    place names; each matrix is one user class."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if "data" not in f or not len(f["data"]):
                raise DataError(f"{path}: OMX file has no matrices under /data", path=str(path))
            if "lookup" not in f or not len(f["lookup"]):
                raise DataError(f"{path}: OMX file has no zone mapping under /lookup; map zones to place names")
            mapping = f["lookup"][next(iter(f["lookup"]))][()]
            labels = [v.decode() if isinstance(v, bytes) else str(v) for v in mapping]
            rows = []
            for name in f["data"]:
                matrix = f["data"][name][()]
                if matrix.shape != (len(labels), len(labels)):
                    raise DataError(f"{path}: matrix {name!r} is {matrix.shape}, zones {len(labels)}", path=str(path))
                for i, j in zip(*matrix.nonzero(), strict=True):
                    value = float(matrix[i, j])
                    if not math.isfinite(value) or value < 0:
                        raise DataError(f"{path}: matrix {name!r} [{i}, {j}] = {value}: TEU must be ≥ 0")
                    rows.append(DemandRow(labels[i], labels[j], value, str(name)))
    except OSError as exc:
        raise DataError(f"{path}: not a readable OMX/HDF5 file ({exc})", path=str(path)) from None
    if not rows:
        raise DataError(f"{path}: OMX matrices hold no positive demand", path=str(path))
    return Demand(tuple(rows), str(path))


def read_demand(name_or_path: str | Path) -> Demand:
    """A shipped demand set by name (``corridor-2024``), a CSV file or an OMX file."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_DEMAND:
        text = resources.files("corridor").joinpath(f"data/demand/{name_or_path}.csv").read_text(encoding="utf-8")
        return parse_demand(text, source=name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        shipped = ", ".join(SHIPPED_DEMAND)
        raise DataError(f"{path}: no such file (and not a shipped demand set: {shipped})", path=str(path))
    if path.suffix.lower() == ".omx":
        return _read_omx(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text", path=str(path)) from None
    return parse_demand(text, source=str(path))
