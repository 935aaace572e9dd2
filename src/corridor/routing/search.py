"""Shortest paths on the CSR graph: A* with landmark bounds (ALT), compiled with numba.

The edge weight is a linear combination of the per-edge metrics (hours, USD per TEU,
kg CO2e per TEU, km), so any objective — time, cost, CO2, distance or a generalised cost
with a chosen value of time and carbon price — is searched without building a weight
array. Constraints enter as masks: allowed nodes (avoided countries), allowed modes and
blocked edges. Landmark bounds stay valid under all of them, since removing edges never
shortens a path, so answers are exact: they equal a plain Dijkstra on the same weights.
An optional factor per edge (at least 1) scales the weights up, as the penalty method of
alternative routes does; the bounds stay valid since no edge gets cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from corridor.graphs.heap import lazy_pop, lazy_push

__all__ = [
    "METRICS",
    "SearchBuffers",
    "SearchResult",
    "bounded_tree",
    "dijkstra_all",
    "settle",
    "shortest_path",
    "unwind",
]

#: Order of the metric axis in coefficient vectors and landmark tables.
METRICS = ("hours", "usd", "co2", "km")


@dataclass(frozen=True)
class SearchResult:
    """Cost of the best path (inf when none), its edges in order, and its end nodes."""

    cost: float
    edges: np.ndarray
    source: int
    target: int
    settled: int


@njit(cache=True, nogil=True)
def _potential(v, lm, coef, target_lm):  # pragma: no cover - numba
    """Lower bound on the cost from ``v`` to the nearest target, from landmark distances."""
    best = np.inf
    n_targets, n_metrics, n_landmarks = target_lm.shape
    for j in range(n_targets):
        total = 0.0
        for k in range(n_metrics):
            if coef[k] == 0.0:
                continue
            bound = 0.0
            for l in range(n_landmarks):  # noqa: E741
                a = target_lm[j, k, l]
                b = lm[v, k, l]
                if np.isfinite(a) and np.isfinite(b):
                    diff = abs(a - b)
                    if diff > bound:
                        bound = diff
            total += coef[k] * bound
        if total < best:
            best = total
    return best if np.isfinite(best) else 0.0


@njit(cache=True, nogil=True)
def _astar(
    first_out,
    head,
    metrics,
    mode,
    coef,
    mode_ok,
    node_ok,
    edge_blocked,
    sources,
    source_cost,
    targets,
    target_cost,
    lm,
    target_lm,
    dist,
    parent,
    stamp,
    stamp_value,
    closed,
    potential,
    factor,
):  # pragma: no cover - numba
    n_edges = len(head)
    scaled = len(factor) > 0
    keys = np.empty(n_edges + len(sources) + 1)
    items = np.empty(n_edges + len(sources) + 1, np.int64)
    size = 0
    use_lm = target_lm.shape[2] > 0 and target_lm.shape[0] > 0
    n_targets = len(targets)  # few (a place's nodes): a scan beats a hash lookup per settled node
    for i in range(len(sources)):
        s = sources[i]
        if not node_ok[s]:
            continue
        if stamp[s] != stamp_value or source_cost[i] < dist[s]:
            if stamp[s] != stamp_value:
                potential[s] = _potential(s, lm, coef, target_lm) if use_lm else 0.0
            stamp[s] = stamp_value
            closed[s] = False
            dist[s] = source_cost[i]
            parent[s] = -1
            size = lazy_push(keys, items, size, dist[s] + potential[s], s)
    best = np.inf
    best_target = -1
    settled = 0
    while size > 0:
        key, x, size = lazy_pop(keys, items, size)
        if key >= best:
            break
        if closed[x]:
            continue
        closed[x] = True
        settled += 1
        dx = dist[x]
        for j in range(n_targets):
            if targets[j] == x and dx + target_cost[j] < best:
                best = dx + target_cost[j]
                best_target = x
        for e in range(first_out[x], first_out[x + 1]):
            if edge_blocked[e] or not mode_ok[mode[e]]:
                continue
            y = head[e]
            if not node_ok[y]:
                continue
            w = 0.0  # only the metrics the objective weighs are read: a fixed objective reads one row, not four
            for k in range(4):
                if coef[k] != 0.0:
                    w += coef[k] * metrics[k, e]
            if scaled:
                w *= factor[e]
            nd = dx + w
            if stamp[y] != stamp_value:  # first reached in this query: its bound is computed once
                stamp[y] = stamp_value
                closed[y] = False
                dist[y] = np.inf
                potential[y] = _potential(y, lm, coef, target_lm) if use_lm else 0.0
            if nd < dist[y]:
                dist[y] = nd
                parent[y] = e
                size = lazy_push(keys, items, size, nd + potential[y], y)
    return best, best_target, settled


@njit(cache=True, nogil=True)
def unwind(parent, head, first_out_tail, target):  # pragma: no cover - numba
    count = 0
    x = target
    while parent[x] >= 0:
        count += 1
        x = first_out_tail[parent[x]]
    out = np.empty(count, np.int64)
    x = target
    for i in range(count - 1, -1, -1):
        out[i] = parent[x]
        x = first_out_tail[parent[x]]
    return out, x


class SearchBuffers:
    """Per-thread scratch arrays, reused across queries (a stamp marks what is current)."""

    def __init__(self, node_count: int) -> None:
        self.dist = np.full(node_count, np.inf)
        self.parent = np.full(node_count, -1, np.int64)
        self.stamp = np.zeros(node_count, np.int64)
        self.closed = np.zeros(node_count, np.bool_)
        self.potential = np.zeros(node_count)
        self.clock = np.zeros(node_count)  # the time-dependent search's hours on arrival
        self.stamp_value = 0

    def next_stamp(self) -> int:
        self.stamp_value += 1
        return self.stamp_value


_NO_LANDMARKS = np.zeros((1, 4, 0), np.float32)
_NO_TARGET_LM = np.zeros((0, 4, 0), np.float32)
_NO_FACTOR = np.zeros(0)


def shortest_path(
    first_out: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    metrics: np.ndarray,
    mode: np.ndarray,
    coef: np.ndarray,
    *,
    sources: np.ndarray,
    targets: np.ndarray,
    source_cost: np.ndarray | None = None,
    target_cost: np.ndarray | None = None,
    mode_ok: np.ndarray,
    node_ok: np.ndarray,
    edge_blocked: np.ndarray,
    landmark_dist: np.ndarray | None = None,
    buffers: SearchBuffers,
    edge_factor: np.ndarray | None = None,
) -> SearchResult:
    """Best path from any source to any target under ``coef · metrics`` edge weights.

    ``metrics`` is float64[4, m] in ``METRICS`` order; ``coef`` float64[4] (non-negative).
    ``landmark_dist`` float32[n, 4, L] gives A* bounds; None searches as plain Dijkstra.
    ``edge_factor`` float64[m], each at least 1, multiplies each edge's weight (None: 1 everywhere).
    """
    sources = np.asarray(sources, np.int64)
    targets = np.asarray(targets, np.int64)
    source_cost = np.zeros(len(sources)) if source_cost is None else np.asarray(source_cost, float)
    target_cost = np.zeros(len(targets)) if target_cost is None else np.asarray(target_cost, float)
    if landmark_dist is None or landmark_dist.shape[2] == 0:
        lm, target_lm = _NO_LANDMARKS, _NO_TARGET_LM
    else:
        lm = landmark_dist
        target_lm = np.ascontiguousarray(landmark_dist[targets])
    stamp = buffers.next_stamp()
    cost, target, settled = _astar(
        first_out,
        head,
        metrics,
        mode,
        np.asarray(coef, float),
        mode_ok,
        node_ok,
        edge_blocked,
        sources,
        source_cost,
        targets,
        target_cost,
        lm,
        target_lm,
        buffers.dist,
        buffers.parent,
        buffers.stamp,
        stamp,
        buffers.closed,
        buffers.potential,
        _NO_FACTOR if edge_factor is None else edge_factor,
    )
    if target < 0:
        return SearchResult(np.inf, np.zeros(0, np.int64), -1, -1, settled)
    edges, source = unwind(buffers.parent, head, tail, target)
    return SearchResult(float(cost), edges, int(source), int(target), settled)


@njit(cache=True, nogil=True)
def settle(first_out, head, weight, dist, keys, items, size):  # pragma: no cover - numba
    """Dijkstra from the ``size`` entries already in the lazy heap (``keys``, ``items``) until it is empty,
    lowering ``dist`` in place; returns ``dist``."""
    while size > 0:
        d, x, size = lazy_pop(keys, items, size)
        if d > dist[x]:
            continue
        for e in range(first_out[x], first_out[x + 1]):
            y = head[e]
            nd = d + weight[e]
            if nd < dist[y]:
                dist[y] = nd
                size = lazy_push(keys, items, size, nd, y)
    return dist


@njit(cache=True, nogil=True)
def _dijkstra_all(first_out, head, weight, source):  # pragma: no cover - numba
    n = len(first_out) - 1
    dist = np.full(n, np.inf)
    keys = np.empty(len(head) + 1)
    items = np.empty(len(head) + 1, np.int64)
    dist[source] = 0.0
    size = lazy_push(keys, items, 0, 0.0, source)
    return settle(first_out, head, weight, dist, keys, items, size)


def dijkstra_all(first_out: np.ndarray, head: np.ndarray, weight: np.ndarray, source: int) -> np.ndarray:
    """Distances from ``source`` to every node (inf where unreachable)."""
    return _dijkstra_all(first_out, head, np.asarray(weight, float), int(source))


@njit(cache=True, nogil=True)
def _bounded_tree(
    first_out, head, metrics, mode, coef, mode_ok, node_ok, edge_blocked, sources, source_cost, limit
):  # pragma: no cover - numba
    n = len(first_out) - 1
    dist = np.full(n, np.inf)
    parent = np.full(n, -1, np.int64)
    keys = np.empty(len(head) + len(sources) + 1)
    items = np.empty(len(head) + len(sources) + 1, np.int64)
    size = 0
    for i in range(len(sources)):
        s = sources[i]
        if node_ok[s] and source_cost[i] <= limit and source_cost[i] < dist[s]:  # a source beyond: not reached
            dist[s] = source_cost[i]
            size = lazy_push(keys, items, size, source_cost[i], s)
    while size > 0:
        d, x, size = lazy_pop(keys, items, size)
        if d > dist[x]:
            continue
        for e in range(first_out[x], first_out[x + 1]):
            if edge_blocked[e] or not mode_ok[mode[e]]:
                continue
            y = head[e]
            if not node_ok[y]:
                continue
            w = coef[0] * metrics[0, e] + coef[1] * metrics[1, e] + coef[2] * metrics[2, e] + coef[3] * metrics[3, e]
            nd = d + w
            if nd < dist[y] and nd <= limit:
                dist[y] = nd
                parent[y] = e
                size = lazy_push(keys, items, size, nd, y)
    return dist, parent


def bounded_tree(
    first_out: np.ndarray,
    head: np.ndarray,
    metrics: np.ndarray,
    mode: np.ndarray,
    coef: np.ndarray,
    *,
    sources: np.ndarray,
    source_cost: np.ndarray,
    mode_ok: np.ndarray,
    node_ok: np.ndarray,
    edge_blocked: np.ndarray,
    limit: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Cost from the sources to every node within ``limit`` (inf beyond), and each node's parent edge.

    A source whose own cost already exceeds ``limit`` (a gateway farther than the budget) is not reached.

    The same weights and masks as ``shortest_path``; for reach maps and isochrones.
    """
    return _bounded_tree(
        first_out,
        head,
        metrics,
        mode,
        np.asarray(coef, float),
        mode_ok,
        node_ok,
        edge_blocked,
        np.asarray(sources, np.int64),
        np.asarray(source_cost, float),
        float(limit),
    )
