"""The A*/landmark search equals a plain Dijkstra on the same weights and masks."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from corridor.routing.landmarks import compute_landmarks
from corridor.routing.search import SearchBuffers, bounded_tree, dijkstra_all, shortest_path


def random_graph(seed: int, n: int = 400, m: int = 1600):
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n, m)
    v = rng.integers(0, n, m)
    keep = u != v
    u, v = u[keep], v[keep]
    metrics = rng.uniform(0.0, 10.0, (4, len(u)))
    metrics[:, rng.random(len(u)) < 0.05] = 0.0  # some zero-weight edges
    mode = rng.integers(0, 6, len(u)).astype(np.int8)
    order = np.argsort(u, kind="stable")
    u, v, metrics, mode = u[order], v[order], metrics[:, order], mode[order]
    first_out = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=first_out[1:])
    return first_out, v.astype(np.int32), u.astype(np.int32), np.ascontiguousarray(metrics), mode


def reference(first_out, head, tail, weight, keep_edge, source):
    n = len(first_out) - 1
    # parallel edges: csgraph keeps the minimum only if we reduce first
    w = np.where(keep_edge, weight, np.inf)
    best = {}
    for a, b, x in zip(tail.tolist(), head.tolist(), w.tolist(), strict=True):
        if np.isfinite(x) and x < best.get((a, b), np.inf):
            best[(a, b)] = x
    if not best:
        return np.full(n, np.inf)
    rows, cols = zip(*best.keys(), strict=True)
    vals = np.array(list(best.values())) + 1e-300  # keep explicit zeros as edges
    graph = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    return dijkstra(graph, indices=source)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alt_equals_reference_dijkstra_with_masks(seed):
    first_out, head, tail, metrics, mode = random_graph(seed)
    n = len(first_out) - 1
    usable = np.ones(n, bool)
    _, lm = compute_landmarks(first_out, head, tail, metrics, usable, count=4)
    rng = np.random.default_rng(seed + 100)
    buffers = SearchBuffers(n)
    checked = 0
    for trial in range(60):
        coef = rng.uniform(0, 2, 4) * (rng.random(4) < 0.7)
        if not coef.any():
            coef[0] = 1.0
        node_ok = rng.random(n) > (0.1 if trial % 2 else 0.0)
        mode_ok = rng.random(6) > 0.2
        blocked = rng.random(len(head)) < 0.05
        s, t = rng.integers(0, n, 2)
        node_ok[[s, t]] = True
        weight = coef @ metrics
        keep = mode_ok[mode] & ~blocked & node_ok[head] & node_ok[tail]
        expected = reference(first_out, head, tail, weight, keep, s)[t]
        for landmarks in (None, lm):
            got = shortest_path(
                first_out,
                head,
                tail,
                metrics,
                mode,
                coef,
                sources=[s],
                targets=[t],
                mode_ok=mode_ok,
                node_ok=node_ok,
                edge_blocked=blocked,
                landmark_dist=landmarks,
                buffers=buffers,
            )
            assert got.cost == pytest.approx(expected, rel=1e-9, abs=1e-9)
            if np.isfinite(expected):
                path = got.edges
                assert np.all(keep[path])
                assert weight[path].sum() == pytest.approx(expected, rel=1e-9, abs=1e-9)
                if len(path):
                    assert tail[path[0]] == s and head[path[-1]] == t
                    assert np.all(head[path[:-1]] == tail[path[1:]])
                checked += 1
    assert checked > 20


def test_multi_source_and_target_costs():
    first_out, head, tail, metrics, mode = random_graph(7)
    n = len(first_out) - 1
    coef = np.array([1.0, 0, 0, 0])
    ok = np.ones(n, bool)
    modes = np.ones(6, bool)
    blocked = np.zeros(len(head), bool)
    sources, s_cost = np.array([3, 9]), np.array([5.0, 0.5])
    targets, t_cost = np.array([11, 40, 77]), np.array([0.0, 2.0, 1.0])
    got = shortest_path(
        first_out,
        head,
        tail,
        metrics,
        mode,
        coef,
        sources=sources,
        targets=targets,
        source_cost=s_cost,
        target_cost=t_cost,
        mode_ok=modes,
        node_ok=ok,
        edge_blocked=blocked,
        buffers=SearchBuffers(n),
    )
    brute = min(
        sc + dijkstra_all(first_out, head, metrics[0], s)[t] + tc
        for s, sc in zip(sources, s_cost, strict=True)
        for t, tc in zip(targets, t_cost, strict=True)
    )
    assert got.cost == pytest.approx(brute)


def test_unreachable_gives_inf_and_no_edges():
    first_out = np.array([0, 1, 1, 1], np.int64)
    head = np.array([1], np.int32)
    tail = np.array([0], np.int32)
    metrics = np.ones((4, 1))
    got = shortest_path(
        first_out,
        head,
        tail,
        metrics,
        np.zeros(1, np.int8),
        np.array([1.0, 0, 0, 0]),
        sources=[0],
        targets=[2],
        mode_ok=np.ones(6, bool),
        node_ok=np.ones(3, bool),
        edge_blocked=np.zeros(1, bool),
        buffers=SearchBuffers(3),
    )
    assert got.cost == np.inf and len(got.edges) == 0


def test_bounded_tree_never_reaches_beyond_the_limit_not_even_a_source():
    """A source whose own cost exceeds the limit (a reach gateway farther than the budget) is not reached,
    and neither is anything behind it; every reached node lies within the limit."""
    first_out, head, _tail, metrics, mode = random_graph(7)
    n = len(first_out) - 1
    options = {
        "mode_ok": np.ones(6, bool),
        "node_ok": np.ones(n, bool),
        "edge_blocked": np.zeros(len(head), bool),
    }
    coef = np.array([1.0, 0.0, 0.0, 0.0])
    beyond, _ = bounded_tree(
        first_out, head, metrics, mode, coef, sources=[0], source_cost=[12.0], limit=10.0, **options
    )
    assert np.isinf(beyond).all()
    within, _ = bounded_tree(
        first_out, head, metrics, mode, coef, sources=[0], source_cost=[4.0], limit=10.0, **options
    )
    reached = within[np.isfinite(within)]
    assert within[0] == 4.0 and len(reached) > 1 and (reached <= 10.0).all()


@pytest.mark.parametrize("seed", [4, 5])
def test_scaled_weights_equal_reference_dijkstra_on_the_scaled_graph(seed):
    """The penalty method's edge factors (each at least 1): A* with the unscaled landmark bounds stays exact."""
    first_out, head, tail, metrics, mode = random_graph(seed)
    n = len(first_out) - 1
    _, lm = compute_landmarks(first_out, head, tail, metrics, np.ones(n, bool), count=4)
    rng = np.random.default_rng(seed + 200)
    buffers = SearchBuffers(n)
    every = np.ones(len(mode), bool)
    checked = 0
    for _ in range(40):
        coef = rng.uniform(0.1, 2, 4)
        factor = np.where(rng.random(len(head)) < 0.3, rng.uniform(1.0, 4.0, len(head)), 1.0)
        s, t = rng.integers(0, n, 2)
        expected = reference(first_out, head, tail, (coef @ metrics) * factor, every, s)[t]
        for landmarks in (None, lm):
            got = shortest_path(
                first_out, head, tail, metrics, mode, coef, sources=[s], targets=[t], mode_ok=np.ones(6, bool),
                node_ok=np.ones(n, bool), edge_blocked=np.zeros(len(head), bool), landmark_dist=landmarks,
                buffers=buffers, edge_factor=factor,
            )  # fmt: skip
            assert got.cost == pytest.approx(expected, rel=1e-9, abs=1e-9)
            checked += bool(np.isfinite(expected))
        plain = shortest_path(
            first_out, head, tail, metrics, mode, coef, sources=[s], targets=[t], mode_ok=np.ones(6, bool),
            node_ok=np.ones(n, bool), edge_blocked=np.zeros(len(head), bool), landmark_dist=lm, buffers=buffers,
        )  # fmt: skip
        ones = shortest_path(
            first_out, head, tail, metrics, mode, coef, sources=[s], targets=[t], mode_ok=np.ones(6, bool),
            node_ok=np.ones(n, bool), edge_blocked=np.zeros(len(head), bool), landmark_dist=lm, buffers=buffers,
            edge_factor=np.ones(len(head)),
        )  # fmt: skip
        assert ones.cost == plain.cost and np.array_equal(ones.edges, plain.edges)
    assert checked > 20
