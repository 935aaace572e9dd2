"""Contraction hierarchy (CH) over a directed CSR graph, compiled with numba.

The graph comes as RoutingKit-style parallel arrays: ``first_out`` (n+1 offsets), ``head`` (m target nodes) and
``weight`` (m non-negative costs, in whatever unit the caller uses). Parallel edges, asymmetric weights, zero weights
and disconnected parts are fine; self-loops and infinite weights are ignored.

:func:`build_ch` contracts the nodes in the order of a lazily updated priority (hierarchy level + added/removed arcs +
added/removed hops) with bounded witness searches: a missed witness only adds a superfluous shortcut, never a wrong
answer. :class:`CHQuery` runs a bidirectional upward Dijkstra with stall-on-demand and unpacks shortcuts into ORIGINAL
edge ids (the cheapest of parallel edges), so callers can read any other per-edge attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from numba import njit, types
from numba.experimental import structref
from numpy.typing import ArrayLike

from corridor.graphs.csr import csr_order, edge_tails
from corridor.graphs.heap import indexed_pop, indexed_set

__all__ = ["CHQuery", "ContractionHierarchy", "build_ch"]

_SIM_LIMIT = 30  # settled nodes per witness search when estimating a priority
_CONTRACT_LIMIT = 500  # settled nodes per witness search when contracting
_LAZY_DEGREE_PRODUCT = 64  # a neighbour with in x out degree above this gets only the lazy priority check
_HUB_DEGREE = 256  # witness searches do not expand nodes of higher out-degree (a source: direct arcs only)
_jit = njit(cache=True, nogil=True)

# --- build state ----------------------------------------------------------------------------------------------------
# Arrays travel in NamedTuples, plain values to numba (no cost over separate arguments); the counters that nested
# compiled steps update travel in one mutable numba structref, so each field has a name instead of a slot number.

_OUT, _IN = 0, 3  # block of rows in ``_Pool.adj`` describing a node's out list / in list (its "side")
_START, _COUNT, _CAP = 0, 1, 2  # row within a block: first pool slot, entries in use, slots reserved


class _Pool(NamedTuple):
    """The graph being contracted. Node v's list on ``side`` is the pool slots ``adj[side + _START, v]`` ..
    ``+ adj[side + _COUNT, v]``, with ``adj[side + _CAP, v]`` slots reserved; a full list moves to the pool's end.
    (One 6-row array: three (2, n) arrays, one per row kind, made the whole build about 25% slower.)"""

    adj: np.ndarray  # int64[6, n]
    node: np.ndarray  # int32[pool]: the node at the other end
    arc: np.ndarray  # int32[pool]: index into the arc table
    weight: np.ndarray  # float64[pool]


class _Arcs(NamedTuple):
    """The arc table being built: an original edge (``first`` its edge id, ``second`` -1) or a shortcut (its two
    child arcs, in path order)."""

    first: np.ndarray  # int32
    second: np.ndarray  # int32
    hops: np.ndarray  # int32: original edges an arc stands for


class _Witness(NamedTuple):
    """Scratch of the witness searches, one entry per node."""

    dist: np.ndarray  # float64, inf between searches
    heap_keys: np.ndarray  # float64
    heap_nodes: np.ndarray  # int64
    heap_pos: np.ndarray  # int64, -1 between searches
    touched: np.ndarray  # int64: nodes given a distance
    threshold: np.ndarray  # float64: cost a witness must not exceed, per out-neighbour of the contracted node


class _Queue(NamedTuple):
    """The contraction order: an indexed heap of node priorities."""

    keys: np.ndarray  # float64[n]
    nodes: np.ndarray  # int64[n]
    pos: np.ndarray  # int64[n], -1 outside the heap


@structref.register
class _CountersType(types.StructRef):
    """numba type of :class:`_Counters` (int64 fields, never literal types)."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class _Counters(structref.StructRefProxy):
    """Build counters, updated in place by the compiled steps (read them from Python with :func:`_tally`).

    ``pool_used``: pool slots taken; ``arcs``: arcs in the table; ``contracted``: nodes contracted; ``queued``: size of
    the contraction heap; ``stamp``: mark of the current witness search or pool check (in ``tmark``);
    ``initialised``: nodes given a first priority.
    """

    def __new__(cls, pool_used: int, arcs: int, contracted: int, queued: int, stamp: int, initialised: int):
        return structref.StructRefProxy.__new__(cls, pool_used, arcs, contracted, queued, stamp, initialised)


structref.define_proxy(_Counters, _CountersType, ["pool_used", "arcs", "contracted", "queued", "stamp", "initialised"])


@_jit
def _tally(c):
    """(initialised, contracted, arcs): the counters the Python side follows."""
    return c.initialised, c.contracted, c.arcs


@_jit
def _grow(a, size):
    b = np.empty(size, a.dtype)
    b[: a.size] = a
    return b


@_jit
def _append(pool, side, u, node, arc, w, c):
    """Append (node, arc, w) to u's list on ``side``; a full list moves to the pool's end, where the caller
    guaranteed room (:func:`_pool_need`)."""
    adj = pool.adj
    start, cnt, cap = adj[side + _START, u], adj[side + _COUNT, u], adj[side + _CAP, u]
    if cnt == cap:
        old, start, cap = start, c.pool_used, max(4, 2 * cap)
        pool.node[start : start + cnt] = pool.node[old : old + cnt]
        pool.arc[start : start + cnt] = pool.arc[old : old + cnt]
        pool.weight[start : start + cnt] = pool.weight[old : old + cnt]
        adj[side + _START, u], adj[side + _CAP, u], c.pool_used = start, cap, start + cap
    pool.node[start + cnt], pool.arc[start + cnt], pool.weight[start + cnt] = node, arc, w
    adj[side + _COUNT, u] = cnt + 1


@_jit
def _pool_need(pool, sc_i, cnt, tmark, c):
    """Bound on the pool space ``cnt`` shortcuts take: a list of capacity c getting a entries uses <= 4c + 4a + 16.
    Shortcut u->x (columns 0, 1 of ``sc_i``) lands in u's out list and x's in list."""
    need = 8 * cnt
    for col, side in ((0, _OUT), (1, _IN)):
        c.stamp += 1
        stamp = c.stamp
        for i in range(cnt):
            x = sc_i[i, col]
            if tmark[x] != stamp:
                tmark[x] = stamp
                need += 4 * pool.adj[side + _CAP, x] + 16
    return need


@_jit
def _witness(pool, u, v, wu, limit, ws, tmark, stamp):
    """Dijkstra from u in the remaining graph minus v until each out-neighbour x of v is reached within
    wu + w(v, x) (a witness) or settled, or ``limit`` nodes are settled. Leaves distances in ``ws.dist`` and
    returns how many nodes got one."""
    adj, node, weight, dist, thr = pool.adj, pool.node, pool.weight, ws.dist, ws.threshold
    hk, hn, hp, touched = ws.heap_keys, ws.heap_nodes, ws.heap_pos, ws.touched
    o0, oc = adj[_OUT + _START, v], adj[_OUT + _COUNT, v]
    n_open, bound = 0, 0.0
    for k in range(o0, o0 + oc):
        if node[k] != u:
            tmark[node[k]], thr[node[k]] = stamp, wu + weight[k]
            n_open, bound = n_open + 1, max(bound, wu + weight[k])
    if n_open == 0:
        return 0
    dist[u], touched[0], nt, size, settled = 0.0, u, 1, indexed_set(hk, hn, hp, 0, u, 0.0), 0
    while size > 0 and n_open > 0 and settled < limit and hk[0] <= bound:
        d, y = hk[0], hn[0]
        size = indexed_pop(hk, hn, hp, size)
        settled += 1
        if tmark[y] == stamp:  # settled above its threshold: no witness
            tmark[y], n_open = 0, n_open - 1
            if thr[y] == bound:
                bound = 0.0
                for k in range(o0, o0 + oc):
                    if tmark[node[k]] == stamp:
                        bound = max(bound, thr[node[k]])
        degree = adj[_OUT + _COUNT, y]
        if y != u and degree > _HUB_DEGREE:  # a hub: too costly to expand (a hub source only relaxes)
            continue
        push = degree <= _HUB_DEGREE
        for k in range(adj[_OUT + _START, y], adj[_OUT + _START, y] + degree):
            z, nd = node[k], d + weight[k]
            if z != v and nd <= bound and nd < dist[z]:
                if dist[z] == np.inf:
                    touched[nt], nt = z, nt + 1
                dist[z] = nd
                if tmark[z] == stamp and nd <= thr[z]:  # witness found
                    tmark[z], n_open = 0, n_open - 1
                if push:
                    size = indexed_set(hk, hn, hp, size, z, nd)
    for i in range(size):
        hp[hn[i]] = -1
    return nt


@_jit
def _shortcuts(pool, v, hops, ws, tmark, c, sc_i, sc_w, limit):
    """Shortcuts that contracting v needs, as rows (u, x, arc u->v, arc v->x) of sc_i and weights sc_w (sized
    in x out degree; empty ones just count). Returns (count, added/removed arcs + added/removed hops)."""
    adj, node, arc, weight, dist, touched = pool.adj, pool.node, pool.arc, pool.weight, ws.dist, ws.touched
    o0, oc, i0, ic = adj[_OUT + _START, v], adj[_OUT + _COUNT, v], adj[_IN + _START, v], adj[_IN + _COUNT, v]
    cnt, hops_added, hops_removed = 0, 0, 0
    for k in range(o0, o0 + oc):
        hops_removed += hops[arc[k]]
    for j in range(i0, i0 + ic):
        u, wu = node[j], weight[j]
        hops_removed += hops[arc[j]]
        c.stamp += 1
        nt = _witness(pool, u, v, wu, limit, ws, tmark, c.stamp)
        for k in range(o0, o0 + oc):
            if node[k] != u and dist[node[k]] > wu + weight[k]:
                if sc_w.size:
                    sc_i[cnt], sc_w[cnt] = (u, node[k], arc[j], arc[k]), wu + weight[k]
                hops_added += hops[arc[j]] + hops[arc[k]]
                cnt += 1
        for t in range(nt):
            dist[touched[t]] = np.inf
    return cnt, cnt / max(oc + ic, 1) + hops_added / max(hops_removed, 1)


@_jit
def _apply(pool, arcs, v, cnt, sc_i, sc_w, c):
    """Add v's shortcuts (or lower an existing arc u->x) and unlink v from its neighbours (swap-remove)."""
    adj, node, arc, weight = pool.adj, pool.node, pool.arc, pool.weight
    for i in range(cnt):
        u, x, w = sc_i[i, 0], sc_i[i, 1], sc_w[i]
        found = -1
        for k in range(adj[_OUT + _START, u], adj[_OUT + _START, u] + adj[_OUT + _COUNT, u]):
            if node[k] == x:
                found = k
                break
        if found >= 0 and weight[found] <= w:
            continue
        a = c.arcs
        arcs.first[a], arcs.second[a] = sc_i[i, 2], sc_i[i, 3]
        arcs.hops[a], c.arcs = arcs.hops[sc_i[i, 2]] + arcs.hops[sc_i[i, 3]], a + 1
        if found < 0:
            _append(pool, _OUT, u, x, a, w, c)
            _append(pool, _IN, x, u, a, w, c)
            continue
        weight[found], arc[found] = w, a  # cheaper than the existing arc u->x: replace it in both lists
        for k in range(adj[_IN + _START, x], adj[_IN + _START, x] + adj[_IN + _COUNT, x]):
            if node[k] == u:
                weight[k], arc[k] = w, a
    for side in (_OUT, _IN):
        other = _IN if side == _OUT else _OUT
        for k in range(adj[side + _START, v], adj[side + _START, v] + adj[side + _COUNT, v]):
            y = node[k]
            first, cnt_y = adj[other + _START, y], adj[other + _COUNT, y]
            for j in range(first, first + cnt_y):
                if node[j] == v:
                    last = first + cnt_y - 1
                    node[j], arc[j], weight[j] = node[last], arc[last], weight[last]
                    adj[other + _COUNT, y] = cnt_y - 1
                    break


@_jit
def _priority(pool, v, hops, ws, tmark, c, level):
    """Contraction priority of v from a simulated contraction (lower goes first)."""
    _, prio = _shortcuts(pool, v, hops, ws, tmark, c, np.empty((0, 4), np.int64), np.empty(0), _SIM_LIMIT)
    return level[v] + prio


@_jit
def _contract_chunk(pool, arcs, queue, level, rank, ws, tmark, nmark, c, budget):
    """Initialise priorities or contract up to ``budget`` nodes; returns the (possibly regrown) pool and arc table."""
    n, done = rank.size, 0
    keys, hnodes, hpos = queue
    while c.initialised < n and done < budget:
        v = c.initialised
        c.queued = indexed_set(keys, hnodes, hpos, c.queued, v, _priority(pool, v, arcs.hops, ws, tmark, c, level))
        c.initialised, done = v + 1, done + 1
    while c.queued > 0 and done < budget:
        v = hnodes[0]
        indexed_set(keys, hnodes, hpos, c.queued, v, _priority(pool, v, arcs.hops, ws, tmark, c, level))  # lazy update
        if hnodes[0] != v:
            continue
        c.queued = indexed_pop(keys, hnodes, hpos, c.queued)
        degrees = pool.adj[_OUT + _COUNT, v] * pool.adj[_IN + _COUNT, v]
        sc_i, sc_w = np.empty((degrees, 4), np.int64), np.empty(degrees)
        cnt, _ = _shortcuts(pool, v, arcs.hops, ws, tmark, c, sc_i, sc_w, _CONTRACT_LIMIT)
        need = c.pool_used + _pool_need(pool, sc_i, cnt, tmark, c)
        if need > pool.node.size:
            size = max(need, pool.node.size + pool.node.size // 2)
            pool = _Pool(pool.adj, _grow(pool.node, size), _grow(pool.arc, size), _grow(pool.weight, size))
        if c.arcs + cnt > arcs.first.size:
            size = max(c.arcs + cnt, 2 * arcs.first.size)
            arcs = _Arcs(_grow(arcs.first, size), _grow(arcs.second, size), _grow(arcs.hops, size))
        _apply(pool, arcs, v, cnt, sc_i, sc_w, c)
        rank[v], c.contracted, done = c.contracted, c.contracted + 1, done + 1
        for side in (_OUT, _IN):  # update the neighbours' priorities
            for k in range(pool.adj[side + _START, v], pool.adj[side + _START, v] + pool.adj[side + _COUNT, v]):
                y = pool.node[k]
                if nmark[y] != v:
                    nmark[y], old, level[y] = v, level[y], max(level[y], level[v] + 1)
                    if pool.adj[_OUT + _COUNT, y] * pool.adj[_IN + _COUNT, y] > _LAZY_DEGREE_PRODUCT:
                        prio = keys[hpos[y]] + level[y] - old
                    else:
                        prio = _priority(pool, y, arcs.hops, ws, tmark, c, level)
                    c.queued = indexed_set(keys, hnodes, hpos, c.queued, y, prio)
    return pool, arcs


@_jit
def _extract(pool, arcs, rank, n_arcs):
    """Upward graphs indexed by rank (a contracted node's lists hold its higher neighbours) and the used arcs."""
    n, remap, nc = rank.size, np.full(n_arcs, -1, np.int64), 0
    out = []
    for side in (_OUT, _IN):
        fo = np.zeros(n + 1, np.int64)
        for v in range(n):
            fo[rank[v] + 1] = pool.adj[side + _COUNT, v]
        fo = np.cumsum(fo)
        hd, wt, ar = np.empty(fo[n], np.int32), np.empty(fo[n]), np.empty(fo[n], np.int32)
        for v in range(n):
            o = fo[rank[v]]
            for k in range(pool.adj[side + _START, v], pool.adj[side + _START, v] + pool.adj[side + _COUNT, v]):
                if remap[pool.arc[k]] < 0:
                    remap[pool.arc[k]], nc = nc, nc + 1
                hd[o], wt[o], ar[o], o = rank[pool.node[k]], pool.weight[k], remap[pool.arc[k]], o + 1
        out.append((fo, hd, wt, ar))
    first, second = np.empty(nc, np.int64), np.full(nc, -1, np.int64)
    for a in range(n_arcs):
        if remap[a] >= 0:
            first[remap[a]] = arcs.first[a] if arcs.second[a] < 0 else remap[arcs.first[a]]
            if arcs.second[a] >= 0:
                second[remap[a]] = remap[arcs.second[a]]
    return out[0], out[1], first, second


@dataclass(frozen=True)
class ContractionHierarchy:
    """Index over one fixed weight; build once, query many times (thread-safe: queries keep their own buffers).

    The upward graphs are indexed by rank. ``fwd_*`` holds arcs r->s with rank s > rank r, stored at r; ``bwd_*``
    holds arcs s->r with rank s > rank r, stored at r. ``*_arc`` index the arc table: an original edge
    (``arc_first`` = its edge id, ``arc_second`` = -1) or a shortcut (``arc_first``, ``arc_second`` = its two child
    arcs, in path order)."""

    rank: np.ndarray  # int32[n]: contraction order of each node
    fwd_first_out: np.ndarray  # int64[n+1]
    fwd_head: np.ndarray  # int32: the higher end (a rank)
    fwd_weight: np.ndarray  # float64
    fwd_arc: np.ndarray  # int32: index into the arc table
    bwd_first_out: np.ndarray
    bwd_head: np.ndarray
    bwd_weight: np.ndarray
    bwd_arc: np.ndarray
    arc_first: np.ndarray  # int64: original edge id, or first child arc
    arc_second: np.ndarray  # int64: -1, or second child arc

    @property
    def num_nodes(self) -> int:
        return int(self.rank.size)

    @property
    def num_shortcuts(self) -> int:
        return int(np.count_nonzero(self.arc_second >= 0))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """All arrays by field name (for ``np.savez``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> ContractionHierarchy:
        """Inverse of :meth:`to_arrays` (accepts an ``np.load`` result)."""
        types = {"first_out": np.int64, "weight": np.float64, "first": np.int64, "second": np.int64}
        return cls(
            **{
                f.name: np.ascontiguousarray(arrays[f.name], dtype=types.get(f.name.split("_", 1)[-1], np.int32))
                for f in fields(cls)
            }
        )


def build_ch(
    first_out: np.ndarray, head: np.ndarray, weight: np.ndarray, *, progress: Callable[[float], None] | None = None
) -> ContractionHierarchy:
    """Contract the graph; ``progress(fraction_done)`` is called now and then (for a progress bar)."""
    first_out, head, weight = np.asarray(first_out, np.int64), np.asarray(head, np.int64), np.asarray(weight, float)
    n, m = first_out.size - 1, head.size
    if n < 0 or first_out[0] != 0 or first_out[-1] != m or weight.size != m or np.any(np.diff(first_out) < 0):
        raise ValueError("first_out/head/weight do not describe a CSR graph")
    if (m and (head.min() < 0 or head.max() >= n)) or m >= 2**31:
        raise ValueError("head out of range [0, n), or more than 2**31 - 1 edges")
    if np.any(np.isnan(weight)) or np.any(weight < 0):
        raise ValueError("weights must be non-negative")
    tail = edge_tails(first_out)
    eid = np.flatnonzero((tail != head) & np.isfinite(weight))
    eid = eid[np.lexsort((weight[eid], head[eid], tail[eid]))]  # keep the cheapest of parallel edges
    eid = eid[np.r_[True, (tail[eid[1:]] != tail[eid[:-1]]) | (head[eid[1:]] != head[eid[:-1]])]] if eid.size else eid
    k, ends, w = eid.size, (tail[eid], head[eid]), weight[eid]  # arc i is edge eid[i]
    lists = [csr_order(ends[i], n) for i in range(2)]  # each node's out arcs (by tail), then its in arcs (by head)
    count = np.stack([np.diff(offsets) for offsets, _ in lists])
    cap = np.maximum(count, 2)
    start = (np.cumsum(cap) - cap.ravel()).reshape(2, n)  # all out lists, then all in lists
    used = int(cap.sum())
    size = 2 * used + 16
    pool = _Pool(np.empty((6, n), np.int64), np.empty(size, np.int32), np.empty(size, np.int32), np.empty(size))
    for i, side in enumerate((_OUT, _IN)):
        pool.adj[side + _START], pool.adj[side + _COUNT], pool.adj[side + _CAP] = start[i], count[i], cap[i]
        offsets, order = lists[i]
        at = ends[i][order]
        slot = start[i, at] + np.arange(k) - offsets[at]
        pool.node[slot], pool.arc[slot], pool.weight[slot] = ends[1 - i][order], order, w[order]
    room = max(2 * k, 16)
    arcs = _Arcs(np.empty(room, np.int32), np.full(room, -1, np.int32), np.ones(room, np.int32))
    arcs.first[:k] = eid
    queue = _Queue(np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64))
    witness = _Witness(
        dist=np.full(n, np.inf),
        heap_keys=np.empty(n),
        heap_nodes=np.empty(n, np.int64),
        heap_pos=np.full(n, -1, np.int64),
        touched=np.empty(n, np.int64),
        threshold=np.empty(n),
    )
    level, rank = np.zeros(n), np.full(n, -1, np.int32)
    tmark, nmark = np.zeros(n, np.int64), np.full(n, -1, np.int64)  # search / pool-check stamps, last neighbour
    counters = _Counters(pool_used=used, arcs=k, contracted=0, queued=0, stamp=0, initialised=0)
    initialised, contracted, n_arcs = 0, 0, k
    while initialised < n or contracted < n:
        pool, arcs = _contract_chunk(
            pool, arcs, queue, level, rank, witness, tmark, nmark, counters, max(2000, n // 100)
        )
        initialised, contracted, n_arcs = _tally(counters)
        if progress is not None:
            progress(float(0.2 * initialised + 0.8 * contracted) / max(n, 1))
    fwd, bwd, first, second = _extract(pool, arcs, rank, n_arcs)
    (f_first_out, f_head, f_weight, f_arc), (b_first_out, b_head, b_weight, b_arc) = fwd, bwd
    return ContractionHierarchy(
        rank, f_first_out, f_head, f_weight, f_arc, b_first_out, b_head, b_weight, b_arc, first, second
    )


# --- query ----------------------------------------------------------------------------------------------------------


class _Upward(NamedTuple):
    """One direction's upward graph of a :class:`ContractionHierarchy`, indexed by rank."""

    first_out: np.ndarray  # int64[n+1]
    head: np.ndarray  # int32
    weight: np.ndarray  # float64
    arc: np.ndarray  # int32


class _QueryBuffers(NamedTuple):
    """Per-query scratch, row 0 for the forward search and row 1 for the backward one; clean between queries."""

    dist: np.ndarray  # float64[2, n], inf
    parent: np.ndarray  # int64[2, n], -1: the node a node was reached from
    parent_arc: np.ndarray  # int64[2, n]: the upward-graph slot it was reached by
    heap_keys: np.ndarray  # float64[2, n]
    heap_nodes: np.ndarray  # int64[2, n]
    heap_pos: np.ndarray  # int64[2, n], -1
    touched: np.ndarray  # int64[2, n]: nodes given a distance


@_jit
def _unpack(chain, arcs, edges, stack):
    """Expand CH arcs into original edge ids; returns their count, or -1 if a buffer is too small."""
    ne = 0
    for i in range(chain.size):
        stack[0], top = chain[i], 1
        while top > 0:
            a, top = stack[top - 1], top - 1
            if arcs[a, 1] < 0:
                if ne == edges.size:
                    return -1
                edges[ne], ne = arcs[a, 0], ne + 1
            elif top + 2 > stack.size:
                return -1
            else:
                stack[top], stack[top + 1], top = arcs[a, 1], arcs[a, 0], top + 2
    return ne


@_jit
def _query(fwd, bwd, arcs, src, src_cost, tgt, tgt_cost, buf, want_path):
    """Bidirectional upward Dijkstra (side 0 forward, side 1 backward) with stall-on-demand. Returns (distance,
    source rank, target rank, original edge ids) and leaves the buffers clean."""
    dist, par, pe, hk, hn, hp, touched = buf
    ntouch, size = np.zeros(2, np.int64), np.zeros(2, np.int64)
    for s in range(2):
        nodes, costs = (src, src_cost) if s == 0 else (tgt, tgt_cost)
        for i in range(nodes.size):
            r = nodes[i]
            if costs[i] < dist[s, r]:
                if dist[s, r] == np.inf:
                    touched[s, ntouch[s]], ntouch[s] = r, ntouch[s] + 1
                dist[s, r] = costs[i]
                size[s] = indexed_set(hk[s], hn[s], hp[s], size[s], r, costs[i])
    best, meet = np.inf, -1
    while True:
        ok0, ok1 = size[0] > 0 and hk[0, 0] < best, size[1] > 0 and hk[1, 0] < best
        if not (ok0 or ok1):
            break
        s = 0 if ok0 and (not ok1 or hk[0, 0] <= hk[1, 0]) else 1
        d, u = hk[s, 0], hn[s, 0]
        size[s] = indexed_pop(hk[s], hn[s], hp[s], size[s])
        up, down = (fwd, bwd) if s == 0 else (bwd, fwd)
        stalled = False
        for e in range(down.first_out[u], down.first_out[u + 1]):  # reached cheaper from a higher node: not on a
            if dist[s, down.head[e]] + down.weight[e] < d:  # shortest path
                stalled = True
                break
        if stalled:
            continue
        if d + dist[1 - s, u] < best:
            best, meet = d + dist[1 - s, u], u
        for e in range(up.first_out[u], up.first_out[u + 1]):
            x, nd = up.head[e], d + up.weight[e]
            if nd < dist[s, x]:
                if dist[s, x] == np.inf:
                    touched[s, ntouch[s]], ntouch[s] = x, ntouch[s] + 1
                dist[s, x], par[s, x], pe[s, x] = nd, u, e
                size[s] = indexed_set(hk[s], hn[s], hp[s], size[s], x, nd)
    ends, chain = np.array([meet, meet]), np.empty(0, np.int64)
    if meet >= 0 and want_path:
        for s in range(2):  # CH arcs from the source up to meet, then from meet down to the target
            cnt, x = 0, meet
            while par[s, x] >= 0:
                cnt, x = cnt + 1, par[s, x]
            ends[s], part, x = x, np.empty(cnt, np.int64), meet
            up = fwd if s == 0 else bwd
            for i in range(cnt):
                part[cnt - 1 - i if s == 0 else i] = up.arc[pe[s, x]]
                x = par[s, x]
            chain = np.concatenate((chain, part))
    edges, stack = np.empty(max(64, 16 * chain.size), np.int64), np.empty(64, np.int64)
    ne = _unpack(chain, arcs, edges, stack)
    while ne < 0:  # rare: retry with bigger buffers (no growing inside the hot loop)
        edges, stack = np.empty(2 * edges.size, np.int64), np.empty(2 * stack.size, np.int64)
        ne = _unpack(chain, arcs, edges, stack)
    for s in range(2):
        for i in range(ntouch[s]):
            dist[s, touched[s, i]], par[s, touched[s, i]], hp[s, touched[s, i]] = np.inf, -1, -1
    return best, ends[0], ends[1], edges[:ne].copy()


class CHQuery:
    """Per-thread query object holding its own buffers (RoutingKit habit); distances in the weight's unit."""

    def __init__(self, ch: ContractionHierarchy) -> None:
        n = ch.num_nodes
        self.ch = ch
        self._fwd = _Upward(ch.fwd_first_out, ch.fwd_head, ch.fwd_weight, ch.fwd_arc)
        self._bwd = _Upward(ch.bwd_first_out, ch.bwd_head, ch.bwd_weight, ch.bwd_arc)
        self._arcs = np.stack((ch.arc_first, ch.arc_second), axis=1)  # one cache line per arc
        self._rank, self._order = ch.rank.astype(np.int64), np.empty(n, np.int64)
        self._order[self._rank] = np.arange(n)
        self._buf = _QueryBuffers(
            dist=np.full((2, n), np.inf),
            parent=np.full((2, n), -1, np.int64),
            parent_arc=np.full((2, n), -1, np.int64),
            heap_keys=np.empty((2, n)),
            heap_nodes=np.full((2, n), -1, np.int64),
            heap_pos=np.full((2, n), -1, np.int64),
            touched=np.full((2, n), -1, np.int64),
        )
        self._zero = np.zeros(1)

    def _run(self, src: np.ndarray, sc: np.ndarray, tgt: np.ndarray, tc: np.ndarray, want_path: bool):
        return _query(self._fwd, self._bwd, self._arcs, src, sc, tgt, tc, self._buf, want_path)

    def _node(self, v: int) -> np.ndarray:
        if not 0 <= v < self._rank.size:
            raise IndexError(f"node {v} out of range")
        return self._rank[v : v + 1]

    def distance(self, source: int, target: int) -> float:
        """Shortest distance; inf if unreachable."""
        return float(self._run(self._node(source), self._zero, self._node(target), self._zero, False)[0])

    def path(self, source: int, target: int) -> tuple[float, np.ndarray]:
        """(distance, original edge ids of the shortest path in order); (inf, empty) if unreachable; (0, empty) if
        source == target."""
        d, _, _, edges = self._run(self._node(source), self._zero, self._node(target), self._zero, True)
        return float(d), edges

    def path_multi(
        self, sources: ArrayLike, source_costs: ArrayLike, targets: ArrayLike, target_costs: ArrayLike
    ) -> tuple[float, int, int, np.ndarray]:
        """Best pair over many sources/targets with initial costs (e.g. snapping a coordinate to candidate nodes):
        (distance incl. both costs, chosen source, chosen target, edge ids); (inf, -1, -1, empty) if none."""
        src, tgt = np.asarray(sources, np.int64).ravel(), np.asarray(targets, np.int64).ravel()
        sc, tc = np.asarray(source_costs, np.float64).ravel(), np.asarray(target_costs, np.float64).ravel()
        if src.size != sc.size or tgt.size != tc.size or np.isnan(sc).any() or np.isnan(tc).any():
            raise ValueError("sources/targets need one (non-NaN) cost each")
        if np.any((src < 0) | (src >= self._rank.size)) or np.any((tgt < 0) | (tgt >= self._rank.size)):
            raise IndexError("node out of range")
        src, sc, tgt, tc = src[np.isfinite(sc)], sc[np.isfinite(sc)], tgt[np.isfinite(tc)], tc[np.isfinite(tc)]
        if src.size == 0 or tgt.size == 0:
            return np.inf, -1, -1, np.empty(0, np.int64)
        s0, t0 = sc.min(), tc.min()  # shift both sides to start at 0 (keeps the stopping rule exact)
        d, rs, rt, edges = self._run(self._rank[src], sc - s0, self._rank[tgt], tc - t0, True)
        if d == np.inf:
            return np.inf, -1, -1, edges
        return float(d + s0 + t0), int(self._order[rs]), int(self._order[rt]), edges
