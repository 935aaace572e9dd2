"""Contraction hierarchy: exact distances and valid edge paths against a plain Dijkstra."""

from __future__ import annotations

import heapq
import threading

import numpy as np
import pytest

from corridor.routing.ch import CHQuery, ContractionHierarchy, build_ch


def _csr(tail: np.ndarray, head: np.ndarray, weight: np.ndarray, n: int):
    order = np.argsort(tail, kind="stable")
    first_out = np.zeros(n + 1, np.int64)
    first_out[1:] = np.cumsum(np.bincount(tail, minlength=n))
    return first_out, head[order].astype(np.int64), weight[order].astype(np.float64)


def _random_graph(seed: int, n: int, m: int):
    """Asymmetric weights, parallel edges, self-loops, ~10% zero weights."""
    rng = np.random.default_rng(seed)
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.random(m) * 10.0
    weight[rng.random(m) < 0.1] = 0.0
    k = m // 20  # duplicate some edges with other weights
    tail, head = np.concatenate((tail, tail[:k])), np.concatenate((head, head[:k]))
    weight = np.concatenate((weight, rng.random(k) * 10.0))
    return _csr(tail, head, weight, n)


def _grid_graph(seed: int, side: int):
    """Grid with different weights in each direction, plus a detached second grid."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate((idx[:, :-1].ravel(), idx[:-1, :].ravel()))
    b = np.concatenate((idx[:, 1:].ravel(), idx[1:, :].ravel()))
    a, b = np.concatenate((a, a + side * side)), np.concatenate((b, b + side * side))
    tail, head = np.concatenate((a, b)), np.concatenate((b, a))
    weight = rng.integers(1, 20, tail.size).astype(np.float64)  # integer weights: many ties
    return _csr(tail, head, weight, 2 * side * side)


def _dijkstra(first_out, head, weight, sources, costs=None) -> np.ndarray:
    n = first_out.size - 1
    dist = np.full(n, np.inf)
    heap = []
    for i, s in enumerate(sources):
        c = 0.0 if costs is None else float(costs[i])
        if c < dist[s]:
            dist[s] = c
            heap.append((c, int(s)))
    heapq.heapify(heap)
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for e in range(first_out[u], first_out[u + 1]):
            nd = d + weight[e]
            if nd < dist[head[e]]:
                dist[head[e]] = nd
                heapq.heappush(heap, (nd, int(head[e])))
    return dist


def _check_path(first_out, head, weight, source, target, dist, edges) -> None:
    tail = np.repeat(np.arange(first_out.size - 1), np.diff(first_out))
    assert edges.dtype.kind == "i"
    if source == target or edges.size == 0:
        assert source == target or dist == 0.0
        return
    assert tail[edges[0]] == source
    assert head[edges[-1]] == target
    assert np.array_equal(head[edges[:-1]], tail[edges[1:]])
    assert weight[edges].sum() == pytest.approx(dist, rel=1e-9, abs=1e-12)


def _check_all(graph, ch: ContractionHierarchy, seed: int, n_sources: int) -> int:
    first_out, head, weight = graph
    n = first_out.size - 1
    q = CHQuery(ch)
    rng = np.random.default_rng(seed)
    checked = 0
    for s in rng.choice(n, size=min(n, n_sources), replace=False):
        expected = _dijkstra(first_out, head, weight, [s])
        for t in rng.choice(n, size=min(n, 40), replace=False):
            d = q.distance(int(s), int(t))
            dp, edges = q.path(int(s), int(t))
            assert d == pytest.approx(expected[t], rel=1e-9, abs=1e-12)
            assert dp == d
            if np.isinf(d):
                assert edges.size == 0
            else:
                _check_path(first_out, head, weight, s, t, d, edges)
            checked += 1
    return checked


@pytest.mark.parametrize(("seed", "n", "m"), [(1, 60, 150), (2, 300, 900), (3, 500, 2500)])
def test_random_graphs_match_dijkstra(seed: int, n: int, m: int) -> None:
    graph = _random_graph(seed, n, m)
    ch = build_ch(*graph)
    assert ch.rank.shape == (n,) and np.array_equal(np.sort(ch.rank), np.arange(n))
    assert _check_all(graph, ch, seed, 15) >= 500


def test_sparse_random_graph_has_unreachable_pairs() -> None:
    graph = _random_graph(7, 400, 450)  # far below connectivity: many unreachable pairs
    ch = build_ch(*graph)
    first_out, head, weight = graph
    q = CHQuery(ch)
    expected = _dijkstra(first_out, head, weight, [0])
    unreachable = np.flatnonzero(np.isinf(expected))
    assert unreachable.size > 0
    for t in unreachable[:50]:
        assert q.distance(0, int(t)) == np.inf
        d, edges = q.path(0, int(t))
        assert d == np.inf and edges.size == 0
    _check_all(graph, ch, 7, 10)


def test_grid_graph_matches_dijkstra() -> None:
    graph = _grid_graph(4, 20)
    ch = build_ch(*graph)
    assert _check_all(graph, ch, 4, 15) >= 500
    q = CHQuery(ch)
    assert q.distance(0, 400) == np.inf  # the two grids are not connected


def test_hub_graph_matches_dijkstra() -> None:
    """A node with hundreds of arcs takes the witness search's hub shortcut path."""
    rng = np.random.default_rng(8)
    ring = np.arange(599)
    spokes = rng.choice(599, 400, replace=False)
    tail = np.concatenate((ring, (ring + 1) % 599, np.full(400, 599), spokes))
    head = np.concatenate(((ring + 1) % 599, ring, spokes, np.full(400, 599)))
    graph = _csr(tail, head, rng.random(tail.size) * 10.0, 600)
    assert _check_all(graph, build_ch(*graph), 8, 12) >= 400


def test_source_equals_target_and_zero_cycle() -> None:
    # 0 -> 1 -> 2 -> 0 all free, 2 -> 3 costs 4, 3 -> 3 self-loop
    first_out, head, weight = _csr(np.array([0, 1, 2, 2, 3]), np.array([1, 2, 0, 3, 3]), np.array([0.0, 0, 0, 4, 1]), 4)
    q = CHQuery(build_ch(first_out, head, weight))
    for v in range(4):
        d, edges = q.path(v, v)
        assert d == 0.0 and edges.size == 0
    d, edges = q.path(1, 3)
    assert d == 4.0
    _check_path(first_out, head, weight, 1, 3, d, edges)
    d, edges = q.path(0, 2)
    assert d == 0.0
    _check_path(first_out, head, weight, 0, 2, d, edges)
    assert q.distance(3, 0) == np.inf


def test_parallel_edges_use_the_cheapest_original_id() -> None:
    first_out = np.array([0, 3, 4, 4])
    head = np.array([1, 1, 2, 2])
    weight = np.array([5.0, 2.0, 9.0, 1.0])  # edges 0 and 1 are parallel 0->1
    q = CHQuery(build_ch(first_out, head, weight))
    d, edges = q.path(0, 2)
    assert d == 3.0 and edges.tolist() == [1, 3]


def test_round_trip_through_savez(tmp_path) -> None:
    graph = _random_graph(11, 250, 800)
    ch = build_ch(*graph)
    np.savez(tmp_path / "ch.npz", **ch.to_arrays())
    with np.load(tmp_path / "ch.npz") as data:
        ch2 = ContractionHierarchy.from_arrays(data)
    for name, arr in ch.to_arrays().items():
        assert np.array_equal(arr, ch2.to_arrays()[name]), name
    q1, q2 = CHQuery(ch), CHQuery(ch2)
    rng = np.random.default_rng(11)
    for s, t in rng.integers(0, 250, (300, 2)):
        d1, e1 = q1.path(int(s), int(t))
        d2, e2 = q2.path(int(s), int(t))
        assert d1 == d2 and np.array_equal(e1, e2)


def test_path_multi_matches_brute_force() -> None:
    graph = _random_graph(5, 300, 1000)
    first_out, head, weight = graph
    q = CHQuery(build_ch(*graph))
    rng = np.random.default_rng(5)
    for _ in range(40):
        src = rng.choice(300, size=rng.integers(1, 5), replace=False)
        tgt = rng.choice(300, size=rng.integers(1, 5), replace=False)
        sc, tc = rng.random(src.size) * 5, rng.random(tgt.size) * 5
        best = min(
            sc[i] + _dijkstra(first_out, head, weight, [s])[t] + tc[j]
            for i, s in enumerate(src)
            for j, t in enumerate(tgt)
        )
        d, s, t, edges = q.path_multi(src, sc, tgt, tc)
        assert d == pytest.approx(best, rel=1e-9, abs=1e-12)
        if np.isinf(best):
            assert (s, t) == (-1, -1) and edges.size == 0
            continue
        i, j = np.flatnonzero(src == s)[0], np.flatnonzero(tgt == t)[0]
        inner = d - sc[i] - tc[j]
        assert inner == pytest.approx(_dijkstra(first_out, head, weight, [s])[t], abs=1e-9)
        _check_path(first_out, head, weight, s, t, inner, edges)


def test_path_multi_shared_node_and_negative_costs() -> None:
    graph = _grid_graph(2, 6)
    q = CHQuery(build_ch(*graph))
    d, s, t, edges = q.path_multi([3, 5], [2.0, 0.5], [5, 9], [0.25, 0.0])
    assert (d, s, t) == (0.75, 5, 5) and edges.size == 0
    # costs may be negative: only differences matter for the choice
    d, s, t, _ = q.path_multi([0, 35], [-1000.0, 0.0], [35], [-1.0])
    assert s == 0 and d == pytest.approx(-1001.0 + q.distance(0, 35))


def test_progress_and_degenerate_graphs() -> None:
    seen: list[float] = []
    build_ch(*_random_graph(9, 100, 300), progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0) and all(0.0 <= f <= 1.0 for f in seen)
    assert seen == sorted(seen)
    empty = build_ch(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0))
    assert empty.num_nodes == 0
    q = CHQuery(build_ch(np.zeros(4, np.int64), np.zeros(0, np.int64), np.zeros(0)))
    assert q.distance(0, 2) == np.inf and q.distance(1, 1) == 0.0
    with pytest.raises(ValueError):
        build_ch(np.array([0, 1, 1]), np.array([1]), np.array([-1.0]))
    with pytest.raises(IndexError):
        q.distance(0, 3)


def test_queries_in_threads_agree() -> None:
    graph = _random_graph(13, 400, 1500)
    ch = build_ch(*graph)
    pairs = np.random.default_rng(13).integers(0, 400, (400, 2))
    reference = [CHQuery(ch).path(int(s), int(t)) for s, t in pairs]
    results: dict[int, list] = {}

    def work(i: int) -> None:
        q = CHQuery(ch)
        results[i] = [q.path(int(s), int(t)) for s, t in pairs]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for got in results.values():
        for (d1, e1), (d2, e2) in zip(reference, got, strict=True):
            assert d1 == d2 and np.array_equal(e1, e2)
