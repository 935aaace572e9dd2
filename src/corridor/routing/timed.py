"""Searching with a departure time: boarding a timetabled service waits for its next departure.

A boarding edge of a service with a weekly timetable costs its container move and then the wait until the
next departure after the container is ready, instead of the expected wait the static network holds. The clock
is kept per node (hours since 00:00 UTC of the departure week's Monday). Waiting is allowed and every edge is
first-in-first-out (leaving later never arrives earlier), so for the time objective the search is exact: a
plain Dijkstra on arrival time (no landmark bounds: an actual wait can be shorter than the expected one they
were computed with). For an objective that weighs time with other figures, the wait is charged at the
objective's weight on hours along the best path found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from corridor.graphs.heap import lazy_pop, lazy_push
from corridor.routing.search import SearchBuffers, SearchResult, unwind

__all__ = ["TimedEdges", "timed_path"]

_WEEK_HOURS = 168.0


@dataclass(frozen=True)
class TimedEdges:
    """The boarding edges that wait on a timetable: ``ptr`` (edge_count + 1, CSR) into ``departures_hours``
    (weekly offsets from Monday 00:00 UTC, sorted per edge) and ``expected_wait_hours`` (per edge: the wait the
    static network charges, replaced by the actual one)."""

    ptr: np.ndarray
    departures_hours: np.ndarray
    expected_wait_hours: np.ndarray

    @property
    def count(self) -> int:
        return int(np.count_nonzero(np.diff(self.ptr)))


@njit(cache=True, nogil=True)
def _next_wait(ready, ptr, departs, e):  # pragma: no cover - numba
    """Hours from ``ready`` to the next departure on edge ``e``'s weekly timetable."""
    phase = ready % _WEEK_HOURS
    lo, hi = ptr[e], ptr[e + 1]
    for k in range(lo, hi):  # a handful of departures a week: a scan beats a bisection
        if departs[k] >= phase:
            return departs[k] - phase
    return departs[lo] + _WEEK_HOURS - phase


@njit(cache=True, nogil=True)
def _timed_dijkstra(
    first_out,
    head,
    metrics,
    mode,
    coef,
    mode_ok,
    node_ok,
    edge_blocked,
    sources,
    targets,
    start_hours,
    ptr,
    departs,
    expected_wait,
    dist,
    clock,
    parent,
    stamp,
    stamp_value,
    closed,
):  # pragma: no cover - numba
    n_edges = len(head)
    keys = np.empty(n_edges + len(sources) + 1)
    items = np.empty(n_edges + len(sources) + 1, np.int64)
    size = 0
    for i in range(len(sources)):
        s = sources[i]
        if not node_ok[s]:
            continue
        stamp[s] = stamp_value
        closed[s] = False
        dist[s] = 0.0
        clock[s] = start_hours
        parent[s] = -1
        size = lazy_push(keys, items, size, 0.0, s)
    best = np.inf
    best_target = -1
    while size > 0:
        key, x, size = lazy_pop(keys, items, size)
        if key >= best:
            break
        if closed[x]:
            continue
        closed[x] = True
        dx = dist[x]
        for j in range(len(targets)):
            if targets[j] == x and dx < best:
                best = dx
                best_target = x
        for e in range(first_out[x], first_out[x + 1]):
            if edge_blocked[e] or not mode_ok[mode[e]]:
                continue
            y = head[e]
            if not node_ok[y]:
                continue
            hours = metrics[0, e]
            if ptr[e + 1] > ptr[e]:
                move = hours - expected_wait[e]
                hours = move + _next_wait(clock[x] + move, ptr, departs, e)
            w = coef[0] * hours + coef[1] * metrics[1, e] + coef[2] * metrics[2, e] + coef[3] * metrics[3, e]
            nd = dx + w
            if stamp[y] != stamp_value:
                stamp[y] = stamp_value
                closed[y] = False
                dist[y] = np.inf
            if nd < dist[y]:
                dist[y] = nd
                clock[y] = clock[x] + hours
                parent[y] = e
                size = lazy_push(keys, items, size, nd, y)
    return best, best_target


def timed_path(
    first_out: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    metrics: np.ndarray,
    mode: np.ndarray,
    coef: np.ndarray,
    timed: TimedEdges,
    *,
    sources: np.ndarray,
    targets: np.ndarray,
    start_hours: float,
    mode_ok: np.ndarray,
    node_ok: np.ndarray,
    edge_blocked: np.ndarray,
    buffers: SearchBuffers,
) -> tuple[SearchResult, float]:
    """Best path from any source to any target leaving at ``start_hours``, and the clock on arrival."""
    sources = np.asarray(sources, np.int64)
    targets = np.asarray(targets, np.int64)
    stamp = buffers.next_stamp()
    cost, target = _timed_dijkstra(
        first_out, head, metrics, mode, np.asarray(coef, float), mode_ok, node_ok, edge_blocked,
        sources, targets, float(start_hours), timed.ptr, timed.departures_hours, timed.expected_wait_hours,
        buffers.dist, buffers.clock, buffers.parent, buffers.stamp, stamp, buffers.closed,
    )  # fmt: skip
    if target < 0:
        return SearchResult(np.inf, np.zeros(0, np.int64), -1, -1, 0), float(start_hours)
    edges, source = unwind(buffers.parent, head, tail, target)
    return SearchResult(float(cost), edges, int(source), int(target), 0), float(buffers.clock[target])
