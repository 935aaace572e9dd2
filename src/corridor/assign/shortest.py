"""Shortest-path trees for assignment, compiled with numba.

The network is a CSR star by tail node (``first_out``, and ``star_link``: the link id in each
slot). Nodes numbered below ``first_thru`` are zones: a path may start or end at one but never
pass through it, so their outgoing links are only relaxed from the tree's own origin.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from corridor.assign.links import fill_class_cost
from corridor.graphs.heap import lazy_pop, lazy_push

__all__ = ["group_shortest_cost", "group_tree", "load_tree", "shortest_tree"]


@njit(cache=True)
def shortest_tree(
    first_out, star_link, star_head, cost, first_thru, origin, dist, pred_link, order, keys, items
):  # pragma: no cover - numba
    """Dijkstra from ``origin`` with per-link ``cost``; fills ``dist``, ``pred_link`` (-1 at the
    origin and unreached nodes) and ``order`` (nodes in the order settled). Returns how many
    nodes were settled. ``keys``/``items`` are heap buffers of at least len(star_link) + 1."""
    for x in range(len(dist)):
        dist[x] = np.inf
        pred_link[x] = -1
    dist[origin] = 0.0
    size = lazy_push(keys, items, 0, 0.0, origin)
    settled = 0
    while size > 0:
        d, x, size = lazy_pop(keys, items, size)
        if d > dist[x]:
            continue
        order[settled] = x
        settled += 1
        if x < first_thru and x != origin:
            continue
        for slot in range(first_out[x], first_out[x + 1]):
            y = star_head[slot]
            link = star_link[slot]
            nd = d + cost[link]
            if nd < dist[y]:
                dist[y] = nd
                pred_link[y] = link
                size = lazy_push(keys, items, size, nd, y)
    return settled


@njit(cache=True)
def load_tree(tail, pred_link, order, settled, node_demand, flows):  # pragma: no cover - numba
    """Add each node's demand along its tree path to ``flows`` (all or nothing), leaves first.

    ``node_demand`` is consumed (used as the accumulator)."""
    for i in range(settled - 1, 0, -1):
        x = order[i]
        amount = node_demand[x]
        if amount != 0.0:
            link = pred_link[x]
            flows[link] += amount
            node_demand[tail[link]] += amount
            node_demand[x] = 0.0
    if settled > 0:
        node_demand[order[0]] = 0.0


@njit(cache=True, inline="always")
def group_tree(net, trips, state, scratch, g):  # pragma: no cover - numba
    """Group ``g``'s tree of cheapest paths from its origin at the current volumes: its class's link costs (in
    objective units) into ``scratch.cost``, then ``scratch.dist``, ``pred_link`` and ``order``; returns how many
    nodes the tree settled."""
    k = trips.group_class[g]
    fill_class_cost(
        trips.method, trips.weight[k], trips.class_fixed[k], state.time, state.slope, state.weighted_volume,
        scratch.cost,
    )  # fmt: skip
    return shortest_tree(
        net.first_out, net.star_link, net.star_head, scratch.cost, net.first_thru, trips.group_origin[g],
        scratch.dist, scratch.pred_link, scratch.order, scratch.heap_keys, scratch.heap_items,
    )  # fmt: skip


@njit(cache=True)
def group_shortest_cost(net, trips, state, scratch, g):  # pragma: no cover - numba
    """Group ``g``'s share of SPTT, the relative gap's shortest-path term: its demand times the cost of its
    cheapest paths at the current volumes, in generalised cost (``gap_scale``). Leaves its tree (``group_tree``)
    in ``scratch``."""
    group_tree(net, trips, state, scratch, g)
    shortest = 0.0
    for od in range(trips.group_first[g], trips.group_first[g + 1]):
        shortest += trips.demand[od] * scratch.dist[trips.dest[od]]
    return trips.gap_scale[trips.group_class[g]] * shortest
