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

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

__all__ = ["CHQuery", "ContractionHierarchy", "build_ch"]

_SIM_LIMIT = 30  # settled nodes per witness search when estimating a priority
_CONTRACT_LIMIT = 500  # settled nodes per witness search when contracting
_LAZY_DEGREE_PRODUCT = 64  # a neighbour with in x out degree above this gets only the lazy priority check
_HUB_DEGREE = 256  # witness searches do not expand nodes of higher out-degree (a source: direct arcs only)
_jit = njit(cache=True, nogil=True)

# --- indexed binary min-heap: keys/nodes hold the heap, pos[node] the node's slot or -1 ----------------------------


@_jit
def _sift(keys, nodes, pos, i, size):
    key, node = keys[i], nodes[i]
    while i > 0 and keys[(i - 1) >> 1] > key:  # up
        p = (i - 1) >> 1
        keys[i], nodes[i], pos[nodes[p]] = keys[p], nodes[p], i
        i = p
    while 2 * i + 1 < size:  # down
        c = 2 * i + 1
        if c + 1 < size and keys[c + 1] < keys[c]:
            c += 1
        if keys[c] >= key:
            break
        keys[i], nodes[i], pos[nodes[c]] = keys[c], nodes[c], i
        i = c
    keys[i], nodes[i], pos[node] = key, node, i


@_jit
def _heap_set(keys, nodes, pos, size, node, key):
    """Insert ``node`` or change its key; returns the new heap size."""
    i = pos[node]
    if i < 0:
        i, size = size, size + 1
    keys[i], nodes[i] = key, node
    _sift(keys, nodes, pos, i, size)
    return size


@_jit
def _heap_pop(keys, nodes, pos, size):
    """Drop the minimum (read ``keys[0]``, ``nodes[0]`` first); returns the new size."""
    pos[nodes[0]] = -1
    size -= 1
    if size > 0:
        keys[0], nodes[0] = keys[size], nodes[size]
        _sift(keys, nodes, pos, 0, size)
    return size


# --- build: a dynamic graph g = (adj, p_node, p_arc, p_w); adj rows 0-2 / 3-5 hold start, count and capacity of ----
# --- each node's out / in list inside the pool arrays p_node, p_arc (arc id), p_w (weight) --------------------------


@_jit
def _grow(a, size):
    b = np.empty(size, a.dtype)
    b[: a.size] = a
    return b


@_jit
def _append(g, base, u, node, arc, w, st):
    """Append (node, arc, w) to u's out (base 0) or in (base 3) list; a full list moves to the pool's end, where the
    caller guaranteed room (:func:`_pool_need`)."""
    adj, p_node, p_arc, p_w = g
    start, cnt, cap = adj[base, u], adj[base + 1, u], adj[base + 2, u]
    if cnt == cap:
        start, cap = st[0], max(4, 2 * cap)
        p_node[start : start + cnt] = p_node[adj[base, u] : adj[base, u] + cnt]
        p_arc[start : start + cnt] = p_arc[adj[base, u] : adj[base, u] + cnt]
        p_w[start : start + cnt] = p_w[adj[base, u] : adj[base, u] + cnt]
        adj[base, u], adj[base + 2, u], st[0] = start, cap, start + cap
    p_node[start + cnt], p_arc[start + cnt], p_w[start + cnt] = node, arc, w
    adj[base + 1, u] = cnt + 1


@_jit
def _pool_need(adj, sc_i, cnt, tmark, st):
    """Bound on the pool space ``cnt`` shortcuts take: a list of capacity c getting a entries uses <= 4c + 4a + 16."""
    need = 8 * cnt
    for col, cap_row in ((0, 2), (1, 5)):
        st[4] += 1
        for i in range(cnt):
            if tmark[sc_i[i, col]] != st[4]:
                tmark[sc_i[i, col]] = st[4]
                need += 4 * adj[cap_row, sc_i[i, col]] + 16
    return need


@_jit
def _witness(g, u, v, wu, limit, work, tmark, stamp):
    """Dijkstra from u in the remaining graph minus v until each out-neighbour x of v is reached within
    wu + w(v, x) (a witness) or settled, or ``limit`` nodes are settled. Leaves distances in ``work[0]`` and
    returns how many nodes got one."""
    adj, p_node, _, p_w = g
    dist, hk, hn, hp, touched, thr = work
    o0, oc = adj[0, v], adj[1, v]
    n_open, bound = 0, 0.0
    for k in range(o0, o0 + oc):
        if p_node[k] != u:
            tmark[p_node[k]], thr[p_node[k]] = stamp, wu + p_w[k]
            n_open, bound = n_open + 1, max(bound, wu + p_w[k])
    if n_open == 0:
        return 0
    dist[u], touched[0], nt, size, settled = 0.0, u, 1, _heap_set(hk, hn, hp, 0, u, 0.0), 0
    while size > 0 and n_open > 0 and settled < limit and hk[0] <= bound:
        d, y = hk[0], hn[0]
        size = _heap_pop(hk, hn, hp, size)
        settled += 1
        if tmark[y] == stamp:  # settled above its threshold: no witness
            tmark[y], n_open = 0, n_open - 1
            if thr[y] == bound:
                bound = 0.0
                for k in range(o0, o0 + oc):
                    if tmark[p_node[k]] == stamp:
                        bound = max(bound, thr[p_node[k]])
        if y != u and adj[1, y] > _HUB_DEGREE:  # a hub: too costly to expand (a hub source only relaxes)
            continue
        push = adj[1, y] <= _HUB_DEGREE
        for k in range(adj[0, y], adj[0, y] + adj[1, y]):
            z, nd = p_node[k], d + p_w[k]
            if z != v and nd <= bound and nd < dist[z]:
                if dist[z] == np.inf:
                    touched[nt], nt = z, nt + 1
                dist[z] = nd
                if tmark[z] == stamp and nd <= thr[z]:  # witness found
                    tmark[z], n_open = 0, n_open - 1
                if push:
                    size = _heap_set(hk, hn, hp, size, z, nd)
    for i in range(size):
        hp[hn[i]] = -1
    return nt


@_jit
def _shortcuts(g, v, hops, work, tmark, st, sc_i, sc_w, limit):
    """Shortcuts that contracting v needs, as rows (u, x, arc u->v, arc v->x) of sc_i and weights sc_w (sized
    in x out degree; empty ones just count). Returns (count, added/removed arcs + added/removed hops)."""
    adj, p_node, p_arc, p_w = g
    dist, touched = work[0], work[4]
    o0, oc, i0, ic = adj[0, v], adj[1, v], adj[3, v], adj[4, v]
    cnt, hops_added, hops_removed = 0, 0, 0
    for k in range(o0, o0 + oc):
        hops_removed += hops[p_arc[k]]
    for j in range(i0, i0 + ic):
        u, wu = p_node[j], p_w[j]
        hops_removed += hops[p_arc[j]]
        st[4] += 1
        nt = _witness(g, u, v, wu, limit, work, tmark, st[4])
        for k in range(o0, o0 + oc):
            if p_node[k] != u and dist[p_node[k]] > wu + p_w[k]:
                if sc_w.size:
                    sc_i[cnt], sc_w[cnt] = (u, p_node[k], p_arc[j], p_arc[k]), wu + p_w[k]
                hops_added += hops[p_arc[j]] + hops[p_arc[k]]
                cnt += 1
        for t in range(nt):
            dist[touched[t]] = np.inf
    return cnt, cnt / max(oc + ic, 1) + hops_added / max(hops_removed, 1)


@_jit
def _apply(g, v, cnt, sc_i, sc_w, arc_a, arc_b, hops, st):
    """Add v's shortcuts (or lower an existing arc u->x) and unlink v from its neighbours (swap-remove)."""
    adj, p_node, p_arc, p_w = g
    for i in range(cnt):
        u, x, w = sc_i[i, 0], sc_i[i, 1], sc_w[i]
        found = -1
        for k in range(adj[0, u], adj[0, u] + adj[1, u]):
            if p_node[k] == x:
                found = k
                break
        if found >= 0 and p_w[found] <= w:
            continue
        a = st[1]
        arc_a[a], arc_b[a], hops[a], st[1] = sc_i[i, 2], sc_i[i, 3], hops[sc_i[i, 2]] + hops[sc_i[i, 3]], a + 1
        if found < 0:
            _append(g, 0, u, x, a, w, st)
            _append(g, 3, x, u, a, w, st)
            continue
        p_w[found], p_arc[found] = w, a  # cheaper than the existing arc u->x: replace it in both lists
        for k in range(adj[3, x], adj[3, x] + adj[4, x]):
            if p_node[k] == u:
                p_w[k], p_arc[k] = w, a
    for base in (0, 3):
        for k in range(adj[base, v], adj[base, v] + adj[base + 1, v]):
            y, other = p_node[k], 3 - base
            start, cnt_y = adj[other, y], adj[other + 1, y]
            for j in range(start, start + cnt_y):
                if p_node[j] == v:
                    last = start + cnt_y - 1
                    p_node[j], p_arc[j], p_w[j] = p_node[last], p_arc[last], p_w[last]
                    adj[other + 1, y] = cnt_y - 1
                    break


@_jit
def _priority(g, v, hops, work, tmark, st, level):
    """Contraction priority of v from a simulated contraction (lower goes first)."""
    _, prio = _shortcuts(g, v, hops, work, tmark, st, np.empty((0, 4), np.int64), np.empty(0), _SIM_LIMIT)
    return level[v] + prio


@_jit
def _contract_chunk(g, arc_a, arc_b, hops, keys, hnodes, hpos, level, rank, work, tmark, nmark, st, budget):
    """Initialise priorities or contract up to ``budget`` nodes; returns the (possibly regrown) arrays.
    st = [pool used, arcs, nodes contracted, heap size, stamp, nodes initialised]."""
    n, done = rank.size, 0
    while st[5] < n and done < budget:
        st[3] = _heap_set(keys, hnodes, hpos, st[3], st[5], _priority(g, st[5], hops, work, tmark, st, level))
        st[5], done = st[5] + 1, done + 1
    while st[3] > 0 and done < budget:
        v = hnodes[0]
        _heap_set(keys, hnodes, hpos, st[3], v, _priority(g, v, hops, work, tmark, st, level))  # lazy update
        if hnodes[0] != v:
            continue
        st[3] = _heap_pop(keys, hnodes, hpos, st[3])
        adj, p_node, p_arc, p_w = g
        sc_i, sc_w = np.empty((adj[1, v] * adj[4, v], 4), np.int64), np.empty(adj[1, v] * adj[4, v])
        cnt, _ = _shortcuts(g, v, hops, work, tmark, st, sc_i, sc_w, _CONTRACT_LIMIT)
        need = st[0] + _pool_need(adj, sc_i, cnt, tmark, st)
        if need > p_node.size:
            size = max(need, p_node.size + p_node.size // 2)
            g = (adj, _grow(p_node, size), _grow(p_arc, size), _grow(p_w, size))
        if st[1] + cnt > arc_a.size:
            size = max(st[1] + cnt, 2 * arc_a.size)
            arc_a, arc_b, hops = _grow(arc_a, size), _grow(arc_b, size), _grow(hops, size)
        _apply(g, v, cnt, sc_i, sc_w, arc_a, arc_b, hops, st)
        rank[v], st[2], done = st[2], st[2] + 1, done + 1
        for base in (0, 3):  # update the neighbours' priorities
            for k in range(adj[base, v], adj[base, v] + adj[base + 1, v]):
                y = g[1][k]
                if nmark[y] != v:
                    nmark[y], old, level[y] = v, level[y], max(level[y], level[v] + 1)
                    if adj[1, y] * adj[4, y] > _LAZY_DEGREE_PRODUCT:
                        prio = keys[hpos[y]] + level[y] - old
                    else:
                        prio = _priority(g, y, hops, work, tmark, st, level)
                    st[3] = _heap_set(keys, hnodes, hpos, st[3], y, prio)
    return g, arc_a, arc_b, hops


@_jit
def _extract(g, arc_a, arc_b, rank, n_arcs):
    """Upward graphs indexed by rank (a contracted node's lists hold its higher neighbours) and the used arcs."""
    adj, p_node, p_arc, p_w = g
    n, remap, nc = rank.size, np.full(n_arcs, -1, np.int64), 0
    out = []
    for base in (0, 3):
        fo = np.zeros(n + 1, np.int64)
        for v in range(n):
            fo[rank[v] + 1] = adj[base + 1, v]
        fo = np.cumsum(fo)
        hd, wt, ar = np.empty(fo[n], np.int32), np.empty(fo[n]), np.empty(fo[n], np.int32)
        for v in range(n):
            o = fo[rank[v]]
            for k in range(adj[base, v], adj[base, v] + adj[base + 1, v]):
                if remap[p_arc[k]] < 0:
                    remap[p_arc[k]], nc = nc, nc + 1
                hd[o], wt[o], ar[o], o = rank[p_node[k]], p_w[k], remap[p_arc[k]], o + 1
        out.append((fo, hd, wt, ar))
    first, second = np.empty(nc, np.int64), np.full(nc, -1, np.int64)
    for a in range(n_arcs):
        if remap[a] >= 0:
            first[remap[a]] = arc_a[a] if arc_b[a] < 0 else remap[arc_a[a]]
            if arc_b[a] >= 0:
                second[remap[a]] = remap[arc_b[a]]
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
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(first_out))
    eid = np.flatnonzero((tail != head) & np.isfinite(weight))
    eid = eid[np.lexsort((weight[eid], head[eid], tail[eid]))]  # keep the cheapest of parallel edges
    eid = eid[np.r_[True, (tail[eid[1:]] != tail[eid[:-1]]) | (head[eid[1:]] != head[eid[:-1]])]] if eid.size else eid
    k, t, h, w = eid.size, tail[eid], head[eid], weight[eid]
    adj = np.zeros((6, n), np.int64)
    adj[1], adj[4] = np.bincount(t, minlength=n), np.bincount(h, minlength=n)
    adj[2], adj[5] = np.maximum(adj[1], 2), np.maximum(adj[4], 2)
    adj[0] = np.cumsum(adj[2]) - adj[2]
    adj[3] = adj[2].sum() + np.cumsum(adj[5]) - adj[5]
    used = int(adj[2].sum() + adj[5].sum())
    p_node, p_arc, p_w = np.empty(2 * used + 16, np.int32), np.empty(2 * used + 16, np.int32), np.empty(2 * used + 16)
    for base, a, b in ((0, t, h), (3, h, t)):  # arc i = eid[i] is sorted by tail
        order = np.argsort(a, kind="stable")
        pos = adj[base, a[order]] + np.arange(k) - np.searchsorted(a[order], a[order])
        p_node[pos], p_arc[pos], p_w[pos] = b[order], order, w[order]
    cap = max(2 * k, 16)
    arc_a, arc_b, hops = np.empty(cap, np.int32), np.full(cap, -1, np.int32), np.ones(cap, np.int32)
    arc_a[:k] = eid
    keys, hnodes, hpos = np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64)
    level, rank = np.zeros(n), np.full(n, -1, np.int32)
    # witness search buffers: distance, heap keys/nodes/positions, touched nodes, target thresholds
    work = (np.full(n, np.inf), np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64), np.empty(n, np.int64))
    work, tmark, nmark = (*work, np.empty(n)), np.zeros(n, np.int64), np.full(n, -1, np.int64)
    st = np.array([used, k, 0, 0, 0, 0], np.int64)
    state = ((adj, p_node, p_arc, p_w), arc_a, arc_b, hops)
    while st[5] < n or st[2] < n:
        state = _contract_chunk(*state, keys, hnodes, hpos, level, rank, work, tmark, nmark, st, max(2000, n // 100))
        if progress is not None:
            progress(float(0.2 * st[5] + 0.8 * st[2]) / max(n, 1))
    fwd, bwd, first, second = _extract(state[0], state[1], state[2], rank, int(st[1]))
    return ContractionHierarchy(rank, *fwd, *bwd, first, second)


# --- query ----------------------------------------------------------------------------------------------------------


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
def _query(ch, arcs, src, src_cost, tgt, tgt_cost, buf, want_path):
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
                size[s] = _heap_set(hk[s], hn[s], hp[s], size[s], r, costs[i])
    best, meet = np.inf, -1
    while True:
        ok0, ok1 = size[0] > 0 and hk[0, 0] < best, size[1] > 0 and hk[1, 0] < best
        if not (ok0 or ok1):
            break
        s = 0 if ok0 and (not ok1 or hk[0, 0] <= hk[1, 0]) else 1
        d, u = hk[s, 0], hn[s, 0]
        size[s] = _heap_pop(hk[s], hn[s], hp[s], size[s])
        up_fo, up_head, up_w, _ = ch[0:4] if s == 0 else ch[4:8]
        dn_fo, dn_head, dn_w, _ = ch[4:8] if s == 0 else ch[0:4]
        stalled = False
        for e in range(dn_fo[u], dn_fo[u + 1]):  # reached cheaper from a higher node: not on a shortest path
            if dist[s, dn_head[e]] + dn_w[e] < d:
                stalled = True
                break
        if stalled:
            continue
        if d + dist[1 - s, u] < best:
            best, meet = d + dist[1 - s, u], u
        for e in range(up_fo[u], up_fo[u + 1]):
            x, nd = up_head[e], d + up_w[e]
            if nd < dist[s, x]:
                if dist[s, x] == np.inf:
                    touched[s, ntouch[s]], ntouch[s] = x, ntouch[s] + 1
                dist[s, x], par[s, x], pe[s, x] = nd, u, e
                size[s] = _heap_set(hk[s], hn[s], hp[s], size[s], x, nd)
    ends, chain = np.array([meet, meet]), np.empty(0, np.int64)
    if meet >= 0 and want_path:
        for s in range(2):  # CH arcs from the source up to meet, then from meet down to the target
            cnt, x = 0, meet
            while par[s, x] >= 0:
                cnt, x = cnt + 1, par[s, x]
            ends[s], part, x = x, np.empty(cnt, np.int64), meet
            for i in range(cnt):
                part[cnt - 1 - i if s == 0 else i] = ch[3][pe[s, x]] if s == 0 else ch[7][pe[s, x]]
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
        names = [f"{d}_{k}" for d in ("fwd", "bwd") for k in ("first_out", "head", "weight", "arc")]
        self._ch = tuple(getattr(ch, name) for name in names)
        self._arcs = np.stack((ch.arc_first, ch.arc_second), axis=1)  # one cache line per arc
        self._rank, self._order = ch.rank.astype(np.int64), np.empty(n, np.int64)
        self._order[self._rank] = np.arange(n)
        ints = [np.full((2, n), -1, np.int64) for _ in range(5)]  # parent, parent arc, heap nodes/slots, touched
        self._buf = (np.full((2, n), np.inf), ints[0], ints[1], np.empty((2, n)), ints[2], ints[3], ints[4])
        self._zero = np.zeros(1)

    def _run(self, src: np.ndarray, sc: np.ndarray, tgt: np.ndarray, tc: np.ndarray, want_path: bool):
        return _query(self._ch, self._arcs, src, sc, tgt, tc, self._buf, want_path)

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
