"""CSR arrays from edge lists, against a plain Python grouping."""

import numpy as np
import pytest

from corridor.graphs.csr import csr_order, edge_tails


def _python_csr(tail, n):
    rows = [[] for _ in range(n)]
    for e, t in enumerate(tail):
        rows[t].append(e)
    first_out = [0]
    for row in rows:
        first_out.append(first_out[-1] + len(row))
    return first_out, [e for row in rows for e in row]


@pytest.mark.parametrize("seed", range(6))
def test_csr_order_matches_python_grouping(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 50))
    tail = rng.integers(0, n, int(rng.integers(0, 200))).astype(np.int32 if seed % 2 else np.int64)
    first_out, order = csr_order(tail, n)
    expected_first, expected_order = _python_csr(tail.tolist(), n)
    assert first_out.dtype == np.int64 and order.dtype == np.int64
    assert first_out.tolist() == expected_first
    assert order.tolist() == expected_order  # stable: a node's edges keep their input order
    assert np.array_equal(edge_tails(first_out)[: len(order)], tail[order])


def test_empty_graph_and_isolated_nodes():
    first_out, order = csr_order(np.zeros(0, np.int64), 3)
    assert first_out.tolist() == [0, 0, 0, 0] and order.size == 0
    first_out, order = csr_order(np.array([2, 2, 0]), 4)
    assert first_out.tolist() == [0, 1, 1, 3, 3] and order.tolist() == [2, 0, 1]


@pytest.mark.parametrize("tail", [[0, 3], [-1, 0]])
def test_tail_out_of_range_is_an_error(tail):
    with pytest.raises(ValueError):
        csr_order(np.array(tail), 3)


def test_edge_tails_dtype_and_values():
    tails = edge_tails(np.array([0, 2, 2, 3]), np.int32)
    assert tails.dtype == np.int32 and tails.tolist() == [0, 0, 2]
