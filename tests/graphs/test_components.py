"""Connected components of a small hand-made edge list."""

import numpy as np

from corridor.graphs.components import component_labels, largest_component

# 0-1-2 (with a duplicate edge and a self-loop), 4->3 (one direction only), 5 alone
U = np.array([0, 1, 1, 2, 4])
V = np.array([1, 2, 2, 2, 3])


def test_labels_count_each_component_once():
    count, labels = component_labels(6, U, V)
    assert count == 3
    assert labels.tolist() == [0, 0, 0, 1, 1, 2]  # numbered in order of their lowest node


def test_largest_component():
    assert largest_component(6, U, V).tolist() == [True, True, True, False, False, False]


def test_largest_component_tie_goes_to_the_lowest_label():
    assert largest_component(4, np.array([2, 0]), np.array([3, 1])).tolist() == [True, True, False, False]


def test_no_edges():
    count, labels = component_labels(3, np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert count == 3 and labels.tolist() == [0, 1, 2]
