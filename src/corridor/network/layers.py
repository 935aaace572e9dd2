"""Base layers read from installed packages: rail and road (scgraph-data), sea (searoute's marnet).

Each layer comes back as plain arrays: node coordinates and an undirected edge list in km.
The scgraph-data modules import a class current ``scgraph`` lacks, so their literals are
parsed as text, never imported.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.errors import DataError

__all__ = ["Layer", "layer_source_path", "package_dir", "read_marnet", "read_scgraph_layer"]


@dataclass(frozen=True)
class Layer:
    """One base network: node coordinates and undirected edges (each pair stored once)."""

    name: str
    lat: np.ndarray  # float64[n], degrees
    lon: np.ndarray  # float64[n], degrees
    edge_u: np.ndarray  # int64[m]
    edge_v: np.ndarray  # int64[m]
    edge_km: np.ndarray  # float64[m]
    edge_tag: np.ndarray  # object[m] or None: e.g. the sea passage ("suez", "panama")

    @property
    def node_count(self) -> int:
        return len(self.lat)


def package_dir(package: str) -> Path:
    """An installed package's folder, found without importing it; a DataError naming it when it is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            f"the package {package!r} is not installed; install corridor with its dependencies (pip install -e .)",
            path=package,
        )
    return Path(next(iter(spec.submodule_search_locations)))


def layer_source_path(name: str) -> Path:
    """The installed file a base layer is read from (``world_railways``, ``world_highways``, ``marnet``)."""
    if name == "marnet":
        return package_dir("searoute") / "data" / "marnet_dict.py"
    return package_dir("scgraph_data") / f"{name}.py"


def _literal_line(text: str, name: str, path: Path) -> str:
    prefix = f"\n{name}=["
    start = text.find(prefix)
    if start < 0:
        raise DataError(f"{path}: no '{name}=' literal found; is scgraph-data 2.0.0 installed?", path=str(path))
    start += len(prefix)
    end = text.find("\n", start)
    return text[start : end - 1]  # drop the closing bracket


def read_scgraph_layer(name: str) -> Layer:
    """Read ``world_railways`` or ``world_highways`` from scgraph-data as arrays.

    The file holds ``graph=[{nbr: km, ...}, ...]`` and ``nodes=[[lat, lon], ...]``. Self loops
    are dropped and each undirected edge is kept once (u < v).
    """
    path = layer_source_path(name)
    try:
        text = "\n" + path.read_text()
        graph = _literal_line(text, "graph", path)
        nodes = _literal_line(text, "nodes", path)
        adjacency = graph[1:-1].split("}, {")
        counts = np.fromiter((s.count(":") for s in adjacency), dtype=np.int64, count=len(adjacency))
        flat = ", ".join(s for s in adjacency if s).replace(":", ",")
        pairs = np.array(flat.split(","), dtype=np.float64).reshape(-1, 2)
        coords = np.array(nodes[1:-1].replace("], [", ",").split(","), dtype=np.float64).reshape(-1, 2)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot parse the {name} layer ({exc})", path=str(path)) from exc
    if len(adjacency) != len(coords):
        raise DataError(f"{path}: {len(adjacency)} adjacency rows but {len(coords)} nodes", path=str(path))
    src = np.repeat(np.arange(len(adjacency), dtype=np.int64), counts)
    dst = pairs[:, 0].astype(np.int64)
    km = pairs[:, 1]
    keep = src < dst
    u, v, km = src[keep], dst[keep], km[keep]
    return Layer(name, coords[:, 0].copy(), coords[:, 1].copy(), u, v, km, np.full(len(u), None, object))


def read_marnet() -> Layer:
    """Read searoute's marnet (Eurostat maritime network) as arrays.

    Longitudes beyond ±180 are wrapped, and nodes that then coincide (the antimeridian
    seam) are merged, so the Pacific is crossed by an ordinary edge.
    """
    path = layer_source_path("marnet")
    try:
        text = path.read_text()
        edges_text = text[text.index("edge_list=") + len("edge_list=") :].strip()
        edge_list = ast.literal_eval(edges_text)
    except (OSError, ValueError, SyntaxError) as exc:
        raise DataError(f"{path}: cannot parse the marnet layer ({exc})", path=str(path)) from exc
    index: dict[tuple[float, float], int] = {}
    lat: list[float] = []
    lon: list[float] = []

    def node(point: tuple[float, float]) -> int:
        x, y = float(point[0]), float(point[1])
        x = ((x + 180.0) % 360.0) - 180.0 if abs(x) > 180.0 else x
        x = -180.0 if x == 180.0 else x
        key = (round(x, 6), round(y, 6))
        found = index.get(key)
        if found is None:
            found = index[key] = len(lat)
            lat.append(y)
            lon.append(x)
        return found

    us: list[int] = []
    vs: list[int] = []
    tags: list[str | None] = []
    seen: set[tuple[int, int]] = set()
    for a, neighbours in edge_list.items():
        ia = node(a)
        for b, attrs in neighbours.items():
            ib = node(b)
            key = (min(ia, ib), max(ia, ib))
            if ia == ib or key in seen:
                continue
            seen.add(key)
            us.append(key[0])
            vs.append(key[1])
            passage = attrs.get("passage")
            tags.append(None if passage in (None, "segment", "pacific_ocean") else str(passage))
    lat_a, lon_a = np.array(lat), np.array(lon)
    u, v = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
    from corridor.network.geo import haversine_km

    km = haversine_km(lat_a[u], lon_a[u], lat_a[v], lon_a[v])
    return Layer("marnet", lat_a, lon_a, u, v, km, np.array(tags, dtype=object))
