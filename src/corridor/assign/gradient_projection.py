"""Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha, 1994).

Each OD pair of each class keeps the paths it uses with their flows. An iteration visits the
origins in turn: a shortest-path tree at the current costs adds any new best path (column
generation), then every OD pair moves flow from its costlier paths to its cheapest one by a
Newton step, ``Δ = (c_p − c_best) / Σ (link cost slopes on links of one path but not both)``,
capped at the path's flow. Link times are updated after every move (Gauss–Seidel), and a few
cheaper passes over the known paths (no shortest paths) follow each iteration. Volumes are
rebuilt from path flows at the end of each iteration, so rounding never accumulates.

Paths live in one pool: ``links`` holds every path's link ids back to back, and per path its
``start``, ``length``, ``flow`` and ``next`` (the next path of the same OD pair, -1 at the end);
``od_head`` gives each OD pair's first path. Emptied paths are unlinked; ``compact`` drops
them once they are many, and ``grow`` makes room when the pool is full.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from corridor.assign.links import class_cost, class_slope, link_terms
from corridor.assign.problem import LinkState, Net, Scratch, Trips
from corridor.assign.shortest import group_shortest_cost, group_tree

__all__ = [
    "PathPool",
    "compact",
    "export_paths",
    "grow",
    "new_pool",
    "restricted_pass",
    "settle",
    "sweep",
]


class PathPool(NamedTuple):
    links: np.ndarray  # int64 link ids of all paths, back to back
    start: np.ndarray  # int64 per path
    length: np.ndarray  # int64 per path
    flow: np.ndarray  # per path
    next: np.ndarray  # int64 per path: next path of the same OD pair, -1 at the end
    od: np.ndarray  # int64 per path: its OD pair
    od_head: np.ndarray  # int64 per OD pair: first path, -1 when none
    counts: np.ndarray  # int64 [path slots used, link slots used, link slots of live paths, live paths, last stamp]
    marks: np.ndarray  # int64 (2, links): stamps telling which links a path uses


#: Compact the pool only past these sizes (path slots, link slots).
COMPACT_FROM = (1024, 4096)


def new_pool(n_od: int, n_links: int, *, paths: int | None = None, slots: int | None = None) -> PathPool:
    """An empty pool with room for ``paths`` paths and ``slots`` path links (grown when needed)."""
    paths = max(2 * n_od, 16) if paths is None else paths
    slots = max(8 * paths, 64) if slots is None else slots
    return PathPool(
        links=np.zeros(slots, np.int64),
        start=np.zeros(paths, np.int64),
        length=np.zeros(paths, np.int64),
        flow=np.zeros(paths),
        next=np.full(paths, -1, np.int64),
        od=np.full(paths, -1, np.int64),
        od_head=np.full(n_od, -1, np.int64),
        counts=np.zeros(5, np.int64),
        marks=np.zeros((2, n_links), np.int64),
    )


@njit(cache=True)
def _move(net, state, a, amount, weight):  # pragma: no cover - numba
    state.volume[a] += amount
    state.weighted_volume[a] += weight * amount
    state.time[a], state.slope[a], state.curvature[a] = link_terms(
        net.kind[a], net.free_flow_time[a], net.capacity[a], net.alpha[a], net.beta[a], state.volume[a]
    )


@njit(cache=True, inline="always")
def _path_cost(pool, p, method, weight, fixed, state):  # pragma: no cover - numba
    total = 0.0
    for i in range(pool.start[p], pool.start[p] + pool.length[p]):
        a = pool.links[i]
        total += class_cost(method, weight, fixed[a], state.time[a], state.slope[a], state.weighted_volume[a])
    return total


@njit(cache=True)
def _equilibrate(net, trips, state, pool, od, k):  # pragma: no cover - numba
    """Move flow of OD pair ``od`` (class ``k``) from its costlier paths to its cheapest one."""
    method, weight, fixed = trips.method, trips.weight[k], trips.class_fixed[k]
    best, best_cost = -1, np.inf
    p = pool.od_head[od]
    while p >= 0:
        c = _path_cost(pool, p, method, weight, fixed, state)
        if c < best_cost:
            best, best_cost = p, c
        p = pool.next[p]
    if best < 0 or pool.next[pool.od_head[od]] < 0:
        return
    mark_best, mark_other = pool.marks[0], pool.marks[1]
    b0, b1 = pool.start[best], pool.start[best] + pool.length[best]
    p = pool.od_head[od]
    while p >= 0:
        flow = pool.flow[p]
        if p == best or flow <= 0.0:
            p = pool.next[p]
            continue
        diff = _path_cost(pool, p, method, weight, fixed, state) - best_cost
        if diff <= 0.0:
            p = pool.next[p]
            continue
        pool.counts[4] += 1
        stamp = pool.counts[4]
        p0, p1 = pool.start[p], pool.start[p] + pool.length[p]
        for i in range(b0, b1):
            mark_best[pool.links[i]] = stamp
        for i in range(p0, p1):
            mark_other[pool.links[i]] = stamp
        denominator = 0.0
        for i in range(p0, p1):
            a = pool.links[i]
            if mark_best[a] != stamp:
                denominator += class_slope(method, weight, state.slope[a], state.curvature[a], state.weighted_volume[a])
        for i in range(b0, b1):
            a = pool.links[i]
            if mark_other[a] != stamp:
                denominator += class_slope(method, weight, state.slope[a], state.curvature[a], state.weighted_volume[a])
        shift = diff / denominator if denominator > 0.0 else flow
        if shift >= flow:
            shift = flow
        for i in range(p0, p1):
            a = pool.links[i]
            if mark_best[a] != stamp:
                _move(net, state, a, -shift, trips.weight[k])
        for i in range(b0, b1):
            a = pool.links[i]
            if mark_other[a] != stamp:
                _move(net, state, a, shift, trips.weight[k])
        pool.flow[p] = flow - shift if shift < flow else 0.0
        pool.flow[best] += shift
        best_cost = _path_cost(pool, best, method, weight, fixed, state)
        p = pool.next[p]
    # unlink emptied paths (the best one stays, even at zero flow)
    prev = -1
    p = pool.od_head[od]
    while p >= 0:
        following = pool.next[p]
        if p != best and pool.flow[p] <= 0.0:
            if prev < 0:
                pool.od_head[od] = following
            else:
                pool.next[prev] = following
            pool.counts[2] -= pool.length[p]
            pool.counts[3] -= 1
            pool.next[p] = -1
        else:
            prev = p
        p = following


@njit(cache=True)
def sweep(
    net: Net, trips: Trips, state: LinkState, scratch: Scratch, pool: PathPool, first_od: int
):  # pragma: no cover
    """One iteration from OD pair ``first_od`` on: per (class, origin) a shortest-path tree, new
    best paths, then the moves. Returns -1 when done, -2 when a destination became unreachable
    (infinite costs), or the OD pair at which the pool ran out of room (grow it with ``grow``
    and call again from there).

    Before the first sweep every OD pair is empty: its first path takes all its demand at once
    (an incremental loading)."""
    links, start, length, flow, nxt, counts = pool.links, pool.start, pool.length, pool.flow, pool.next, pool.counts
    buffer = scratch.path
    for g in range(len(trips.group_class)):
        if trips.group_first[g + 1] <= first_od:
            continue
        k, origin = trips.group_class[g], trips.group_origin[g]
        group_tree(net, trips, state, scratch, g)
        for od in range(max(trips.group_first[g], first_od), trips.group_first[g + 1]):
            n, x = 0, trips.dest[od]
            while x != origin:
                a = scratch.pred_link[x]
                if a < 0:  # unreachable: costs overflowed (reachability is checked before the first sweep)
                    return -2
                buffer[n] = a
                n += 1
                x = net.tail[a]
            for i in range(n // 2):  # loops, not slices: they compile much faster in numba
                buffer[i], buffer[n - 1 - i] = buffer[n - 1 - i], buffer[i]
            found = False
            p = pool.od_head[od]
            while p >= 0 and not found:
                if length[p] == n:
                    found = True
                    for i in range(n):
                        if links[start[p] + i] != buffer[i]:
                            found = False
                            break
                p = nxt[p]
            if not found:
                p, used = counts[0], counts[1]
                if p >= len(start) or used + n > len(links):
                    return od
                first = pool.od_head[od] < 0
                amount = trips.demand[od] if first else 0.0
                for i in range(n):
                    links[used + i] = buffer[i]
                start[p], length[p], flow[p] = used, n, amount
                nxt[p] = pool.od_head[od]
                pool.od[p] = od
                pool.od_head[od] = p
                counts[0], counts[1], counts[2], counts[3] = p + 1, used + n, counts[2] + n, counts[3] + 1
                if first:
                    for i in range(n):
                        _move(net, state, buffer[i], amount, trips.weight[k])
            _equilibrate(net, trips, state, pool, od, k)
    return -1


def grow(pool: PathPool) -> PathPool:
    """The same pool with room for twice as many paths and path links."""
    paths, slots = 2 * len(pool.start) + 1, 2 * len(pool.links) + len(pool.marks[0]) + 1
    return pool._replace(
        links=_grown(pool.links, slots),
        start=_grown(pool.start, paths),
        length=_grown(pool.length, paths),
        flow=_grown(pool.flow, paths),
        next=_grown(pool.next, paths, -1),
        od=_grown(pool.od, paths, -1),
    )


@njit(cache=True)
def restricted_pass(net: Net, trips: Trips, state: LinkState, pool: PathPool):  # pragma: no cover - numba
    """Moves between the paths already known, without shortest paths."""
    for g in range(len(trips.group_class)):
        k = trips.group_class[g]
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            _equilibrate(net, trips, state, pool, od, k)


@njit(cache=True)
def _rebuild_volumes(net, trips, state, pool):  # pragma: no cover - numba
    """Volumes (and weighted volumes) summed afresh from the path flows; times refreshed."""
    for a in range(len(state.volume)):
        state.volume[a] = 0.0
        state.weighted_volume[a] = 0.0
    for g in range(len(trips.group_class)):
        w = trips.weight[trips.group_class[g]]
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            p = pool.od_head[od]
            while p >= 0:
                f = pool.flow[p]
                for i in range(pool.start[p], pool.start[p] + pool.length[p]):
                    a = pool.links[i]
                    state.volume[a] += f
                    state.weighted_volume[a] += w * f
                p = pool.next[p]
    for a in range(len(state.volume)):
        state.time[a], state.slope[a], state.curvature[a] = link_terms(
            net.kind[a], net.free_flow_time[a], net.capacity[a], net.alpha[a], net.beta[a], state.volume[a]
        )


@njit(cache=True)
def settle(net: Net, trips: Trips, state: LinkState, scratch: Scratch, pool: PathPool):  # pragma: no cover
    """End of an iteration: volumes rebuilt from the path flows, then the relative gap
    ``(TSTT − SPTT) / TSTT`` in generalised cost."""
    _rebuild_volumes(net, trips, state, pool)
    total, shortest = 0.0, 0.0
    for g in range(len(trips.group_class)):
        k = trips.group_class[g]
        scale, weight, fixed = trips.gap_scale[k], trips.weight[k], trips.class_fixed[k]
        shortest += group_shortest_cost(net, trips, state, scratch, g)
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            p = pool.od_head[od]
            while p >= 0:
                total += scale * pool.flow[p] * _path_cost(pool, p, trips.method, weight, fixed, state)
                p = pool.next[p]
    if total <= 0.0:
        return 0.0
    return max(total - shortest, 0.0) / total


@njit(cache=True)
def _compact(links, start, length, flow, nxt, od_head, counts):  # pragma: no cover - numba
    """Live paths copied to the front of fresh arrays (with as much room again), renumbered."""
    new_links = np.zeros(max(2 * counts[2], 64), np.int64)
    size = max(2 * counts[3], 16)
    new_start, new_length = np.zeros(size, np.int64), np.zeros(size, np.int64)
    new_flow, new_next, new_od = np.zeros(size), np.full(size, -1, np.int64), np.full(size, -1, np.int64)
    q, used = 0, 0
    for od in range(len(od_head)):
        p, prev = od_head[od], -1
        while p >= 0:
            n = length[p]
            for i in range(n):
                new_links[used + i] = links[start[p] + i]
            new_start[q], new_length[q], new_flow[q], new_od[q] = used, n, flow[p], od
            if prev < 0:
                od_head[od] = q
            else:
                new_next[prev] = q
            prev, q, used = q, q + 1, used + n
            p = nxt[p]
    counts[0], counts[1] = q, used
    return new_links, new_start, new_length, new_flow, new_next, new_od


def export_paths(pool: PathPool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Paths with flow, OD pair by OD pair: (OD index, flow, link offsets, link ids).

    Unlinked paths have zero flow, so the paths with flow are exactly the live ones that carry
    some."""
    used = int(pool.counts[0])
    live = np.flatnonzero(pool.flow[:used] > 0.0)
    live = live[np.argsort(pool.od[live], kind="stable")]
    lengths = pool.length[live]
    first = np.zeros(len(live) + 1, np.int64)
    np.cumsum(lengths, out=first[1:])
    slots = np.repeat(pool.start[live] - first[:-1], lengths) + np.arange(first[-1])
    return pool.od[live], pool.flow[live].copy(), first, pool.links[slots]


def compact(pool: PathPool) -> PathPool:
    """Drop unlinked paths once they hold more than half of the path or link slots in use."""
    paths, slots, live_slots, live_paths = (int(x) for x in pool.counts[:4])
    min_paths, min_slots = COMPACT_FROM
    if not ((slots >= min_slots and 2 * live_slots < slots) or (paths >= min_paths and 2 * live_paths < paths)):
        return pool
    arrays = _compact(pool.links, pool.start, pool.length, pool.flow, pool.next, pool.od_head, pool.counts)
    return pool._replace(
        links=arrays[0], start=arrays[1], length=arrays[2], flow=arrays[3], next=arrays[4], od=arrays[5]
    )


def _grown(array: np.ndarray, size: int, fill: int = 0) -> np.ndarray:
    out = np.full(max(size, len(array)), fill, array.dtype)
    out[: len(array)] = array
    return out
