"""The edges and nodes that the elements closed on a day take out of the network.

A closure (``corridor.status``) names an element by kind and id; this module finds its part of the
graph: a service's boarding, ride and alighting edges (by service name or segment id), a crossing's
border edges, an added line's edges, a sea passage's edges, a place's terminal node.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from corridor.network.graph import Graph
from corridor.units import EdgeFlag, Mode

__all__ = ["RAIL_KINDS", "closure_masks"]

#: The kinds of element whose closure changes a rail-only search (the rail contraction hierarchy is built
#: without the elements of these kinds closed on the pack's date, and answers only queries that agree).
RAIL_KINDS = frozenset({"crossing", "link"})


def closure_masks(
    graph: Graph, crossing_ids: tuple[str, ...], closed: Iterable[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """(node_closed, edge_closed) for the closed (kind, id) elements."""
    g = graph
    node_closed = np.zeros(g.node_count, np.bool_)
    edge_closed = np.zeros(g.edge_count, np.bool_)
    by_kind: dict[str, set[str]] = {}
    for kind, element in closed:
        by_kind.setdefault(kind, set()).add(element)
    if names := by_kind.get("service"):
        rows = [
            i for i in range(len(g.service_ids))
            if g.service_ids[i] in names or g.service_names[g.services.service[i]] in names
        ]  # fmt: skip
        on_service = np.flatnonzero(np.isin(g.edge_mode, [Mode.FERRY, Mode.SERVICE]))
        edge_closed[on_service[np.isin(g.edge_ref[on_service], rows)]] = True
    if ids := by_kind.get("crossing"):
        shut = [i for i, c in enumerate(crossing_ids) if c in ids]
        on_border = np.flatnonzero(g.edge_flags & EdgeFlag.BORDER)
        edge_closed[on_border[np.isin(g.borders.crossing[g.edge_ref[on_border]], shut)]] = True
    for link in by_kind.get("link", ()):
        edge_closed[g.meta.get("link_edges", {}).get(link, [])] = True
    if tags := by_kind.get("passage"):
        shut = [i for i, name in enumerate(g.meta.get("passages", [])) if name in tags]
        on_sea = np.flatnonzero(g.edge_mode == Mode.SEA)
        edge_closed[on_sea[np.isin(g.edge_ref[on_sea], shut)]] = True
    for place in by_kind.get("place", ()):
        if place in g.place_ids:
            node_closed[g.place_node[g.place_ids.index(place)]] = True
    return node_closed, edge_closed
