"""Bush-based user equilibrium: Algorithm B (Dial, 2006), compiled with numba.

Each (class, origin) group keeps a *bush*: an acyclic set of links rooted at its origin that carries
all of the group's flow, with the group's own flow on each link. An iteration visits the bushes in
turn and, for each one:

1. **improves the bush**: drops the links that carry none of its flow (except each node's cheapest
   way in, so every node stays reached) and adds the links that make a shortcut, ``U_i + c_ij < U_j``
   or ``L_i + c_ij < L_j``, where ``L`` and ``U`` are the least and greatest cost from the origin
   over the bush's links. A link is added only when ``U_i < U_j``: no bush path leads from ``j`` back
   to ``i``, so the bush stays acyclic;
2. **equilibrates the bush**: at each node, from the last in topological order, the costliest used
   way in and the cheapest way in are traced back to where they part; flow moves from the costlier
   segment to the cheaper one by a Newton step ``Δ = (C_U − C_L) / Σ slopes``, capped at the least
   bush flow on the costlier segment. Link times follow every move (Gauss–Seidel). Labels are
   recomputed and the pass repeated a few times.

After each iteration every bush is equilibrated again, its links unchanged (``SWEEPS`` times); a bush
that moved no flow when last equilibrated sits out the remaining sweeps of that iteration. Each bush
keeps its links ordered by their head's place in its topological order, so the labels are one pass
over its own links, not over every node's way in.

The bushes start as the shortest-path trees at free flow, loaded all or nothing. Link volumes are
rebuilt from the bush flows at the end of each iteration, so rounding never accumulates. A zone
below ``first_thru`` is never passed through: no bush link leaves it unless it is the bush's origin.

The costs are the engine's objective units (``links``): ``t + f / w`` for user equilibrium, the
marginal cost for system optimum, so the same code does both.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from corridor.assign.links import class_cost, class_slope, fill_class_cost
from corridor.assign.problem import LinkState, Net, Scratch, Trips
from corridor.assign.shortest import load_tree, shortest_tree
from corridor.assign.vdf import link_terms

__all__ = ["Bushes", "class_volumes", "gap", "iterate", "start"]

#: Equilibration passes over each bush per iteration (labels recomputed before each).
INNER_PASSES = 2
#: Sweeps equilibrating the bushes again (links unchanged) after each iteration's improvement.
SWEEPS = 8
#: Each iteration leaves alone the nodes whose two ways in differ by less than this share of the last gap.
TOLERANCE_SHARE = 0.01
#: A bush link whose flow is at most this share of its group's demand is rounding, not use: it is emptied.
FLOW_EPS = 1e-12


class Bushes(NamedTuple):
    flow: np.ndarray  # float64 (groups, links): each group's flow on each link
    member: np.ndarray  # bool (groups, links): the group's bush
    first_in: np.ndarray  # int64 (nodes + 1): backward star offsets
    in_link: np.ndarray  # int64 per backward star slot: the link entering the node
    order: np.ndarray  # int64 (groups, nodes): each bush's nodes in topological order
    links: np.ndarray  # int32 (groups, links): each bush's links, by their head's place in the order
    link_count: np.ndarray  # int64 (groups): how many links each bush holds
    active: np.ndarray  # bool (groups): the bush moved flow when last equilibrated
    position: np.ndarray  # int64 (groups, nodes): each node's place in its bush's order (-1 when off the bush)
    size: np.ndarray  # int64 (groups): how many nodes each bush holds
    indegree: np.ndarray  # int64 (nodes)
    low: np.ndarray  # float64 (nodes): least cost from the origin over the bush
    low_link: np.ndarray  # int64 (nodes): the link it arrives by
    high: np.ndarray  # float64 (nodes): greatest cost over the bush's used links
    high_link: np.ndarray  # int64 (nodes)
    reach: np.ndarray  # float64 (nodes): greatest cost over all the bush's links (the acyclicity test)
    segment: np.ndarray  # int64 (2, nodes): the two segments being traced
    demand: np.ndarray  # float64 (groups): each group's total demand


@njit(cache=True)
def _topological(net, b, g, origin):  # pragma: no cover - numba
    """Kahn's order of bush ``g``'s nodes from ``origin`` into ``b.order[g]``, and its links by their head's place
    in that order into ``b.links[g]``; returns how many nodes it holds."""
    member, order, position, indegree = b.member[g], b.order[g], b.position[g], b.indegree
    n = len(net.first_out) - 1
    for x in range(n):
        indegree[x] = 0
        position[x] = -1
    for a in range(len(net.tail)):
        if member[a]:
            indegree[net.head[a]] += 1
    order[0] = origin
    position[origin] = 0
    size, i = 1, 0
    while i < size:
        x = order[i]
        i += 1
        for slot in range(net.first_out[x], net.first_out[x + 1]):
            a = net.star_link[slot]
            if member[a]:
                y = net.star_head[slot]
                indegree[y] -= 1
                if indegree[y] == 0:
                    order[size] = y
                    position[y] = size
                    size += 1
    b.size[g] = size
    links, count = b.links[g], 0
    for i in range(1, size):
        x = order[i]
        for slot in range(b.first_in[x], b.first_in[x + 1]):
            a = b.in_link[slot]
            if member[a]:
                links[count] = a
                count += 1
    b.link_count[g] = count
    return size


@njit(cache=True)
def _labels(net, b, g, cost, eps):  # pragma: no cover - numba
    """Least, greatest-used (flow above ``eps``) and greatest-overall costs from the origin over bush ``g``: one
    pass over its links, which come by their head's place in the topological order, so each tail is final when
    read. A node with no used way in takes its least cost as its greatest."""
    flow, order, links = b.flow[g], b.order[g], b.links[g]
    low, low_link, high, high_link, reach = b.low, b.low_link, b.high, b.high_link, b.reach
    for i in range(b.size[g]):
        x = order[i]
        low[x], high[x], reach[x] = np.inf, -np.inf, -np.inf
        low_link[x], high_link[x] = -1, -1
    origin = order[0]
    low[origin], high[origin], reach[origin] = 0.0, 0.0, 0.0
    for s in range(b.link_count[g]):
        a = links[s]
        t, x, c = net.tail[a], net.head[a], cost[a]
        if low[t] + c < low[x]:
            low[x], low_link[x] = low[t] + c, a
        if reach[t] + c > reach[x]:
            reach[x] = reach[t] + c
        if flow[a] > eps:
            high_t = high[t] if high_link[t] >= 0 else low[t]
            if high_t + c > high[x]:
                high[x], high_link[x] = high_t + c, a
    for i in range(1, b.size[g]):
        x = order[i]
        if high_link[x] < 0:
            high[x], high_link[x] = low[x], low_link[x]


@njit(cache=True)
def _improve(net, b, g, origin, cost, eps):  # pragma: no cover - numba
    """Drop unused links (keeping each node's cheapest way in), then add shortcuts that keep the bush acyclic.
    The bush's order must be current on entry; it is on exit."""
    flow, member, position, links = b.flow[g], b.member[g], b.position[g], b.links[g]
    _labels(net, b, g, cost, eps)
    removed = 0
    for s in range(b.link_count[g]):
        a = links[s]
        if flow[a] <= eps and b.low_link[net.head[a]] != a:
            member[a] = False
            flow[a] = 0.0
            removed += 1
    if removed:
        _topological(net, b, g, origin)
        _labels(net, b, g, cost, eps)
    added = 0
    for a in range(len(net.tail)):
        if member[a]:
            continue
        i, j = net.tail[a], net.head[a]
        if position[i] < 0 or j == origin or (i < net.first_thru and i != origin):
            continue
        if position[j] < 0:
            member[a] = True
            added += 1
            continue
        if b.reach[i] < b.reach[j] and (b.high[i] + cost[a] < b.high[j] or b.low[i] + cost[a] < b.low[j]):
            member[a] = True
            added += 1
    if added:
        _topological(net, b, g, origin)


@njit(cache=True, inline="always")
def _refresh(net, trips, state, cost, k, a):  # pragma: no cover - numba
    state.time[a], state.slope[a], state.curvature[a] = link_terms(
        net.kind[a], net.free_flow_time[a], net.capacity[a], net.alpha[a], net.beta[a], state.volume[a]
    )
    cost[a] = class_cost(
        trips.method, trips.weight[k], trips.class_fixed[k][a], state.time[a], state.slope[a],
        state.weighted_volume[a],
    )  # fmt: skip


@njit(cache=True)
def _equilibrate(net, trips, state, b, g, k, cost, passes, eps, tol):  # pragma: no cover - numba
    """Newton moves between the costliest used and the cheapest way into each node of bush ``g`` where they
    differ by more than ``tol`` of the cost; a link left with a flow of at most ``eps`` (rounding) is
    emptied. Returns whether any flow moved."""
    flow, order, position = b.flow[g], b.order[g], b.position[g]
    method, weight = trips.method, trips.weight[k]
    low_seg, high_seg = b.segment[0], b.segment[1]
    any_move = False
    for _ in range(passes):
        _labels(net, b, g, cost, eps)
        moved = False
        for i in range(b.size[g] - 1, 0, -1):
            j = order[i]
            if b.high_link[j] == b.low_link[j] or b.high_link[j] < 0 or b.high[j] - b.low[j] <= tol * b.high[j]:
                continue
            # trace both ways back to where they part
            n_low, n_high = 0, 0
            x, y = j, j
            a = b.low_link[x]
            low_seg[n_low] = a
            n_low += 1
            x = net.tail[a]
            a = b.high_link[y]
            high_seg[n_high] = a
            n_high += 1
            y = net.tail[a]
            while x != y:
                if position[x] > position[y]:
                    a = b.low_link[x]
                    low_seg[n_low] = a
                    n_low += 1
                    x = net.tail[a]
                else:
                    a = b.high_link[y]
                    high_seg[n_high] = a
                    n_high += 1
                    y = net.tail[a]
            c_low, c_high, slopes = 0.0, 0.0, 0.0
            cap = np.inf
            for s in range(n_low):
                a = low_seg[s]
                c_low += cost[a]
                slopes += class_slope(method, weight, state.slope[a], state.curvature[a], state.weighted_volume[a])
            for s in range(n_high):
                a = high_seg[s]
                c_high += cost[a]
                slopes += class_slope(method, weight, state.slope[a], state.curvature[a], state.weighted_volume[a])
                if flow[a] < cap:
                    cap = flow[a]
            diff = c_high - c_low
            if diff <= 0.0 or cap <= eps:
                continue
            shift = diff / slopes if slopes > 0.0 else cap
            if shift > cap:
                shift = cap
            for s in range(n_high):
                a = high_seg[s]
                flow[a] = flow[a] - shift if flow[a] - shift > eps else 0.0
                state.volume[a] -= shift
                state.weighted_volume[a] -= weight * shift
                _refresh(net, trips, state, cost, k, a)
            for s in range(n_low):
                a = low_seg[s]
                flow[a] += shift
                state.volume[a] += shift
                state.weighted_volume[a] += weight * shift
                _refresh(net, trips, state, cost, k, a)
            moved = True
        if not moved:
            break
        any_move = True
    return any_move


@njit(cache=True, inline="always")
def _group_cost(trips, state, k, out):  # pragma: no cover - numba
    """Class ``k``'s cost on every link at the current volumes, into ``out``."""
    fill_class_cost(
        trips.method, trips.weight[k], trips.class_fixed[k], state.time, state.slope, state.weighted_volume, out
    )


@njit(cache=True)
def _start(net, trips, state, scratch, b):  # pragma: no cover - numba
    for g in range(len(trips.group_class)):
        k, origin = trips.group_class[g], trips.group_origin[g]
        _group_cost(trips, state, k, scratch.cost)
        settled = shortest_tree(
            net.first_out, net.star_link, net.star_head, scratch.cost, net.first_thru, origin, scratch.dist,
            scratch.pred_link, scratch.order, scratch.heap_keys, scratch.heap_items,
        )  # fmt: skip
        for i in range(1, settled):
            b.member[g, scratch.pred_link[scratch.order[i]]] = True
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            scratch.node_demand[trips.dest[od]] += trips.demand[od]
        load_tree(net.tail, scratch.pred_link, scratch.order, settled, scratch.node_demand, b.flow[g])
        _topological(net, b, g, origin)
    _rebuild(net, trips, state, b)


@njit(cache=True)
def _rebuild(net, trips, state, b):  # pragma: no cover - numba
    """Volumes summed afresh from the bush flows, and times refreshed."""
    m = len(net.tail)
    for a in range(m):
        state.volume[a] = 0.0
        state.weighted_volume[a] = 0.0
    for g in range(len(trips.group_class)):
        w = trips.weight[trips.group_class[g]]
        row = b.flow[g]
        for a in range(m):
            f = row[a]
            if f != 0.0:
                state.volume[a] += f
                state.weighted_volume[a] += w * f
    for a in range(m):
        state.time[a], state.slope[a], state.curvature[a] = link_terms(
            net.kind[a], net.free_flow_time[a], net.capacity[a], net.alpha[a], net.beta[a], state.volume[a]
        )


@njit(cache=True)
def _iterate(net, trips, state, scratch, b, passes, tol):  # pragma: no cover - numba
    for g in range(len(trips.group_class)):
        k, origin = trips.group_class[g], trips.group_origin[g]
        _group_cost(trips, state, k, scratch.cost)
        eps = FLOW_EPS * b.demand[g]
        _improve(net, b, g, origin, scratch.cost, eps)
        b.active[g] = _equilibrate(net, trips, state, b, g, k, scratch.cost, passes, eps, tol)
    _rebuild(net, trips, state, b)


@njit(cache=True)
def _sweep(net, trips, state, scratch, b, passes, tol):  # pragma: no cover - numba
    """Equilibrate again every bush that moved flow when last equilibrated, its links (and so its order)
    unchanged."""
    for g in range(len(trips.group_class)):
        if not b.active[g]:
            continue
        k = trips.group_class[g]
        _group_cost(trips, state, k, scratch.cost)
        b.active[g] = _equilibrate(net, trips, state, b, g, k, scratch.cost, passes, FLOW_EPS * b.demand[g], tol)


@njit(cache=True)
def _gap(net, trips, state, scratch, b):  # pragma: no cover - numba
    """Relative gap ``(TSTT − SPTT) / TSTT`` in generalised cost, from fresh shortest-path trees."""
    total, shortest = 0.0, 0.0
    for g in range(len(trips.group_class)):
        k, origin = trips.group_class[g], trips.group_origin[g]
        scale = trips.gap_scale[k]
        _group_cost(trips, state, k, scratch.cost)
        shortest_tree(
            net.first_out, net.star_link, net.star_head, scratch.cost, net.first_thru, origin, scratch.dist,
            scratch.pred_link, scratch.order, scratch.heap_keys, scratch.heap_items,
        )  # fmt: skip
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            shortest += scale * trips.demand[od] * scratch.dist[trips.dest[od]]
        row = b.flow[g]
        for a in range(len(row)):
            if row[a] > 0.0:
                total += scale * row[a] * scratch.cost[a]
    if total <= 0.0:
        return 0.0
    return max(total - shortest, 0.0) / total


def start(net: Net, trips: Trips, state: LinkState, scratch: Scratch) -> Bushes:
    """Bushes as the free-flow shortest-path trees, each group's demand loaded on its tree."""
    n, m, groups = len(net.first_out) - 1, len(net.tail), len(trips.group_class)
    order = np.argsort(net.head, kind="stable").astype(np.int64)
    first_in = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(net.head, minlength=n), out=first_in[1:])
    bushes = Bushes(
        flow=np.zeros((groups, m)),
        member=np.zeros((groups, m), np.bool_),
        first_in=first_in,
        in_link=order,
        order=np.zeros((groups, n), np.int64),
        links=np.zeros((groups, m), np.int32),
        link_count=np.zeros(groups, np.int64),
        active=np.ones(groups, np.bool_),
        position=np.full((groups, n), -1, np.int64),
        size=np.zeros(groups, np.int64),
        indegree=np.zeros(n, np.int64),
        low=np.zeros(n),
        low_link=np.full(n, -1, np.int64),
        high=np.zeros(n),
        high_link=np.full(n, -1, np.int64),
        reach=np.zeros(n),
        segment=np.zeros((2, max(n, 1)), np.int64),
        demand=np.add.reduceat(trips.demand, trips.group_first[:-1]) if groups else np.zeros(0),
    )
    _start(net, trips, state, scratch, bushes)
    return bushes


def iterate(net: Net, trips: Trips, state: LinkState, scratch: Scratch, bushes: Bushes, tol: float) -> None:
    """One iteration: every bush improved and equilibrated, then ``SWEEPS`` more equilibrations of every bush;
    volumes rebuilt. Nodes whose costliest used way in is within ``tol`` (a share of its cost) of the cheapest
    are left as they are."""
    _iterate(net, trips, state, scratch, bushes, INNER_PASSES, tol)
    for _ in range(SWEEPS):
        _sweep(net, trips, state, scratch, bushes, INNER_PASSES, tol)
    _rebuild(net, trips, state, bushes)


def gap(net: Net, trips: Trips, state: LinkState, scratch: Scratch, bushes: Bushes) -> float:
    """The relative gap at the current volumes."""
    return float(_gap(net, trips, state, scratch, bushes))


def class_volumes(trips: Trips, bushes: Bushes) -> np.ndarray:
    """Volume per (class, link): the bush flows of each class's groups summed."""
    classes = len(trips.weight)
    out = np.zeros((classes, bushes.flow.shape[1]))
    np.add.at(out, trips.group_class, bushes.flow)
    return out
