"""Contraction hierarchies on the rail layer for fixed objectives (distance, time).

A rail-only query with no avoided countries and a fixed objective needs no masks, so it can
use a precomputed hierarchy instead of the landmark A*; the answers are the same (tests
check it), only faster. Places join through their transfer edges, as in the full graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from corridor.graphs.csr import csr_order, edge_tails
from corridor.network.graph import Graph
from corridor.routing.ch import CHQuery, ContractionHierarchy, build_ch
from corridor.units import Layer, Mode

__all__ = ["FIXED_OBJECTIVES", "RailHierarchies", "build_rail_hierarchies"]

_TRANSFER = int(Mode.TRANSFER)  # a plain int: enum attribute lookups are slow in the per-query loop

#: Objective name → row of the (hours, usd, co2, km) metric table it minimises.
FIXED_OBJECTIVES = {"distance": 3, "time": 0}


def _rail_subgraph(graph: Graph, edge_closed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR of rail → rail edges (rail nodes come first in the graph), less the closed ones, and their graph edge
    ids."""
    rail_count = int(np.sum(graph.node_layer == Layer.RAIL))
    assert np.all(graph.node_layer[:rail_count] == Layer.RAIL)
    end = int(graph.first_out[rail_count])
    heads = graph.head[:end]
    usable = heads < rail_count
    if edge_closed is not None:
        usable &= ~edge_closed[:end]
    edge_ids = np.flatnonzero(usable)
    first_out, order = csr_order(edge_tails(graph.first_out[: rail_count + 1])[edge_ids], rail_count)
    edge_ids = edge_ids[order]  # already grouped by tail: the stable order keeps them as they are
    return first_out, heads[edge_ids].astype(np.int64), edge_ids


def build_rail_hierarchies(
    graph: Graph,
    metrics: np.ndarray,
    *,
    edge_closed: np.ndarray | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Arrays of one hierarchy per fixed objective, plus the sub-edge → graph edge map; ``edge_closed`` edges (closed
    crossings and lines on the pack's date) are left out."""
    first_out, head, edge_ids = _rail_subgraph(graph, edge_closed)
    out: dict[str, np.ndarray] = {"rail_ch.edge_ids": edge_ids}
    for i, (name, row) in enumerate(FIXED_OBJECTIVES.items()):

        def say(f: float, i: int = i) -> None:
            if progress is not None:
                progress((i + f) / len(FIXED_OBJECTIVES))

        ch = build_ch(first_out, head, np.ascontiguousarray(metrics[row, edge_ids], dtype=np.float64), progress=say)
        out.update({f"rail_ch.{name}.{k}": v for k, v in ch.to_arrays().items()})
    return out


class RailHierarchies:
    """Loaded hierarchies; ``query(objective)`` gives a per-thread query object."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.edge_ids = arrays["rail_ch.edge_ids"]
        self.hierarchies = {
            name: ContractionHierarchy.from_arrays(
                {k.split(".", 2)[2]: v for k, v in arrays.items() if k.startswith(f"rail_ch.{name}.")}
            )
            for name in FIXED_OBJECTIVES
        }
        self.rail_count = int(self.hierarchies["distance"].rank.size)

    def new_query(self, objective: str) -> CHQuery:
        return CHQuery(self.hierarchies[objective])

    def segment(
        self, query: CHQuery, graph: Graph, metrics_row: np.ndarray, sources: np.ndarray, targets: np.ndarray
    ) -> tuple[float, np.ndarray, int, int]:
        """Best path from any source to any target; terminals join through their transfer edges.

        Returns (cost, graph edge ids, source node, target node); cost is inf when none. A node that is
        both a source and a target is a zero-length path, as in the landmark search: a terminal must
        not leave through its transfer edges and come back (handling both ways, a detour by rail).
        """
        shared = np.intersect1d(np.asarray(sources, np.int64), np.asarray(targets, np.int64))
        if len(shared):
            node = int(shared[0])
            return 0.0, np.zeros(0, np.int64), node, node
        s_nodes, s_cost, s_edge = self._ends(graph, metrics_row, sources, outgoing=True)
        t_nodes, t_cost, t_edge = self._ends(graph, metrics_row, targets, outgoing=False)
        if not len(s_nodes) or not len(t_nodes):
            return np.inf, np.zeros(0, np.int64), -1, -1
        cost, s, t, sub_edges = query.path_multi(s_nodes, s_cost, t_nodes, t_cost)
        if not np.isfinite(cost):
            return np.inf, np.zeros(0, np.int64), -1, -1
        i = int(np.flatnonzero(s_nodes == s)[np.argmin(s_cost[s_nodes == s])])
        j = int(np.flatnonzero(t_nodes == t)[np.argmin(t_cost[t_nodes == t])])
        edges = [self.edge_ids[sub_edges]]
        first, last = s, t
        if s_edge[i] >= 0:
            edges.insert(0, np.array([s_edge[i]]))
            first = int(np.searchsorted(graph.first_out, s_edge[i], side="right") - 1)
        if t_edge[j] >= 0:
            edges.append(np.array([t_edge[j]]))
            last = int(graph.head[t_edge[j]])
        return float(cost), np.concatenate(edges).astype(np.int64), first, last

    def _ends(self, graph, metrics_row, nodes, *, outgoing):
        out_nodes, out_cost, out_edge = [], [], []
        for x in np.asarray(nodes).tolist():
            if x < self.rail_count:
                out_nodes.append(x)
                out_cost.append(0.0)
                out_edge.append(-1)
                continue
            for e in range(int(graph.first_out[x]), int(graph.first_out[x + 1])):
                y = int(graph.head[e])
                if graph.edge_mode[e] != _TRANSFER or y >= self.rail_count:
                    continue
                if outgoing:
                    out_nodes.append(y)
                    out_cost.append(float(metrics_row[e]))
                    out_edge.append(e)
                else:  # the matching edge rail node → terminal
                    back = [
                        f
                        for f in range(int(graph.first_out[y]), int(graph.first_out[y + 1]))
                        if graph.head[f] == x and graph.edge_mode[f] == _TRANSFER
                    ]
                    if back:
                        out_nodes.append(y)
                        out_cost.append(float(metrics_row[back[0]]))
                        out_edge.append(back[0])
        return np.array(out_nodes, np.int64), np.array(out_cost), np.array(out_edge, np.int64)
