"""Read and write the TNTP text formats ("Transportation Networks for Research").

* ``*_net.tntp``: a metadata block (``<NUMBER OF NODES> 24`` … ``<END OF METADATA>``), then one
  link per line: init node, term node, capacity, length, free-flow time, b, power, speed, toll,
  link type, ending with ``;``.
* ``*_trips.tntp``: metadata, then ``Origin i`` followed by ``j : flow;`` pairs.
* ``*_flow.tntp``: a header, then ``From To Volume Cost`` per link (a solution).

Lines starting with ``~`` are comments; fields are separated by tabs or spaces; nodes are
numbered from 1 in the files and from 0 in the engine. Zones are nodes ``1 .. NUMBER OF ZONES``;
nodes below ``<FIRST THRU NODE>`` may start or end a path but are never passed through. A
network's README may give generalised cost weights (link cost = time + toll factor × toll +
distance factor × length); both are 0 unless stated, and words after a weight are its units.

Every number is checked where it is read: counts and node numbers are plain ASCII whole numbers
within ``MAX_NODES``/``MAX_LINKS``, link attributes and flows are finite and not negative, the
node count agrees with the node numbers the links use and files above ``MAX_FILE_BYTES`` are
refused before they are read. Malformed input raises ``FileFormatError`` naming the file and
line (and ``.field`` where one value is at fault).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.assign.inputs import AssignmentNetwork, Demand
from corridor.assign.vdf import VdfKind
from corridor.errors import FileFormatError, FileInputError

__all__ = [
    "MAX_DENSE_ZONES",
    "MAX_FILE_BYTES",
    "MAX_LINKS",
    "MAX_NODES",
    "TntpDemand",
    "TntpFlows",
    "TntpNetwork",
    "TntpProblem",
    "read_cost_weights",
    "read_flows",
    "read_net",
    "read_tntp_dir",
    "read_trips",
    "write_flows",
]

#: Largest TNTP file read (bytes); the largest networks of the collection are a few tens of MB.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Most nodes (and zones) a network may declare; the engine allocates per node.
MAX_NODES = 5_000_000
#: Most links a network may declare.
MAX_LINKS = 20_000_000
#: Most zones ``TntpDemand.to_matrix`` expands into a dense matrix (8 bytes per cell).
MAX_DENSE_ZONES = 20_000

_META = re.compile(r"^<([^>]+)>\s*(.*)$")
_LINK_FIELDS = ("init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power", "speed", "toll", "type")
# ASCII only: str.isdigit() and float() also accept superscripts and other scripts' digits
_WHOLE = re.compile(r"[0-9]{1,15}(?:\.0*)?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_LEADING_NUMBER = re.compile(r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?)(?:\s|$)")


def _fail(path: Path, line: int | None, message: str, *, field: str | None = None) -> FileFormatError:
    """A FileFormatError whose message starts with the file and line."""
    where = f"{path}, line {line}" if line is not None else str(path)
    return FileFormatError(f"{where}: {message}", path=str(path), line=line, field=field)


def _whole(text: str) -> int | None:
    """A plain ASCII whole number (``24`` or ``24.0``), or None; never an overflow or a superscript."""
    return int(text.split(".", 1)[0]) if _WHOLE.fullmatch(text) else None


def _number(text: str) -> float | None:
    """A decimal number written in ASCII (may overflow to ±inf, checked by the caller), or None."""
    return float(text) if _NUMBER.fullmatch(text) else None


def _is_number(text: str) -> bool:
    return _number(text) is not None


def _lines(path: Path) -> list[str]:
    """The file's lines; refused above MAX_FILE_BYTES before anything is read."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(path, None, f"{size:,} bytes is larger than the {MAX_FILE_BYTES:,} bytes a TNTP file may have")
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        raise _fail(path, None, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot be read ({exc.strerror})") from None


@dataclass(frozen=True)
class _Metadata:
    """Metadata values by upper-case key, the line each was on, and the index of the first line after the block."""

    values: dict[str, str]
    lines: dict[str, int]
    end: int


def _metadata(path: Path, lines: list[str]) -> _Metadata:
    """The metadata block up to ``<END OF METADATA>``."""
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("~"):
            continue
        match = _META.match(line)
        if match is None:
            raise _fail(path, i + 1, f"expected a metadata line '<KEY> value' or <END OF METADATA>, got {line[:60]!r}")
        key = match.group(1).strip().upper()
        if key == "END OF METADATA":
            return _Metadata(values, where, i + 1)
        values[key], where[key] = match.group(2).strip(), i + 1
    raise _fail(path, None, "no <END OF METADATA> line")


def _meta_int(path: Path, meta: _Metadata, key: str, *, maximum: int, default: int | None = None) -> int:
    """A count from the metadata: a plain whole number 0..maximum (the first word; a comment may follow)."""
    if key not in meta.values:
        if default is not None:
            return default
        raise _fail(path, None, f"metadata <{key}> is missing", field=key)
    line = meta.lines[key]
    words = meta.values[key].split("~", 1)[0].split()
    value = _whole(words[0]) if len(words) == 1 else None
    if value is None:
        shown = meta.values[key][:40]
        raise _fail(path, line, f"metadata <{key}> must be a whole number ≥ 0, got {shown!r}", field=key)
    if value > maximum:
        raise _fail(path, line, f"metadata <{key}> {value:,} is above the {maximum:,} this reader accepts", field=key)
    return value


def _content(raw: str) -> str:
    """A data line without its comment and trailing semicolon."""
    line = raw.split("~", 1)[0].strip()
    return line[:-1].rstrip() if line.endswith(";") else line


@dataclass(frozen=True)
class TntpNetwork:
    """A ``*_net.tntp`` file: per link (1-based node numbers, as in the file) and its metadata."""

    path: Path
    num_zones: int
    num_nodes: int
    first_thru_node: int
    init_node: np.ndarray
    term_node: np.ndarray
    capacity: np.ndarray
    length: np.ndarray
    free_flow_time: np.ndarray
    b: np.ndarray
    power: np.ndarray
    speed: np.ndarray
    toll: np.ndarray
    link_type: np.ndarray

    @property
    def num_links(self) -> int:
        return len(self.init_node)

    def to_assignment_network(self, *, toll_factor: float = 0.0, distance_factor: float = 0.0) -> AssignmentNetwork:
        """The engine's network: BPR links, fixed cost ``toll_factor · toll + distance_factor · length``."""
        fixed = toll_factor * self.toll + distance_factor * self.length
        return AssignmentNetwork(
            num_nodes=self.num_nodes,
            tail=self.init_node - 1,
            head=self.term_node - 1,
            free_flow_time=self.free_flow_time,
            capacity=np.where(self.b == 0.0, np.inf, self.capacity),
            vdf_kind=np.full(self.num_links, VdfKind.BPR, np.int8),
            alpha=self.b,
            beta=self.power,
            fixed_cost=fixed,
            first_thru_node=max(self.first_thru_node - 1, 0),
        )


@dataclass(frozen=True)
class TntpDemand:
    """A ``*_trips.tntp`` file: OD flows with 1-based zone numbers."""

    path: Path
    num_zones: int
    origin: np.ndarray
    destination: np.ndarray
    flow: np.ndarray

    @property
    def total(self) -> float:
        return float(self.flow.sum())

    def to_matrix(self) -> np.ndarray:
        """Dense ``num_zones × num_zones`` matrix, row = origin zone − 1 (at most MAX_DENSE_ZONES zones)."""
        if self.num_zones > MAX_DENSE_ZONES:
            message = f"{self.num_zones:,} zones are too many for a dense matrix (at most {MAX_DENSE_ZONES:,})"
            raise _fail(self.path, None, message, field="NUMBER OF ZONES")
        out = np.zeros((self.num_zones, self.num_zones))
        np.add.at(out, (self.origin - 1, self.destination - 1), self.flow)
        return out

    def to_demand(self, *, time_weight: float = 1.0, name: str = "all") -> Demand:
        """The engine's demand (0-based node indices)."""
        return Demand(self.origin - 1, self.destination - 1, self.flow, time_weight, name)


@dataclass(frozen=True)
class TntpFlows:
    """A ``*_flow.tntp`` file: volume and cost per link (1-based node numbers)."""

    path: Path
    init_node: np.ndarray
    term_node: np.ndarray
    volume: np.ndarray
    cost: np.ndarray


def _link_row(path: Path, line: int, fields: list[str], num_nodes: int) -> list[float]:
    """One link's ten values, each checked: node numbers 1..num_nodes, attributes finite and sensible."""
    if len(fields) < len(_LINK_FIELDS):
        raise _fail(path, line, f"expected {len(_LINK_FIELDS)} fields ({' '.join(_LINK_FIELDS)}), got {len(fields)}")
    fields = fields[: len(_LINK_FIELDS)]
    values = [_number(x) for x in fields]
    for text, value, name in zip(fields, values, _LINK_FIELDS, strict=True):
        if value is None:
            raise _fail(path, line, f"{name} {text[:40]!r} is not a number", field=name)
    row = [float(v) for v in values if v is not None]
    for j, name in ((0, "init node"), (1, "term node")):
        node = _whole(fields[j])
        if node is None or not 1 <= node <= num_nodes:
            raise _fail(path, line, f"{name} {fields[j]} is not a node number 1..{num_nodes}", field=_LINK_FIELDS[j])
    for j in range(2, len(_LINK_FIELDS)):
        name = _LINK_FIELDS[j]
        if not math.isfinite(row[j]) or row[j] < 0:
            raise _fail(path, line, f"{name} {fields[j]} must be a finite number ≥ 0", field=name)
    if row[5] > 0 and row[2] == 0:
        raise _fail(path, line, "capacity is 0 on a congestible link (b > 0)", field="capacity")
    if _whole(fields[9]) is None:
        raise _fail(path, line, f"type {fields[9]} must be a whole number", field="type")
    return row


def _check_counts(path: Path, meta: _Metadata, num_nodes: int, num_zones: int, table: np.ndarray) -> None:
    """The declared node and zone counts against the node numbers the links really use."""
    largest = int(table[:, :2].max()) if len(table) else 0
    if num_nodes > largest:
        raise _fail(
            path,
            meta.lines["NUMBER OF NODES"],
            f"<NUMBER OF NODES> says {num_nodes:,} but the largest node number in the links is {largest}",
            field="NUMBER OF NODES",
        )
    if num_zones > num_nodes:
        raise _fail(
            path,
            meta.lines["NUMBER OF ZONES"],
            f"<NUMBER OF ZONES> {num_zones:,} is more than the {num_nodes} nodes",
            field="NUMBER OF ZONES",
        )


def read_net(path: str | Path) -> TntpNetwork:
    """Read a ``*_net.tntp`` network file (arrays sized by the links really in the file)."""
    path = Path(path)
    lines = _lines(path)
    meta = _metadata(path, lines)
    num_nodes = _meta_int(path, meta, "NUMBER OF NODES", maximum=MAX_NODES)
    num_links = _meta_int(path, meta, "NUMBER OF LINKS", maximum=MAX_LINKS)
    num_zones = _meta_int(path, meta, "NUMBER OF ZONES", maximum=MAX_NODES, default=0)
    first_thru = _meta_int(path, meta, "FIRST THRU NODE", maximum=MAX_NODES + 1, default=1)
    rows: list[list[float]] = []
    for i in range(meta.end, len(lines)):
        line = _content(lines[i])
        if not line:
            continue
        if len(rows) == num_links:
            raise _fail(path, i + 1, f"<NUMBER OF LINKS> says {num_links} links but the file has more")
        rows.append(_link_row(path, i + 1, line.split(), num_nodes))
    if len(rows) != num_links:
        raise _fail(path, None, f"<NUMBER OF LINKS> says {num_links} links but the file has {len(rows)}")
    table = np.array(rows, dtype=np.float64).reshape(-1, len(_LINK_FIELDS))
    _check_counts(path, meta, num_nodes, num_zones, table)
    return TntpNetwork(
        path=path,
        num_zones=num_zones,
        num_nodes=num_nodes,
        first_thru_node=first_thru,
        init_node=table[:, 0].astype(np.int64),
        term_node=table[:, 1].astype(np.int64),
        capacity=table[:, 2].copy(),
        length=table[:, 3].copy(),
        free_flow_time=table[:, 4].copy(),
        b=table[:, 5].copy(),
        power=table[:, 6].copy(),
        speed=table[:, 7].copy(),
        toll=table[:, 8].copy(),
        link_type=table[:, 9].astype(np.int64),
    )


def _od_pair(path: Path, line: int, part: str, zones: int) -> tuple[int, float]:
    """(destination zone, flow) from one ``j : flow`` entry of a trips file."""
    dest_text, sep, flow_text = part.partition(":")
    dest_text, flow_text = dest_text.strip(), flow_text.strip()
    dest, flow = _whole(dest_text), _number(flow_text)
    if not sep or dest is None or flow is None:
        raise _fail(path, line, f"expected 'destination : flow;', got {part[:60]!r}")
    if not 1 <= dest <= zones:
        raise _fail(path, line, f"destination {dest} is not a zone number 1..{zones}", field="destination")
    if not (math.isfinite(flow) and flow >= 0):
        raise _fail(path, line, f"flow {flow_text} must be a finite number ≥ 0", field="flow")
    return dest, flow


def read_trips(path: str | Path, *, num_zones: int | None = None) -> TntpDemand:
    """Read a ``*_trips.tntp`` demand file (zero flows and flows within a zone are dropped)."""
    path = Path(path)
    lines = _lines(path)
    meta = _metadata(path, lines)
    zones = _meta_int(path, meta, "NUMBER OF ZONES", maximum=MAX_NODES, default=num_zones)
    origins: list[int] = []
    destinations: list[int] = []
    flows: list[float] = []
    origin: int | None = None
    for i in range(meta.end, len(lines)):
        line = lines[i].split("~", 1)[0].strip()
        if not line:
            continue
        if line.lower().startswith("origin"):
            text = line[len("origin") :].strip()
            origin = _whole(text)
            if origin is None or not 1 <= origin <= zones:
                raise _fail(
                    path, i + 1, f"'Origin' must be followed by a zone number 1..{zones}, got {text[:40]!r}",
                    field="origin",
                )  # fmt: skip
            continue
        if origin is None:
            raise _fail(path, i + 1, "OD flows before the first 'Origin' line")
        for part in line.split(";"):
            if not part.strip():
                continue
            dest, flow = _od_pair(path, i + 1, part.strip(), zones)
            if flow > 0 and dest != origin:
                origins.append(origin)
                destinations.append(dest)
                flows.append(flow)
    return TntpDemand(
        path=path,
        num_zones=zones,
        origin=np.array(origins, dtype=np.int64),
        destination=np.array(destinations, dtype=np.int64),
        flow=np.array(flows, dtype=np.float64),
    )


def _flow_row(path: Path, line: int, text: str) -> list[float]:
    """From, To (node numbers ≥ 1), Volume (≥ 0) and Cost (finite) of one line of a flow file."""
    fields = text.split()
    if len(fields) < 4 or not all(_is_number(x) for x in fields[:4]):
        raise _fail(path, line, f"expected 'From To Volume Cost' numbers, got {text[:60]!r}")
    nodes = [_whole(x) for x in fields[:2]]
    for node, text_value, name in zip(nodes, fields[:2], ("from", "to"), strict=True):
        if node is None or not 1 <= node <= MAX_NODES:
            raise _fail(path, line, f"{name} {text_value} is not a node number 1..{MAX_NODES}", field=name)
    volume, cost = float(fields[2]), float(fields[3])
    if not (math.isfinite(volume) and volume >= 0):
        raise _fail(path, line, f"volume {fields[2]} must be a finite number ≥ 0", field="volume")
    if not math.isfinite(cost):
        raise _fail(path, line, f"cost {fields[3]} must be a finite number", field="cost")
    return [float(nodes[0] or 0), float(nodes[1] or 0), volume, cost]


def read_flows(path: str | Path) -> TntpFlows:
    """Read a ``*_flow.tntp`` link solution (a header line, then From To Volume Cost)."""
    path = Path(path)
    rows: list[list[float]] = []
    for i, raw in enumerate(_lines(path)):
        line = _content(raw)
        if not line:
            continue
        if not rows and not _is_number(line.split()[0]):
            continue  # the header
        rows.append(_flow_row(path, i + 1, line))
    table = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return TntpFlows(path, table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2], table[:, 3])


def write_flows(path: str | Path, init_node, term_node, volume, cost) -> Path:
    """Write link volumes and costs in the ``*_flow.tntp`` layout (tab-separated, full precision)."""
    path = Path(path)
    lines = ["From\tTo\tVolume\tCost"]
    for i, j, v, c in zip(
        np.asarray(init_node).tolist(),
        np.asarray(term_node).tolist(),
        np.asarray(volume, dtype=np.float64).tolist(),
        np.asarray(cost, dtype=np.float64).tolist(),
        strict=True,
    ):
        lines.append(f"{int(i)}\t{int(j)}\t{v!r}\t{c!r}")
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileInputError(f"{path}: cannot be written ({exc.strerror})", path=str(path)) from None
    return path


def read_cost_weights(path: str | Path) -> tuple[float, float]:
    """(toll factor, distance factor) from a network README's "Generalized Cost Weights"; 0 when blank.

    A value is its leading number; words after it are units (``Toll: 0.02 minutes/cent``).
    """
    path = Path(path)
    weights = {"toll": 0.0, "distance": 0.0}
    inside = False
    for i, raw in enumerate(_lines(path)):
        line = raw.strip()
        if line.startswith("#"):
            inside = "generalized cost weights" in line.lower()
            continue
        if not inside or ":" not in line:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in weights and value:
            match = _LEADING_NUMBER.match(value)
            if match is None:
                raise _fail(path, i + 1, f"{key} weight {value[:40]!r} is not a number", field=key)
            weight = float(match.group(1))
            if not (math.isfinite(weight) and weight >= 0):
                raise _fail(path, i + 1, f"{key} weight {match.group(1)} must be a finite number ≥ 0", field=key)
            weights[key] = weight
    return weights["toll"], weights["distance"]


@dataclass(frozen=True)
class TntpProblem:
    """A TNTP network folder: network, demand, cost weights and (if present) the best-known flows."""

    name: str
    directory: Path
    network: TntpNetwork
    trips: TntpDemand
    toll_factor: float = 0.0
    distance_factor: float = 0.0
    flows_path: Path | None = None

    def assignment_network(self) -> AssignmentNetwork:
        return self.network.to_assignment_network(toll_factor=self.toll_factor, distance_factor=self.distance_factor)

    def demand(self) -> Demand:
        return self.trips.to_demand()


def _single(directory: Path, pattern: str, *, required: bool) -> Path | None:
    found = sorted(directory.glob(pattern))
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise FileFormatError(
            f"{directory}: several {pattern} files ({names}); keep one per folder", path=str(directory)
        )
    if not found:
        if required:
            raise FileFormatError(f"{directory}: no {pattern} file", path=str(directory))
        return None
    return found[0]


def read_tntp_dir(path: str | Path) -> TntpProblem:
    """Read the single ``*_net.tntp`` and ``*_trips.tntp`` of a folder, with its README's cost weights."""
    directory = Path(path)
    if not directory.is_dir():
        raise FileFormatError(f"{directory}: no such folder", path=str(directory))
    net_path = _single(directory, "*_net.tntp", required=True)
    trips_path = _single(directory, "*_trips.tntp", required=True)
    assert net_path is not None and trips_path is not None
    network = read_net(net_path)
    trips = read_trips(trips_path, num_zones=network.num_zones or None)
    if trips.num_zones > network.num_nodes:
        raise FileFormatError(
            f"{trips_path}: {trips.num_zones} zones but the network has {network.num_nodes} nodes",
            path=str(trips_path),
            field="NUMBER OF ZONES",
        )
    readme = directory / "README.md"
    toll_factor, distance_factor = read_cost_weights(readme) if readme.is_file() else (0.0, 0.0)
    name = net_path.name.removesuffix("_net.tntp")
    flows_path = directory / f"{name}_flow.tntp"
    return TntpProblem(
        name=name,
        directory=directory,
        network=network,
        trips=trips,
        toll_factor=toll_factor,
        distance_factor=distance_factor,
        flows_path=flows_path if flows_path.is_file() else None,
    )
