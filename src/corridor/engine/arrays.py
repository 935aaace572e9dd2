"""The cached arrays of a network: how they are built from a data pack, and how a file read back is
checked before any query touches it.

The router's compiled kernels index these arrays without bounds checks, so a damaged or crafted
cache file must be rejected here (and rebuilt), never queried.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields

import numpy as np

from corridor.datapack import DataPack
from corridor.errors import DataError
from corridor.network.base import BaseNetwork
from corridor.network.build import build_graph
from corridor.network.cache import has_schema, in_range, is_csr, is_permutation, non_negative
from corridor.network.graph import GAUGE_CHANGE_KINDS, BorderTable, ServiceTable
from corridor.reliability.waits import Waits
from corridor.routing.ch import ContractionHierarchy
from corridor.routing.closures import RAIL_KINDS, closure_masks
from corridor.routing.fixed import FIXED_OBJECTIVES, build_rail_hierarchies
from corridor.routing.landmarks import compute_landmarks
from corridor.routing.search import METRICS
from corridor.status import closures_on
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["build_arrays", "edge_metrics", "valid_arrays"]

Progress = Callable[[str, float], None]


def edge_metrics(graph) -> np.ndarray:
    """(hours, USD, kg CO2e, km) per edge, checked: the searches assume no NaN and no negative cost
    (a negative one would corrupt their heaps), so a pack that slipped through fails here, not there."""
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
    bad = np.isnan(metrics) | (metrics < 0)
    if bad.any():
        row, edge = (int(i[0]) for i in np.nonzero(bad))
        name = ("hours", "usd_per_teu", "kg_co2e_per_teu", "km")[row]
        raise DataError(f"the data pack gives edge {edge} a {name} of {metrics[row, edge]}; figures must be >= 0")
    return metrics


def build_arrays(
    pack: DataPack, say: Progress, *, base: BaseNetwork | None = None, waits: Waits | None = None
) -> dict[str, np.ndarray]:
    """The network cache's arrays: the graph joined from ``base`` (built uncached when None) and the pack, the
    landmark bounds and the rail contraction hierarchies."""
    graph = build_graph(pack, base=base, progress=say, waits=waits)
    tail = graph.edge_tail()
    metrics = edge_metrics(graph)
    landmarks, table = compute_landmarks(
        graph.first_out,
        graph.head,
        tail,
        metrics,
        graph.node_usable,
        candidates=graph.place_node,
        progress=lambda f: say("computing landmark bounds", 0.80 + 0.1 * f),
    )
    _, edge_closed = closure_masks(graph, tuple(c.id for c in pack.crossings), hierarchy_closed(pack))
    hierarchies = build_rail_hierarchies(
        graph, metrics, edge_closed=edge_closed, progress=lambda f: say("contracting the rail layer", 0.90 + 0.1 * f)
    )
    say("done", 1.0)
    return {**graph.to_arrays(), "landmarks": landmarks, "landmark_dist": table, **hierarchies}


def hierarchy_closed(pack: DataPack) -> frozenset[tuple[str, str]]:
    """The rail-relevant elements closed on the pack's date: the rail hierarchies are built without them."""
    return frozenset(k for k in closures_on(pack.status, pack.covers[1]) if k[0] in RAIL_KINDS)


def valid_arrays(arrays: dict[str, np.ndarray]) -> bool:
    """Whether a loaded network cache is complete and every index in it lies in range.

    The router's compiled kernels index these arrays without bounds checks, so a damaged or
    crafted file must be rejected here (and rebuilt), never queried. A few vectorised passes.
    """
    if not has_schema(arrays, _network_schema()):
        return False
    names = {key: json.loads(str(arrays[key])) for key in _NAME_ARRAYS}
    if not all(isinstance(value, list) for value in names.values()):
        return False
    meta = json.loads(str(arrays["meta"]))
    if not isinstance(meta, dict) or not _valid_strait_nodes(meta.get("strait_nodes", {}), len(arrays["node_lat"])):
        return False
    return _valid_graph(arrays, names) and _valid_landmarks(arrays) and _valid_rail_hierarchies(arrays)


def _valid_strait_nodes(strait_nodes: object, node_count: int) -> bool:
    """Country code → sea node ids of straits and canals, every id a node of the graph."""
    if not isinstance(strait_nodes, dict):
        return False
    for code, nodes in strait_nodes.items():
        if not (isinstance(code, str) and len(code) == 2 and isinstance(nodes, list)):
            return False
        if not all(isinstance(n, int) and 0 <= n < node_count for n in nodes):
            return False
    return True


_NAME_ARRAYS = ("place_ids", "countries", "crossing_names", "service_names", "service_ids", "service_via")


def _network_schema() -> dict[str, tuple[str, int]]:
    """Name → (dtype, ndim) of every array in the network cache ("i": any signed integer, "U": text)."""
    floats = ("node_lat", "node_lon", "edge_km", "edge_hours", "edge_usd", "edge_co2")
    schema = {name: ("float64", 1) for name in floats}
    schema |= {"node_layer": ("int8", 1), "node_country": ("int16", 1), "first_out": ("int64", 1)}
    schema |= {"node_usable": ("bool", 1), "node_usable_in_layer": ("bool", 1), "head": ("int32", 1)}
    schema |= {"edge_mode": ("int8", 1), "edge_flags": ("int8", 1), "edge_ref": ("int32", 1)}
    schema |= {"place_node": ("int32", 1)} | {name: ("U", 0) for name in (*_NAME_ARRAYS, "meta")}
    schema |= {f"borders.{f.name}": ("float64", 1) for f in fields(BorderTable)}
    schema |= {"borders.country_a": ("int16", 1), "borders.country_b": ("int16", 1)}
    schema |= {"borders.gauge_change": ("int8", 1), "borders.crossing": ("int32", 1)}
    schema |= {f"services.{f.name}": ("float64", 1) for f in fields(ServiceTable)}
    schema |= {"services.service": ("int32", 1)}
    schema |= {"landmarks": ("int32", 1), "landmark_dist": ("float32", 3), "rail_ch.edge_ids": ("i", 1)}
    ch_dtypes = {"rank": "int32", "first_out": "int64", "head": "int32", "weight": "float64", "arc": "int32"}
    for objective in FIXED_OBJECTIVES:
        for f in fields(ContractionHierarchy):
            dtype = "int64" if f.name.startswith("arc_") else ch_dtypes[f.name.split("_", 1)[-1]]
            schema[f"rail_ch.{objective}.{f.name}"] = (dtype, 1)
    return schema


def _valid_graph(arrays: dict[str, np.ndarray], names: dict[str, list]) -> bool:
    """Sizes agree, the CSR is well formed and every node, mode, country, table and name index is in range."""
    n, m = arrays["node_lat"].size, arrays["head"].size
    borders, services = arrays["borders.crossing"].size, arrays["services.service"].size
    rows = {"node_": n, "edge_": m, "borders.": borders, "services.": services}
    countries = len(names["countries"])
    return (
        all(value.size == size for key, value in arrays.items() for p, size in rows.items() if key.startswith(p))
        and len(names["service_ids"]) == len(names["service_via"]) == services
        and arrays["place_node"].size == len(names["place_ids"])
        and is_csr(arrays["first_out"], n, m)
        and in_range(arrays["head"], 0, n)
        and in_range(arrays["place_node"], 0, n)
        and in_range(arrays["node_layer"], 0, len(Layer))
        and in_range(arrays["node_country"], -1, countries)
        and in_range(arrays["edge_mode"], 0, len(Mode))
        and all(non_negative(arrays[key]) for key in ("edge_km", "edge_hours", "edge_usd", "edge_co2"))
        and in_range(arrays["borders.country_a"], 0, countries)
        and in_range(arrays["borders.country_b"], 0, countries)
        and in_range(arrays["borders.gauge_change"], 0, len(GAUGE_CHANGE_KINDS))
        and in_range(arrays["borders.crossing"], -1, len(names["crossing_names"]))
        and in_range(arrays["services.service"], 0, len(names["service_names"]))
        and _valid_edge_refs(arrays, borders, services, len(names["place_ids"]))
    )


def _valid_edge_refs(arrays: dict[str, np.ndarray], borders: int, services: int, places: int) -> bool:
    """Border edges point into the border table, ferry and service edges into the service table, transfers to a
    place."""
    ref, mode = arrays["edge_ref"], arrays["edge_mode"]
    border = (arrays["edge_flags"] & EdgeFlag.BORDER) != 0
    service = (mode == Mode.FERRY) | (mode == Mode.SERVICE)
    transfer = mode == Mode.TRANSFER
    return (
        in_range(ref, 0, borders, where=border)
        and in_range(ref, 0, services, where=service)
        and in_range(ref, 0, places, where=transfer)
    )


def _valid_landmarks(arrays: dict[str, np.ndarray]) -> bool:
    """Landmarks are nodes, and the bound table is node × metric × landmark."""
    n, landmarks = arrays["node_lat"].size, arrays["landmarks"]
    return in_range(landmarks, 0, n) and arrays["landmark_dist"].shape == (n, len(METRICS), landmarks.size)


def _valid_rail_hierarchies(arrays: dict[str, np.ndarray]) -> bool:
    """The rail nodes come first, sub-edges map to graph edges, and each hierarchy is sound."""
    layer, edge_ids = arrays["node_layer"], arrays["rail_ch.edge_ids"]
    rail = int(np.count_nonzero(layer == Layer.RAIL))
    if not (bool(np.all(layer[:rail] == Layer.RAIL)) and in_range(edge_ids, 0, arrays["head"].size)):
        return False
    for objective in FIXED_OBJECTIVES:
        ch = {f.name: arrays[f"rail_ch.{objective}.{f.name}"] for f in fields(ContractionHierarchy)}
        if not _valid_hierarchy(ch, rail, edge_ids.size):
            return False
    return True


def _valid_hierarchy(ch: dict[str, np.ndarray], nodes: int, sub_edges: int) -> bool:
    """Ranks are a permutation; both upward graphs are CSR over ranks whose arcs go up (so a query ends) and point
    into the arc table; each arc is an original sub-edge or a shortcut of two arcs."""
    arcs, second = ch["arc_first"].size, ch["arc_second"]
    if not (is_permutation(ch["rank"], nodes) and second.size == arcs and in_range(second, -1, arcs)):
        return False
    for side in ("fwd", "bwd"):
        first_out, head = ch[f"{side}_first_out"], ch[f"{side}_head"]
        weight, arc = ch[f"{side}_weight"], ch[f"{side}_arc"]
        if not (
            weight.size == arc.size == head.size
            and is_csr(first_out, nodes, head.size)
            and in_range(head, 0, nodes)
            and in_range(arc, 0, arcs)
            and non_negative(weight)
            and bool(np.all(head > np.repeat(np.arange(nodes), np.diff(first_out))))
        ):
            return False
    original = second < 0
    return in_range(ch["arc_first"], 0, sub_edges, where=original) and in_range(
        ch["arc_first"], 0, arcs, where=~original
    )
