"""Landmark distances for A* lower bounds (ALT).

Distances are taken on the graph with every edge made usable both ways at its own
weight. That graph's distances never exceed the real ones, so for any landmark L,
``|d(L, t) - d(L, v)|`` is a lower bound on the cost from v to t, consistent on every edge,
for every metric and under every avoid or mode restriction. A non-negative combination
of per-metric bounds bounds any generalised cost.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from corridor.graphs.csr import csr_order
from corridor.routing.search import METRICS, dijkstra_all

__all__ = ["compute_landmarks"]


def _both_ways(
    first_out: np.ndarray, head: np.ndarray, tail: np.ndarray, metrics: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The graph with every edge usable both ways, once per metric: (offsets, head, weight) CSR triples that
    share one layout (sorted once, not once per metric)."""
    n = len(first_out) - 1
    u = np.concatenate([tail, head]).astype(np.int64)
    v = np.concatenate([head, tail]).astype(np.int64)
    offsets, order = csr_order(u, n)
    v = v[order]
    return [(offsets, v, np.concatenate([weight, weight])[order]) for weight in metrics]


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
