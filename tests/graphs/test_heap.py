"""The numba heaps against Python's heapq and a dict of keys, on random operation sequences."""

import heapq

import numpy as np
import pytest

from corridor.graphs.heap import indexed_pop, indexed_set, lazy_pop, lazy_push


@pytest.mark.parametrize("seed", range(5))
def test_lazy_heap_pops_in_key_order_like_heapq(seed):
    rng = np.random.default_rng(seed)
    n_ops = 2000
    keys, items = np.empty(n_ops), np.empty(n_ops, np.int64)
    reference: list[tuple[float, int]] = []
    size, pushed, popped = 0, [], []
    for _ in range(n_ops):
        if size and rng.random() < 0.4:
            key, item, size = lazy_pop(keys, items, size)
            ref_key, _ = heapq.heappop(reference)
            assert key == ref_key  # the same key sequence; equal keys may come out in another item order
            popped.append((key, int(item)))
        else:
            key, item = float(rng.integers(0, 50)) / 4, int(rng.integers(0, 100))  # many ties
            size = lazy_push(keys, items, size, key, item)
            heapq.heappush(reference, (key, item))
            pushed.append((key, item))
    while size:
        key, item, size = lazy_pop(keys, items, size)
        assert key == heapq.heappop(reference)[0]
        popped.append((key, int(item)))
    assert sorted(popped) == sorted(pushed)  # every (key, item) pair comes out once


def test_lazy_heap_drains_sorted():
    rng = np.random.default_rng(7)
    values = rng.random(500)
    keys, items = np.empty(500), np.empty(500, np.int64)
    size = 0
    for i, v in enumerate(values):
        size = lazy_push(keys, items, size, v, i)
    out = []
    while size:
        key, item, size = lazy_pop(keys, items, size)
        assert values[item] == key
        out.append(key)
    assert out == sorted(values.tolist())


def _check_positions(nodes, pos, size):
    assert all(pos[nodes[i]] == i for i in range(size))
    assert np.count_nonzero(pos >= 0) == size


@pytest.mark.parametrize("seed", range(5))
def test_indexed_heap_matches_a_dict_of_keys(seed):
    rng = np.random.default_rng(seed)
    n = 60
    keys, nodes, pos = np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64)
    size, reference = 0, {}
    for _ in range(3000):
        if reference and rng.random() < 0.3:
            best = min(reference.values())
            assert keys[0] == best and reference[int(nodes[0])] == best
            del reference[int(nodes[0])]
            size = indexed_pop(keys, nodes, pos, size)
        else:  # insert, or move a key down or up
            node, key = int(rng.integers(0, n)), float(rng.integers(0, 40))
            size = indexed_set(keys, nodes, pos, size, node, key)
            reference[node] = key
        assert size == len(reference)
        _check_positions(nodes, pos, size)
        assert all(keys[pos[v]] == k for v, k in reference.items())
    drained = []
    while size:
        drained.append(keys[0])
        size = indexed_pop(keys, nodes, pos, size)
    assert drained == sorted(reference.values())
    assert np.all(pos == -1)
