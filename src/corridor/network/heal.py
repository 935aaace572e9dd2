"""Healing of gaps in the OSM-derived layers.

Two kinds of synthetic link, each flagged so a route shows where it relied on one:

* a **bridge** joins two components whose closest nodes lie within ``max_gap_km``;
* a **dead-end link** joins a dead end to a node within ``max_gap_km`` that the network
  itself only reaches by a long detour (the 60 m gap near the LT–RU border that sends
  Minsk → Klaipėda through Kaliningrad is one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.spatial import cKDTree

from corridor.graphs.components import component_labels
from corridor.graphs.csr import csr_order
from corridor.graphs.heap import lazy_pop, lazy_push
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


@njit(cache=True)
def _reaches_within(
    first_out, head, weight, source, target, limit_km, dist, stamp, run, keys, items
):  # pragma: no cover - numba
    """True when ``target`` lies within ``limit_km`` of ``source`` along the network.

    ``dist[x]`` is current only where ``stamp[x] == run`` (a fresh ``run`` per call, so the scratch
    arrays are never cleared); ``keys``/``items`` are heap buffers of at least len(head) + 1.
    """
    stamp[source], dist[source] = run, 0.0
    size = lazy_push(keys, items, 0, 0.0, source)
    while size > 0:
        d, x, size = lazy_pop(keys, items, size)
        if x == target:
            return True
        if d > dist[x]:
            continue
        for e in range(first_out[x], first_out[x + 1]):
            y = head[e]
            nd = d + weight[e]
            if nd <= limit_km and nd < (dist[y] if stamp[y] == run else np.inf):
                stamp[y], dist[y] = run, nd
                size = lazy_push(keys, items, size, nd, y)
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
    labels = component_labels(n, u, v)[1]
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
    first_out, sort = csr_order(both_u, n)
    head, weight = both_v[sort], both_w[sort]
    # scratch for the detour searches: distances stamped with the candidate's number, heap buffers of one push per edge
    dist, stamp = np.empty(n), np.zeros(n, np.int64)
    keys, items = np.empty(len(head) + 1), np.empty(len(head) + 1, np.int64)

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
    for run, (a, b, g) in enumerate(zip(rows.tolist(), cols.tolist(), gap.tolist(), strict=True), start=1):
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
        elif _reaches_within(
            first_out, head, weight, a, b, max(detour_factor * g, 10.0), dist, stamp, run, keys, items
        ):
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
    after = np.bincount(component_labels(n, new_u, new_v)[1])
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
