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
distance factor × length); both are 0 unless stated. Malformed input raises ``DataError``
naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.assign.inputs import AssignmentNetwork, Demand
from corridor.assign.vdf import VdfKind
from corridor.errors import DataError

__all__ = [
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

_META = re.compile(r"^<([^>]+)>\s*(.*)$")
_LINK_FIELDS = ("init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power", "speed", "toll", "type")


def _fail(path: Path, line: int | None, message: str) -> DataError:
    where = f"{path}, line {line}" if line is not None else str(path)
    return DataError(f"{where}: {message}", path=str(path))


def _lines(path: Path) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        raise _fail(path, None, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot be read ({exc.strerror})") from None


def _metadata(path: Path, lines: list[str]) -> tuple[dict[str, str], int]:
    """Metadata values by upper-case key, and the index of the first line after the block."""
    meta: dict[str, str] = {}
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("~"):
            continue
        match = _META.match(line)
        if match is None:
            raise _fail(path, i + 1, f"expected a metadata line '<KEY> value' or <END OF METADATA>, got {line[:60]!r}")
        key = match.group(1).strip().upper()
        if key == "END OF METADATA":
            return meta, i + 1
        meta[key] = match.group(2).strip()
    raise _fail(path, None, "no <END OF METADATA> line")


def _meta_int(path: Path, meta: dict[str, str], key: str, default: int | None = None) -> int:
    if key not in meta:
        if default is not None:
            return default
        raise _fail(path, None, f"metadata <{key}> is missing")
    try:
        value = float(meta[key].split()[0])
    except (ValueError, IndexError):
        raise _fail(path, None, f"metadata <{key}> is not a number: {meta[key]!r}") from None
    if value != int(value) or value < 0:
        raise _fail(path, None, f"metadata <{key}> must be a whole number ≥ 0, got {meta[key]!r}")
    return int(value)


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
            vdf_kind=VdfKind.BPR,
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
        """Dense ``num_zones × num_zones`` matrix, row = origin zone − 1."""
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


def read_net(path: str | Path) -> TntpNetwork:
    """Read a ``*_net.tntp`` network file."""
    path = Path(path)
    lines = _lines(path)
    meta, first = _metadata(path, lines)
    num_nodes = _meta_int(path, meta, "NUMBER OF NODES")
    num_links = _meta_int(path, meta, "NUMBER OF LINKS")
    num_zones = _meta_int(path, meta, "NUMBER OF ZONES", default=0)
    first_thru = _meta_int(path, meta, "FIRST THRU NODE", default=1)
    rows: list[list[float]] = []
    for i in range(first, len(lines)):
        line = _content(lines[i])
        if not line:
            continue
        fields = line.split()
        if len(fields) < len(_LINK_FIELDS):
            raise _fail(
                path, i + 1, f"expected {len(_LINK_FIELDS)} fields ({' '.join(_LINK_FIELDS)}), got {len(fields)}"
            )
        try:
            row = [float(x) for x in fields[: len(_LINK_FIELDS)]]
        except ValueError:
            bad = next(x for x in fields if not _is_number(x))
            raise _fail(path, i + 1, f"{bad!r} is not a number") from None
        for j, name in ((0, "init node"), (1, "term node")):
            if row[j] != int(row[j]) or not 1 <= row[j] <= num_nodes:
                raise _fail(path, i + 1, f"{name} {fields[j]} is not a node number 1..{num_nodes}")
        if not all(np.isfinite(row[2:])):
            raise _fail(path, i + 1, "link attributes must be finite numbers")
        if row[2] < 0 or row[4] < 0 or row[5] < 0 or row[6] < 0 or row[8] < 0:
            raise _fail(path, i + 1, "capacity, free-flow time, b, power and toll must be ≥ 0")
        if row[5] > 0 and row[2] == 0:
            raise _fail(path, i + 1, "capacity is 0 on a congestible link (b > 0)")
        rows.append(row)
    if len(rows) != num_links:
        raise _fail(path, None, f"<NUMBER OF LINKS> says {num_links} links but the file has {len(rows)}")
    table = np.array(rows, dtype=np.float64).reshape(-1, len(_LINK_FIELDS))
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_trips(path: str | Path, *, num_zones: int | None = None) -> TntpDemand:
    """Read a ``*_trips.tntp`` demand file (zero flows and flows within a zone are dropped)."""
    path = Path(path)
    lines = _lines(path)
    meta, first = _metadata(path, lines)
    zones = _meta_int(path, meta, "NUMBER OF ZONES", default=num_zones)
    origins: list[int] = []
    destinations: list[int] = []
    flows: list[float] = []
    origin: int | None = None
    for i in range(first, len(lines)):
        line = lines[i].split("~", 1)[0].strip()
        if not line:
            continue
        if line.lower().startswith("origin"):
            text = line[len("origin") :].strip()
            if not text.isdigit() or not 1 <= int(text) <= zones:
                raise _fail(path, i + 1, f"'Origin' must be followed by a zone number 1..{zones}, got {text!r}")
            origin = int(text)
            continue
        if origin is None:
            raise _fail(path, i + 1, "OD flows before the first 'Origin' line")
        for part in line.split(";"):
            part = part.strip()
            if not part:
                continue
            dest_text, sep, flow_text = part.partition(":")
            dest_text, flow_text = dest_text.strip(), flow_text.strip()
            if not sep or not dest_text.isdigit() or not _is_number(flow_text):
                raise _fail(path, i + 1, f"expected 'destination : flow;', got {part!r}")
            dest, flow = int(dest_text), float(flow_text)
            if not 1 <= dest <= zones:
                raise _fail(path, i + 1, f"destination {dest} is not a zone number 1..{zones}")
            if not (np.isfinite(flow) and flow >= 0):
                raise _fail(path, i + 1, f"flow {flow_text} must be a finite number ≥ 0")
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


def read_flows(path: str | Path) -> TntpFlows:
    """Read a ``*_flow.tntp`` link solution (a header line, then From To Volume Cost)."""
    path = Path(path)
    rows: list[list[float]] = []
    for i, raw in enumerate(_lines(path)):
        line = _content(raw)
        if not line:
            continue
        fields = line.split()
        if not rows and fields and not _is_number(fields[0]):
            continue  # the header
        if len(fields) < 4 or not all(_is_number(x) for x in fields[:4]):
            raise _fail(path, i + 1, f"expected 'From To Volume Cost' numbers, got {line[:60]!r}")
        rows.append([float(x) for x in fields[:4]])
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
        raise _fail(path, None, f"cannot be written ({exc.strerror})") from None
    return path


def read_cost_weights(path: str | Path) -> tuple[float, float]:
    """(toll factor, distance factor) from a network README's "Generalized Cost Weights"; 0 when blank."""
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
            if not _is_number(value):
                raise _fail(path, i + 1, f"{key} weight {value!r} is not a number")
            weights[key] = float(value)
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
        raise DataError(f"{directory}: several {pattern} files ({names}); keep one per folder", path=str(directory))
    if not found:
        if required:
            raise DataError(f"{directory}: no {pattern} file", path=str(directory))
        return None
    return found[0]


def read_tntp_dir(path: str | Path) -> TntpProblem:
    """Read the single ``*_net.tntp`` and ``*_trips.tntp`` of a folder, with its README's cost weights."""
    directory = Path(path)
    if not directory.is_dir():
        raise DataError(f"{directory}: no such folder", path=str(directory))
    net_path = _single(directory, "*_net.tntp", required=True)
    trips_path = _single(directory, "*_trips.tntp", required=True)
    assert net_path is not None and trips_path is not None
    network = read_net(net_path)
    trips = read_trips(trips_path, num_zones=network.num_zones or None)
    if trips.num_zones > network.num_nodes:
        raise DataError(
            f"{trips_path}: {trips.num_zones} zones but the network has {network.num_nodes} nodes", path=str(trips_path)
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
