"""Healing of gaps in the OSM-derived layers.

Two kinds of synthetic link, each flagged so a route shows where it relied on one:

* a **bridge** joins two components whose closest nodes lie within ``max_gap_km``;
* a **dead-end link** joins a dead end to a node within ``max_gap_km`` that the network
  itself only reaches by a long detour (the 60 m gap near the LT–RU border that sends
  Minsk → Klaipėda through Kaliningrad is one).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import njit
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from corridor.network.geo import haversine_km, km_to_chord, to_unit_xyz

__all__ = ["HealResult", "heal_layer"]


@dataclass(frozen=True)
class HealResult:
    """Links added to one layer, and component counts before and after."""

    u: np.ndarray
    v: np.ndarray
    km: np.ndarray
    kind: np.ndarray  # "bridge" | "dead_end"
    components_before: int
    components_after: int
    giant_before: int
    giant_after: int


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(u), np.int8), (u, v)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=False)[1]


@njit(cache=True)
def _reaches_within(first_out, head, weight, source, target, limit_km):  # pragma: no cover - numba
    """True when ``target`` lies within ``limit_km`` of ``source`` along the network."""
    dist = {source: 0.0}
    heap = [(0.0, source)]
    while heap:
        d, x = heapq.heappop(heap)
        if x == target:
            return True
        if d > dist.get(x, np.inf):
            continue
        for e in range(first_out[x], first_out[x + 1]):
            y = head[e]
            nd = d + weight[e]
            if nd <= limit_km and nd < dist.get(y, np.inf):
                dist[y] = nd
                heapq.heappush(heap, (nd, y))
    return False


def heal_layer(
    lat: np.ndarray,
    lon: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    km: np.ndarray,
    *,
    max_gap_km: float = 2.0,
    detour_factor: float = 10.0,
    neighbours: int = 8,
) -> HealResult:
    """Find the synthetic links that close gaps of at most ``max_gap_km`` in one layer."""
    n = len(lat)
    labels = _components(n, u, v)
    sizes = np.bincount(labels)
    giant = int(np.argmax(sizes))
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    sources = np.flatnonzero((labels != giant) | (degree == 1))
    tree = cKDTree(to_unit_xyz(lat, lon))
    _, found = tree.query(
        to_unit_xyz(lat[sources], lon[sources]), k=neighbours + 1, distance_upper_bound=km_to_chord(max_gap_km)
    )
    rows = np.repeat(sources, neighbours + 1)
    cols = found.ravel()
    ok = (cols < n) & (cols != rows)
    rows, cols = rows[ok], cols[ok]
    gap = haversine_km(lat[rows], lon[rows], lat[cols], lon[cols])
    order = np.argsort(gap, kind="stable")
    rows, cols, gap = rows[order], cols[order], gap[order]

    # adjacency for detour checks
    both_u = np.concatenate([u, v])
    both_v = np.concatenate([v, u])
    both_w = np.concatenate([km, km])
    sort = np.argsort(both_u, kind="stable")
    first_out = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(both_u, minlength=n), out=first_out[1:])
    head, weight = both_v[sort], both_w[sort]

    parent = np.arange(sizes.size)

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    out_u: list[int] = []
    out_v: list[int] = []
    out_km: list[float] = []
    out_kind: list[str] = []
    linked_dead_end: set[int] = set()
    for a, b, g in zip(rows.tolist(), cols.tolist(), gap.tolist(), strict=True):
        ca, cb = find(labels[a]), find(labels[b])
        if ca != cb:
            parent[ca] = cb
            kind = "bridge"
        elif degree[a] != 1 or a in linked_dead_end:
            continue
        elif labels[a] != labels[b]:
            # two OSM components already joined by a bridge elsewhere: a dead end this close to the other one is a
            # second gap (the Zhetygen end of the Altynkol line, once Alashankou–Dostyk joined the networks)
            kind = "bridge"
        elif _reaches_within(first_out, head, weight, a, b, max(detour_factor * g, 10.0)):
            continue
        else:
            kind = "dead_end"
        linked_dead_end.update(x for x in (a, b) if degree[x] == 1)
        out_u.append(a)
        out_v.append(b)
        out_km.append(max(g, 0.001))
        out_kind.append(kind)
    new_u = np.concatenate([u, np.array(out_u, np.int64)])
    new_v = np.concatenate([v, np.array(out_v, np.int64)])
    after = np.bincount(_components(n, new_u, new_v))
    return HealResult(
        np.array(out_u, np.int64),
        np.array(out_v, np.int64),
        np.array(out_km, float),
        np.array(out_kind, dtype=object),
        int(sizes.size),
        int(after.size),
        int(sizes.max()),
        int(after.max()),
    )
