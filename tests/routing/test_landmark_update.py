"""Landmark bounds brought up to date for new figures (a scenario's) equal a fresh search on the graph of each
edge's smaller weight, and keep every A* answer exact on the new figures."""

import numpy as np
import pytest
from test_search import random_graph, reference

from corridor.routing.landmarks import both_ways_layout, compute_landmarks, update_landmarks
from corridor.routing.search import METRICS, SearchBuffers, dijkstra_all, shortest_path


def _changed(metrics: np.ndarray, seed: int, share: float) -> np.ndarray:
    """Some edges cheaper, some dearer, some closed (inf), the rest as they were."""
    rng = np.random.default_rng(seed)
    new = metrics.copy()
    pick = rng.random(metrics.shape) < share
    new[pick] *= rng.uniform(0.1, 3.0, int(pick.sum()))
    new[:, rng.random(metrics.shape[1]) < share / 4] = np.inf
    return new


@pytest.mark.parametrize("seed", range(6))
def test_update_equals_a_fresh_search_on_the_smaller_weights(seed):
    first_out, head, tail, metrics, _ = random_graph(seed)
    nodes, table = compute_landmarks(first_out, head, tail, metrics, np.ones(len(first_out) - 1, bool), count=4)
    new = _changed(metrics, seed + 50, share=0.1)
    layout = both_ways_layout(first_out, head, tail)
    got = update_landmarks(layout, metrics, new, table)
    offsets, both_head, order = layout
    for k in range(len(METRICS)):
        weight = np.concatenate([np.minimum(metrics[k], new[k])] * 2)[order]
        for i, landmark in enumerate(nodes):
            expected = dijkstra_all(offsets, both_head, weight, int(landmark)).astype(np.float32)
            np.testing.assert_allclose(got[:, k, i], expected, rtol=1e-6, err_msg=f"metric {k}, landmark {i}")


def test_update_keeps_the_table_when_nothing_got_cheaper():
    first_out, head, tail, metrics, _ = random_graph(3)
    _, table = compute_landmarks(first_out, head, tail, metrics, np.ones(len(first_out) - 1, bool), count=4)
    dearer = metrics * 1.5
    dearer[0, :10] = np.inf
    assert update_landmarks(both_ways_layout(first_out, head, tail), metrics, dearer, table) is table


@pytest.mark.parametrize("seed", range(4))
def test_searches_with_updated_bounds_stay_exact(seed):
    first_out, head, tail, metrics, mode = random_graph(seed)
    n = len(first_out) - 1
    _, table = compute_landmarks(first_out, head, tail, metrics, np.ones(n, bool), count=4)
    new = _changed(metrics, seed + 90, share=0.3)
    bounds = update_landmarks(both_ways_layout(first_out, head, tail), metrics, new, table)
    finite = np.where(np.isfinite(new), new, 1e300)  # a closed edge: never taken
    rng = np.random.default_rng(seed + 7)
    buffers = SearchBuffers(n)
    everything = np.ones(n, bool)
    for _ in range(40):
        coef = rng.uniform(0, 2, 4) * (rng.random(4) < 0.7)
        if not coef.any():
            coef[0] = 1.0
        s, t = (int(x) for x in rng.integers(0, n, 2))
        blocked = ~np.isfinite(new).all(axis=0)
        expected = reference(first_out, head, tail, coef @ finite, ~blocked, s)[t]
        got = shortest_path(
            first_out, head, tail, finite, mode, coef, sources=[s], targets=[t], mode_ok=np.ones(6, bool),
            node_ok=everything, edge_blocked=blocked, landmark_dist=bounds, buffers=buffers,
        )  # fmt: skip
        assert got.cost == pytest.approx(expected, rel=1e-9, abs=1e-9)
