"""Landmark distances for A* lower bounds (ALT).

Distances are taken on the graph with every edge made usable both ways at its own
weight. That graph's distances never exceed the real ones, so for any landmark L,
``|d(L, t) - d(L, v)|`` is a lower bound on the cost from v to t, consistent on every edge,
for every metric and under every avoid or mode restriction. A non-negative combination
of per-metric bounds bounds any generalised cost.

A network whose figures changed (a scenario's) need not search again: distances on a graph whose
edges only got dearer still bound the new costs, so :func:`update_landmarks` keeps them and, for the
edges that got cheaper, lets the decrease spread from the old distances (exact distances on the
graph of each edge's smaller weight, which never exceeds the new one).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from corridor.graphs.csr import csr_order
from corridor.graphs.heap import lazy_push
from corridor.routing.search import METRICS, dijkstra_all, settle

__all__ = ["both_ways_layout", "compute_landmarks", "update_landmarks"]


def _both_ways(
    first_out: np.ndarray, head: np.ndarray, tail: np.ndarray, metrics: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The graph with every edge usable both ways, once per metric: (offsets, head, weight) CSR triples that
    share one layout (sorted once, not once per metric)."""
    offsets, v, order = both_ways_layout(first_out, head, tail)
    return [(offsets, v, np.concatenate([weight, weight])[order]) for weight in metrics]


def both_ways_layout(
    first_out: np.ndarray, head: np.ndarray, tail: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets, head, order) of the graph with every edge usable both ways: slot ``j`` holds directed edge
    ``order[j] % E`` (forwards when ``order[j] < E``), so ``np.concatenate([w, w])[order]`` are its weights."""
    n = len(first_out) - 1
    u = np.concatenate([tail, head]).astype(np.int64)
    v = np.concatenate([head, tail]).astype(np.int64)
    offsets, order = csr_order(u, n)
    return offsets, v[order], order


def compute_landmarks(
    first_out: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    metrics: np.ndarray,
    usable: np.ndarray,
    *,
    count: int = 8,
    candidates: np.ndarray | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pick ``count`` landmarks spread over the usable nodes; return (nodes, float32[n, 4, L]).

    The table is node-major, so the bounds of one node sit in two cache lines: the search
    reads them for every node it reaches.

    Landmarks are chosen farthest-first by km among ``candidates`` (default: every usable
    node), so they sit at the edges of the region, where they bound long trips best. Passing
    the data pack's terminals keeps them at the ends of the corridors people ask about, rather
    than at the ends of the world network.
    """
    say = progress or (lambda _f: None)
    n = len(first_out) - 1
    graphs = _both_ways(first_out, head, tail, metrics[: len(METRICS)])
    km_index = METRICS.index("km")
    pool = np.zeros(n, bool)
    pool[np.flatnonzero(usable) if candidates is None else np.asarray(candidates)] = True
    pool &= usable
    members = np.flatnonzero(pool)
    start = int(members[len(members) // 2])
    from_start = dijkstra_all(*graphs[km_index], start)
    landmarks: list[int] = []
    nearest = np.where(pool, from_start, -np.inf)
    table = np.empty((n, len(METRICS), count), np.float32)
    steps = count * len(METRICS)
    # the searches release the GIL: a landmark's four metrics run side by side where there are cores to spare
    with ThreadPoolExecutor(max_workers=max(1, min(len(METRICS), os.cpu_count() or 1))) as pool_of_threads:
        for i in range(count):
            nearest_finite = np.where(np.isfinite(nearest), nearest, -np.inf)
            landmark = int(np.argmax(nearest_finite))
            landmarks.append(landmark)
            searches = [pool_of_threads.submit(dijkstra_all, *graphs[k], landmark) for k in range(len(METRICS))]
            for k, search in enumerate(searches):
                dist = search.result()
                table[:, k, i] = dist
                if k == km_index:
                    nearest = np.minimum(nearest, np.where(pool, dist, -np.inf))
                say((i * len(METRICS) + k + 1) / steps)
    return np.array(landmarks, np.int32), table


@njit(cache=True, nogil=True)
def _spread_decreases(offsets, head, weight, dist, seeds):  # pragma: no cover - numba
    """Exact distances after some edges got cheaper: ``dist`` (exact before, changed in place) improves from the
    tails of the ``seeds`` slots outwards, as in Dijkstra, touching only the nodes whose distance falls."""
    keys = np.empty(len(head) + len(seeds) + 1)
    items = np.empty(len(head) + len(seeds) + 1, np.int64)
    size = 0
    for j in range(len(seeds)):
        slot = seeds[j]
        x = np.searchsorted(offsets, slot, side="right") - 1
        y = head[slot]
        nd = dist[x] + weight[slot]
        if nd < dist[y]:
            dist[y] = nd
            size = lazy_push(keys, items, size, nd, y)
    return settle(offsets, head, weight, dist, keys, items, size)


def update_landmarks(
    layout: tuple[np.ndarray, np.ndarray, np.ndarray],
    old_metrics: np.ndarray,
    new_metrics: np.ndarray,
    table: np.ndarray,
) -> np.ndarray:
    """Landmark bounds for ``new_metrics`` from the ``table`` computed for ``old_metrics`` on the same graph
    (``layout``: :func:`both_ways_layout`); ``table`` is not changed (and is returned itself when no edge got
    cheaper).

    A metric no edge of which got cheaper keeps its columns (old distances bound dearer costs); otherwise each
    landmark's distances are brought down to the exact distances on the graph of ``min(old, new)`` per edge.
    Either way the bounds are admissible and consistent for the new costs, so the searches stay exact.
    """
    offsets, head, order = layout
    out = table
    for k in range(min(len(METRICS), table.shape[1])):
        cheaper = new_metrics[k] < old_metrics[k]
        if not cheaper.any():
            continue
        if out is table:
            out = table.copy()
        weight = np.minimum(old_metrics[k], new_metrics[k]).astype(float)
        slot_weight = np.concatenate([weight, weight])[order]
        seeds = np.flatnonzero(np.concatenate([cheaper, cheaper])[order])
        for i in range(table.shape[2]):
            dist = _spread_decreases(offsets, head, slot_weight, table[:, k, i].astype(float), seeds)
            out[:, k, i] = dist
    return out
