"""Bush-based user equilibrium: Algorithm B (Dial, 2006), compiled with numba.

Each (class, origin) group keeps a *bush*: an acyclic set of links rooted at its origin that carries
all of the group's flow, with the group's own flow on each link. An iteration visits the bushes in
turn and, for each one:

1. **improves the bush**: drops the links that carry none of its flow (except each node's cheapest
   way in, so every node stays reached) and adds the links that make a shortcut, ``U_i + c_ij < U_j``
   or ``L_i + c_ij < L_j``, where ``L`` and ``U`` are the least and greatest cost from the origin
   over the bush's used links. A link is added only when ``R_i < R_j``, ``R`` the greatest cost over
   all of the bush's links: no bush path leads from ``j`` back to ``i``, so the bush stays acyclic;
2. **equilibrates the bush**: at each node, from the last in topological order, the costliest used
   way in and the cheapest way in are traced back to where they part; flow moves from the costlier
   segment to the cheaper one by a Newton step ``Δ = (C_U − C_L) / Σ slopes``, capped at the least
   bush flow on the costlier segment. Link times follow every move (Gauss–Seidel). Labels are
   recomputed and the pass repeated a few times.

After each iteration every bush is equilibrated again, its links unchanged (``sweep``); a bush
that moved no flow when last equilibrated sits out the remaining sweeps of that iteration. Each bush
keeps its links ordered by their head's place in its topological order, so the labels are one pass
over its own links, not over every node's way in.

The bushes start as the shortest-path trees at free flow, loaded all or nothing. Link volumes are
rebuilt from the bush flows at the end of each iteration, so rounding never accumulates. A zone
below ``first_thru`` is never passed through: no bush link leaves it unless it is the bush's origin.

The costs are the engine's objective units (``links``): ``t + f / w`` for user equilibrium, the
marginal cost for system optimum, so the same code does both.

These are the kernels; ``algorithm_b`` drives them (allocation, iterations, sweeps, the stop), and
``native`` compiles them ahead of time so that an assignment can start without numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from corridor.assign.links import class_cost, class_slope, fill_class_cost, link_terms
from corridor.assign.shortest import group_shortest_cost, group_tree, load_tree

__all__ = ["FLOW_EPS", "gap", "iterate", "rebuild", "start", "sweep"]

#: A bush link whose flow is at most this share of its group's demand is rounding, not use: it is emptied.
FLOW_EPS = 1e-12


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
def start(net, trips, state, scratch, b):  # pragma: no cover - numba
    """Each bush the free-flow shortest-path tree of its origin, its group's demand loaded on it; volumes built."""
    for g in range(len(trips.group_class)):
        settled = group_tree(net, trips, state, scratch, g)
        for i in range(1, settled):
            b.member[g, scratch.pred_link[scratch.order[i]]] = True
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            scratch.node_demand[trips.dest[od]] += trips.demand[od]
        load_tree(net.tail, scratch.pred_link, scratch.order, settled, scratch.node_demand, b.flow[g])
        _topological(net, b, g, trips.group_origin[g])
    rebuild(net, trips, state, b)


@njit(cache=True)
def rebuild(net, trips, state, b):  # pragma: no cover - numba
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
def iterate(net, trips, state, scratch, b, passes, tol):  # pragma: no cover - numba
    """Every bush improved and equilibrated (``passes`` passes, nodes within ``tol`` left alone); volumes rebuilt."""
    for g in range(len(trips.group_class)):
        k, origin = trips.group_class[g], trips.group_origin[g]
        _group_cost(trips, state, k, scratch.cost)
        eps = FLOW_EPS * b.demand[g]
        _improve(net, b, g, origin, scratch.cost, eps)
        b.active[g] = _equilibrate(net, trips, state, b, g, k, scratch.cost, passes, eps, tol)
    rebuild(net, trips, state, b)


@njit(cache=True)
def sweep(net, trips, state, scratch, b, passes, tol):  # pragma: no cover - numba
    """Equilibrate again every bush that moved flow when last equilibrated, its links (and so its order)
    unchanged."""
    for g in range(len(trips.group_class)):
        if not b.active[g]:
            continue
        k = trips.group_class[g]
        _group_cost(trips, state, k, scratch.cost)
        b.active[g] = _equilibrate(net, trips, state, b, g, k, scratch.cost, passes, FLOW_EPS * b.demand[g], tol)


@njit(cache=True)
def gap(net, trips, state, scratch, b):  # pragma: no cover - numba
    """Relative gap ``(TSTT − SPTT) / TSTT`` in generalised cost, from fresh shortest-path trees."""
    total, shortest = 0.0, 0.0
    for g in range(len(trips.group_class)):
        shortest += group_shortest_cost(net, trips, state, scratch, g)
        scale, row = trips.gap_scale[trips.group_class[g]], b.flow[g]
        for a in range(len(row)):
            if row[a] > 0.0:
                total += scale * row[a] * scratch.cost[a]
    if total <= 0.0:
        return 0.0
    return max(total - shortest, 0.0) / total
