"""Contraction hierarchy (CH) over a directed CSR graph, compiled with numba.

The graph comes as RoutingKit-style parallel arrays: ``first_out`` (n+1 offsets), ``head``
(m target nodes) and ``weight`` (m non-negative costs, in whatever unit the caller uses).
Parallel edges, asymmetric weights, zero weights and disconnected parts are fine; self-loops
and infinite weights are ignored.

:func:`build_ch` orders the nodes by a lazily updated priority (hierarchy level + shortcut
quotient + hop quotient) and contracts them, with bounded witness searches (a missed witness
only adds a superfluous shortcut). :class:`CHQuery` answers queries by a bidirectional upward
Dijkstra with stall-on-demand and unpacks shortcuts into ORIGINAL edge ids (the cheapest of
parallel edges), so callers can read any other per-edge attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

import numpy as np
from numba import njit

__all__ = ["CHQuery", "ContractionHierarchy", "build_ch"]

_SIM_LIMIT = 50  # settled nodes per witness search when estimating a priority
_CONTRACT_LIMIT = 500  # settled nodes per witness search when contracting
_ADJ_FIELDS = 6  # rows of the dynamic adjacency: out start/count/capacity, in start/count/capacity


# --- indexed binary min-heap: keys/nodes hold the heap, pos[node] its slot or -1 -------------


@njit(cache=True, nogil=True)
def _sift_up(keys, nodes, pos, i):
    key, node = keys[i], nodes[i]
    while i > 0:
        p = (i - 1) >> 1
        if keys[p] <= key:
            break
        keys[i], nodes[i] = keys[p], nodes[p]
        pos[nodes[i]] = i
        i = p
    keys[i], nodes[i] = key, node
    pos[node] = i


@njit(cache=True, nogil=True)
def _sift_down(keys, nodes, pos, i, size):
    key, node = keys[i], nodes[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and keys[c + 1] < keys[c]:
            c += 1
        if keys[c] >= key:
            break
        keys[i], nodes[i] = keys[c], nodes[c]
        pos[nodes[i]] = i
        i = c
    keys[i], nodes[i] = key, node
    pos[node] = i


@njit(cache=True, nogil=True)
def _heap_set(keys, nodes, pos, size, node, key):
    """Insert ``node`` or change its key; returns the new heap size."""
    i = pos[node]
    if i < 0:
        keys[size], nodes[size] = key, node
        _sift_up(keys, nodes, pos, size)
        return size + 1
    old = keys[i]
    keys[i] = key
    if key < old:
        _sift_up(keys, nodes, pos, i)
    else:
        _sift_down(keys, nodes, pos, i, size)
    return size


@njit(cache=True, nogil=True)
def _heap_pop(keys, nodes, pos, size):
    """Drop the minimum (read ``keys[0]``, ``nodes[0]`` first); returns the new size."""
    pos[nodes[0]] = -1
    size -= 1
    if size > 0:
        keys[0], nodes[0] = keys[size], nodes[size]
        _sift_down(keys, nodes, pos, 0, size)
    return size


# --- build --------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _grow(a, size):
    b = np.empty(size, a.dtype)
    b[: a.size] = a
    return b


@njit(cache=True, nogil=True)
def _append(adj, base, u, node, arc, w, p_node, p_arc, p_w, st):
    """Append (node, arc, w) to u's out (base 0) or in (base 3) list, moving it if full.

    The caller guarantees room at the pool's end (see :func:`_pool_need`)."""
    start, cnt, cap = adj[base, u], adj[base + 1, u], adj[base + 2, u]
    if cnt == cap:
        cap, used = max(4, 2 * cap), st[0]
        p_node[used : used + cnt] = p_node[start : start + cnt]
        p_arc[used : used + cnt] = p_arc[start : start + cnt]
        p_w[used : used + cnt] = p_w[start : start + cnt]
        adj[base, u], adj[base + 2, u], st[0] = used, cap, used + cap
        start = used
    p_node[start + cnt], p_arc[start + cnt], p_w[start + cnt] = node, arc, w
    adj[base + 1, u] = cnt + 1


@njit(cache=True, nogil=True)
def _pool_need(adj, sc_i, cnt):
    """Upper bound on the pool space that appending ``cnt`` shortcuts may take."""
    need = 0
    for i in range(cnt):
        need += 2 * max(4, adj[2, sc_i[i, 0]]) + 2 * max(4, adj[5, sc_i[i, 1]])
    return need


@njit(cache=True, nogil=True)
def _witness(s, skip, bound, ntarget, limit, adj, p_node, p_w, dist, hk, hn, hp, touched, tmark, stamp):
    """Bounded Dijkstra from s avoiding ``skip``; returns how many nodes got a distance."""
    dist[s] = 0.0
    touched[0] = s
    nt, size, settled = 1, _heap_set(hk, hn, hp, 0, s, 0.0), 0
    while size > 0:
        d, y = hk[0], hn[0]
        size = _heap_pop(hk, hn, hp, size)
        if tmark[y] == stamp:
            ntarget -= 1
            if ntarget == 0:
                break
        settled += 1
        if settled > limit:
            break
        for k in range(adj[0, y], adj[0, y] + adj[1, y]):
            z, nd = p_node[k], d + p_w[k]
            if z != skip and nd <= bound and nd < dist[z]:
                if dist[z] == np.inf:
                    touched[nt] = z
                    nt += 1
                dist[z] = nd
                size = _heap_set(hk, hn, hp, size, z, nd)
    for i in range(size):
        hp[hn[i]] = -1
    return nt


@njit(cache=True, nogil=True)
def _shortcuts(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, sc_i, sc_w, limit):
    """Shortcuts needed to contract v: rows (u, x, arc u->v, arc v->x) of sc_i, weights sc_w
    (the caller sizes them to in-degree x out-degree).

    Returns (count, priority without the level): added/removed arcs + added/removed hops."""
    dist, hk, hn, hp, touched = work
    o0, oc, i0, ic = adj[0, v], adj[1, v], adj[3, v], adj[4, v]
    cnt, hops_added, hops_removed = 0, 0, 0
    for k in range(o0, o0 + oc):
        hops_removed += hops[p_arc[k]]
    for j in range(i0, i0 + ic):
        u, wu = p_node[j], p_w[j]
        hops_removed += hops[p_arc[j]]
        st[4] += 1
        ntarget, wmax = 0, 0.0
        for k in range(o0, o0 + oc):
            if p_node[k] != u:
                tmark[p_node[k]] = st[4]
                ntarget += 1
                wmax = max(wmax, p_w[k])
        if ntarget == 0:
            continue
        nt = _witness(u, v, wu + wmax, ntarget, limit, adj, p_node, p_w, dist, hk, hn, hp,
                      touched, tmark, st[4])
        for k in range(o0, o0 + oc):
            x = p_node[k]
            if x != u and dist[x] > wu + p_w[k]:
                sc_i[cnt, 0], sc_i[cnt, 1], sc_i[cnt, 2], sc_i[cnt, 3] = u, x, p_arc[j], p_arc[k]
                sc_w[cnt] = wu + p_w[k]
                hops_added += hops[p_arc[j]] + hops[p_arc[k]]
                cnt += 1
        for t in range(nt):
            dist[touched[t]] = np.inf
    return cnt, cnt / max(oc + ic, 1) + hops_added / max(hops_removed, 1)


@njit(cache=True, nogil=True)
def _remove(adj, base, u, node, p_node, p_arc, p_w):
    """Remove ``node`` from u's out (base 0) or in (base 3) list (swap with the last entry)."""
    start, cnt = adj[base, u], adj[base + 1, u]
    for k in range(start, start + cnt):
        if p_node[k] == node:
            last = start + cnt - 1
            p_node[k], p_arc[k], p_w[k] = p_node[last], p_arc[last], p_w[last]
            adj[base + 1, u] = cnt - 1
            return


@njit(cache=True, nogil=True)
def _apply(v, cnt, sc_i, sc_w, adj, p_node, p_arc, p_w, arc_a, arc_b, hops, st):
    """Insert v's shortcuts (or lower an existing arc u->x) and unlink v from its neighbours."""
    for i in range(cnt):
        u, x, a1, a2, w = sc_i[i, 0], sc_i[i, 1], sc_i[i, 2], sc_i[i, 3], sc_w[i]
        found = -1
        for k in range(adj[0, u], adj[0, u] + adj[1, u]):
            if p_node[k] == x:
                found = k
                break
        if found >= 0 and p_w[found] <= w:
            continue
        a = st[1]
        arc_a[a], arc_b[a], hops[a] = a1, a2, hops[a1] + hops[a2]
        st[1] += 1
        if found >= 0:  # cheaper than the existing arc u->x: replace it in both lists
            p_w[found], p_arc[found] = w, a
            for k in range(adj[3, x], adj[3, x] + adj[4, x]):
                if p_node[k] == u:
                    p_w[k], p_arc[k] = w, a
        else:
            _append(adj, 0, u, x, a, w, p_node, p_arc, p_w, st)
            _append(adj, 3, x, u, a, w, p_node, p_arc, p_w, st)
    for k in range(adj[0, v], adj[0, v] + adj[1, v]):
        _remove(adj, 3, p_node[k], v, p_node, p_arc, p_w)
    for k in range(adj[3, v], adj[3, v] + adj[4, v]):
        _remove(adj, 0, p_node[k], v, p_node, p_arc, p_w)


@njit(cache=True, nogil=True)
def _priority(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, level):
    """Priority of v (needs no shortcut buffer: only counts)."""
    sc_i = np.empty((adj[1, v] * adj[4, v], 4), np.int64)
    cnt, prio = _shortcuts(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, sc_i,
                           np.empty(sc_i.shape[0]), _SIM_LIMIT)
    return level[v] + prio


@njit(cache=True, nogil=True)
def _contract_chunk(adj, p_node, p_arc, p_w, arc_a, arc_b, hops, keys, hnodes, hpos, level,
                    rank, st, budget):
    """Initialise priorities / contract up to ``budget`` nodes; returns the (regrown) arrays.

    st: [pool used, arcs, nodes contracted, heap size, stamp, nodes initialised]."""
    n = rank.size
    work = (np.full(n, np.inf), np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64),
            np.empty(n, np.int64))
    tmark, nmark = np.zeros(n, np.int64), np.full(n, -1, np.int64)
    done = 0
    while st[5] < n and done < budget:  # initial priorities
        v = st[5]
        prio = _priority(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, level)
        st[3] = _heap_set(keys, hnodes, hpos, st[3], v, prio)
        st[5] += 1
        done += 1
    while st[3] > 0 and done < budget:
        v = hnodes[0]
        prio = _priority(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, level)
        _heap_set(keys, hnodes, hpos, st[3], v, prio)  # lazy update
        if hnodes[0] != v:
            continue
        st[3] = _heap_pop(keys, hnodes, hpos, st[3])
        sc_i = np.empty((adj[1, v] * adj[4, v], 4), np.int64)
        sc_w = np.empty(sc_i.shape[0])
        cnt, _ = _shortcuts(v, adj, p_node, p_arc, p_w, hops, work, tmark, st, sc_i, sc_w,
                            _CONTRACT_LIMIT)
        need = st[0] + _pool_need(adj, sc_i, cnt)
        if need > p_node.size:
            size = max(need, p_node.size + p_node.size // 2)
            p_node, p_arc, p_w = _grow(p_node, size), _grow(p_arc, size), _grow(p_w, size)
        if st[1] + cnt > arc_a.size:
            size = max(st[1] + cnt, 2 * arc_a.size)
            arc_a, arc_b, hops = _grow(arc_a, size), _grow(arc_b, size), _grow(hops, size)
        _apply(v, cnt, sc_i, sc_w, adj, p_node, p_arc, p_w, arc_a, arc_b, hops, st)
        rank[v] = st[2]
        st[2] += 1
        done += 1
        for base in (0, 3):  # update the neighbours' priorities
            for k in range(adj[base, v], adj[base, v] + adj[base + 1, v]):
                y = p_node[k]
                if nmark[y] != v:
                    nmark[y] = v
                    level[y] = max(level[y], level[v] + 1)
                    prio = _priority(y, adj, p_node, p_arc, p_w, hops, work, tmark, st, level)
                    st[3] = _heap_set(keys, hnodes, hpos, st[3], y, prio)
    return adj, p_node, p_arc, p_w, arc_a, arc_b, hops


@njit(cache=True, nogil=True)
def _extract(adj, p_node, p_arc, p_w, arc_a, arc_b, rank, n_arcs):
    """Upward graphs indexed by rank, plus the arc table restricted to the arcs used."""
    n = rank.size
    remap = np.full(n_arcs, -1, np.int64)
    out = []
    nc = 0
    for base in (0, 3):
        fo = np.zeros(n + 1, np.int64)
        for v in range(n):
            fo[rank[v] + 1] = adj[base + 1, v]
        fo = np.cumsum(fo)
        hd, wt, ar = np.empty(fo[n], np.int32), np.empty(fo[n]), np.empty(fo[n], np.int32)
        for v in range(n):
            o = fo[rank[v]]
            for k in range(adj[base, v], adj[base, v] + adj[base + 1, v]):
                a = p_arc[k]
                if remap[a] < 0:
                    remap[a] = nc
                    nc += 1
                hd[o], wt[o], ar[o] = rank[p_node[k]], p_w[k], remap[a]
                o += 1
        out.append((fo, hd, wt, ar))
    first, second = np.empty(nc, np.int64), np.empty(nc, np.int64)
    for a in range(n_arcs):
        c = remap[a]
        if c >= 0:
            if arc_b[a] < 0:
                first[c], second[c] = arc_a[a], -1
            else:
                first[c], second[c] = remap[arc_a[a]], remap[arc_b[a]]
    return out[0], out[1], first, second


@dataclass(frozen=True)
class ContractionHierarchy:
    """Index over one fixed weight; build once, query many times (thread-safe: queries keep
    their own buffers). The upward graphs are indexed by rank; ``*_arc`` point into the arc
    table, where an arc is an original edge (``arc_first`` = edge id, ``arc_second`` = -1) or
    a shortcut (``arc_first``, ``arc_second`` = its two child arcs, in path order)."""

    rank: np.ndarray  # int32[n]: contraction order of each node
    fwd_first_out: np.ndarray  # int64[n+1]: upward arcs r->s, rank s > rank r, stored at r
    fwd_head: np.ndarray  # int32: s (a rank)
    fwd_weight: np.ndarray  # float64
    fwd_arc: np.ndarray  # int32: arc table index
    bwd_first_out: np.ndarray  # int64[n+1]: arcs s->r with rank s > rank r, stored at r
    bwd_head: np.ndarray  # int32: s (a rank)
    bwd_weight: np.ndarray  # float64
    bwd_arc: np.ndarray  # int32
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
        dtypes = {"first_out": np.int64, "head": np.int32, "weight": np.float64,
                  "arc": np.int32, "rank": np.int32, "arc_first": np.int64,
                  "arc_second": np.int64}
        kw = {}
        for f in fields(cls):
            key = f.name if f.name in dtypes else f.name.split("_", 1)[1]
            kw[f.name] = np.ascontiguousarray(np.asarray(arrays[f.name]), dtype=dtypes[key])
        return cls(**kw)


def build_ch(first_out: np.ndarray, head: np.ndarray, weight: np.ndarray, *,
             progress: Callable[[float], None] | None = None) -> ContractionHierarchy:
    """Contract the graph; ``progress(fraction_done)`` is called now and then."""
    first_out = np.asarray(first_out, np.int64)
    head, weight = np.asarray(head, np.int64), np.asarray(weight, np.float64)
    n, m = first_out.size - 1, head.size
    if n < 0 or first_out[0] != 0 or first_out[-1] != m or weight.size != m:
        raise ValueError("first_out/head/weight do not describe a CSR graph")
    if np.any(np.diff(first_out) < 0) or (m and (head.min() < 0 or head.max() >= n)):
        raise ValueError("first_out must be non-decreasing and head within [0, n)")
    if np.any(np.isnan(weight)) or np.any(weight < 0):
        raise ValueError("weights must be non-negative")
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(first_out))
    eid = np.flatnonzero((tail != head) & np.isfinite(weight))
    eid = eid[np.lexsort((weight[eid], head[eid], tail[eid]))]  # keep the cheapest parallel
    keep = np.ones(eid.size, bool)
    keep[1:] = (tail[eid[1:]] != tail[eid[:-1]]) | (head[eid[1:]] != head[eid[:-1]])
    eid = eid[keep]
    k, t, h, w = eid.size, tail[eid], head[eid], weight[eid]
    cap_o = np.maximum(np.bincount(t, minlength=n), 2)
    cap_i = np.maximum(np.bincount(h, minlength=n), 2)
    adj = np.zeros((_ADJ_FIELDS, n), np.int64)
    adj[0] = np.cumsum(cap_o) - cap_o
    adj[3] = cap_o.sum() + np.cumsum(cap_i) - cap_i
    adj[2], adj[5] = cap_o, cap_i
    used = int(cap_o.sum() + cap_i.sum())
    size = 2 * used + 16
    p_node, p_arc, p_w = np.empty(size, np.int32), np.empty(size, np.int32), np.empty(size)
    order = np.argsort(t, kind="stable")  # already sorted by tail
    pos = adj[0, t[order]] + (np.arange(k) - np.searchsorted(t[order], t[order]))
    p_node[pos], p_arc[pos], p_w[pos] = h[order], order, w[order]
    order = np.argsort(h, kind="stable")
    pos = adj[3, h[order]] + (np.arange(k) - np.searchsorted(h[order], h[order]))
    p_node[pos], p_arc[pos], p_w[pos] = t[order], order, w[order]
    adj[1], adj[4] = np.bincount(t, minlength=n), np.bincount(h, minlength=n)
    cap = max(2 * k, 16)
    arc_a, arc_b, hops = np.empty(cap, np.int32), np.full(cap, -1, np.int32), np.ones(cap, np.int32)
    arc_a[:k] = eid
    keys, hnodes, hpos = np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64)
    level, rank = np.zeros(n), np.full(n, -1, np.int32)
    st = np.array([used, k, 0, 0, 0, 0], np.int64)
    state = (adj, p_node, p_arc, p_w, arc_a, arc_b, hops)
    budget = max(2000, n // 100)
    while st[5] < n or st[2] < n:
        state = _contract_chunk(*state, keys, hnodes, hpos, level, rank, st, budget)
        if progress is not None:
            progress(float(0.2 * st[5] + 0.8 * st[2]) / max(n, 1))
    fwd, bwd, first, second = _extract(*state[:4], state[4], state[5], rank, int(st[1]))
    return ContractionHierarchy(rank, *fwd, *bwd, first, second)


# --- query --------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _unpack(chain, arcs, edges, stack):
    """Expand CH arcs into original edge ids; returns their count, or -1 if a buffer is full."""
    ne = 0
    for i in range(chain.size):
        stack[0], top = chain[i], 1
        while top > 0:
            top -= 1
            a = stack[top]
            first, second = arcs[a, 0], arcs[a, 1]
            if second < 0:
                if ne == edges.size:
                    return -1
                edges[ne] = first
                ne += 1
            elif top + 2 > stack.size:
                return -1
            else:
                stack[top], stack[top + 1] = second, first
                top += 2
    return ne


@njit(cache=True, nogil=True)
def _query(fwd_fo, fwd_head, fwd_w, fwd_arc, bwd_fo, bwd_head, bwd_w, bwd_arc, arcs, src, src_cost, tgt, tgt_cost, dist, par, pe, hk, hn, hp, touched,
           want_path):
    """Bidirectional upward Dijkstra (row 0 forward, row 1 backward) with stall-on-demand.

    Returns (distance, source rank, target rank, original edge ids); buffers are reset."""
    ntouch = np.zeros(2, np.int64)
    size = np.zeros(2, np.int64)
    for side in range(2):
        nodes, costs = (src, src_cost) if side == 0 else (tgt, tgt_cost)
        for i in range(nodes.size):
            r, c = nodes[i], costs[i]
            if c < dist[side, r]:
                if dist[side, r] == np.inf:
                    touched[side, ntouch[side]] = r
                    ntouch[side] += 1
                dist[side, r] = c
                size[side] = _heap_set(hk[side], hn[side], hp[side], size[side], r, c)
    best, meet = np.inf, -1
    while True:
        ok0 = size[0] > 0 and hk[0, 0] < best
        ok1 = size[1] > 0 and hk[1, 0] < best
        if not (ok0 or ok1):
            break
        s = 0 if ok0 and (not ok1 or hk[0, 0] <= hk[1, 0]) else 1
        d, u = hk[s, 0], hn[s, 0]
        size[s] = _heap_pop(hk[s], hn[s], hp[s], size[s])
        up_fo, up_head, up_w = (fwd_fo, fwd_head, fwd_w) if s == 0 else (bwd_fo, bwd_head, bwd_w)
        dn_fo, dn_head, dn_w = (bwd_fo, bwd_head, bwd_w) if s == 0 else (fwd_fo, fwd_head, fwd_w)
        stalled = False
        for e in range(dn_fo[u], dn_fo[u + 1]):
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
                    touched[s, ntouch[s]] = x
                    ntouch[s] += 1
                dist[s, x], par[s, x], pe[s, x] = nd, u, e
                size[s] = _heap_set(hk[s], hn[s], hp[s], size[s], x, nd)
    ends = np.array([meet, meet])
    chain = np.empty(0, np.int64)
    if meet >= 0 and want_path:
        for s in range(2):  # CH arcs from the source up to meet, then from meet down
            cnt, x = 0, meet
            while par[s, x] >= 0:
                cnt, x = cnt + 1, par[s, x]
            ends[s] = x
            part, x = np.empty(cnt, np.int64), meet
            for i in range(cnt):
                part[cnt - 1 - i if s == 0 else i] = (fwd_arc if s == 0 else bwd_arc)[pe[s, x]]
                x = par[s, x]
            chain = np.concatenate((chain, part))
    edges, stack = np.empty(max(64, 16 * chain.size), np.int64), np.empty(64, np.int64)
    ne = _unpack(chain, arcs, edges, stack)
    while ne < 0:  # a buffer was too small (rare): retry with bigger ones
        edges, stack = np.empty(2 * edges.size, np.int64), np.empty(2 * stack.size, np.int64)
        ne = _unpack(chain, arcs, edges, stack)
    for s in range(2):
        for i in range(ntouch[s]):
            x = touched[s, i]
            dist[s, x], par[s, x], hp[s, x] = np.inf, -1, -1
    return best, ends[0], ends[1], edges[:ne].copy()


class CHQuery:
    """Per-thread query object holding its own buffers (RoutingKit habit)."""

    def __init__(self, ch: ContractionHierarchy) -> None:
        self.ch = ch
        n = ch.num_nodes
        self._order = np.empty(n, np.int64)
        self._order[ch.rank] = np.arange(n)
        self._rank = ch.rank.astype(np.int64)
        self._dist = np.full((2, n), np.inf)
        self._par = np.full((2, n), -1, np.int64)
        self._pe = np.zeros((2, n), np.int64)
        self._hk, self._hn = np.empty((2, n)), np.empty((2, n), np.int64)
        self._hp = np.full((2, n), -1, np.int64)
        self._touched = np.empty((2, n), np.int64)
        self._zero = np.zeros(1)
        self._arcs = np.stack((ch.arc_first, ch.arc_second), axis=1)  # one cache line per arc

    def _run(self, src, sc, tgt, tc, want_path):
        c = self.ch
        return _query(c.fwd_first_out, c.fwd_head, c.fwd_weight, c.fwd_arc, c.bwd_first_out,
                      c.bwd_head, c.bwd_weight, c.bwd_arc, self._arcs, src, sc,
                      tgt, tc, self._dist, self._par, self._pe, self._hk, self._hn, self._hp,
                      self._touched, want_path)

    def _node(self, v: int) -> np.ndarray:
        if not 0 <= v < self._rank.size:
            raise IndexError(f"node {v} out of range")
        return self._rank[v : v + 1]

    def distance(self, source: int, target: int) -> float:
        """Shortest distance (caller's weight unit); inf if unreachable."""
        z = self._zero
        return float(self._run(self._node(source), z, self._node(target), z, False)[0])

    def path(self, source: int, target: int) -> tuple[float, np.ndarray]:
        """(distance, original edge ids of the shortest path in order); (inf, empty) if
        unreachable; (0, empty) if source == target."""
        z = self._zero
        d, _, _, edges = self._run(self._node(source), z, self._node(target), z, True)
        return float(d), edges

    def path_multi(self, sources, source_costs, targets, target_costs
                   ) -> tuple[float, int, int, np.ndarray]:
        """Best pair over many sources/targets with initial costs: (distance incl. the initial
        costs, chosen source, chosen target, edge ids); (inf, -1, -1, empty) if none."""
        src, tgt = np.asarray(sources, np.int64), np.asarray(targets, np.int64)
        sc, tc = np.asarray(source_costs, np.float64), np.asarray(target_costs, np.float64)
        if src.shape != sc.shape or tgt.shape != tc.shape or src.ndim != 1 or tgt.ndim != 1:
            raise ValueError("sources/targets and their costs must be 1-d and of equal length")
        n = self._rank.size
        if np.any((src < 0) | (src >= n)) or np.any((tgt < 0) | (tgt >= n)):
            raise IndexError("node out of range")
        if np.isnan(sc).any() or np.isnan(tc).any():
            raise ValueError("costs must not be NaN")
        src, sc = src[np.isfinite(sc)], sc[np.isfinite(sc)]
        tgt, tc = tgt[np.isfinite(tc)], tc[np.isfinite(tc)]
        if src.size == 0 or tgt.size == 0:
            return np.inf, -1, -1, np.empty(0, np.int64)
        s0, t0 = sc.min(), tc.min()  # shift so both sides start at 0 (keeps stopping exact)
        d, rs, rt, edges = self._run(self._rank[src], sc - s0, self._rank[tgt], tc - t0, True)
        if d == np.inf:
            return np.inf, -1, -1, edges
        return float(d + s0 + t0), int(self._order[rs]), int(self._order[rt]), edges
