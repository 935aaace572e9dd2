"""Connected components of undirected edge lists (scipy's ``connected_components``).

The network build and the gap healing both ask which nodes hang together when every edge is
usable both ways; this module answers from plain ``u``/``v`` arrays, so no caller builds a
sparse matrix by hand. Labels are scipy's: components numbered in the order of their lowest node.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import connected_components

__all__ = ["component_labels", "largest_component"]


def component_labels(num_nodes: int, u: ArrayLike, v: ArrayLike) -> tuple[int, np.ndarray]:
    """``(count, labels)``: the number of components and each node's component (int32[num_nodes]).

    Edges join ``u[i]`` and ``v[i]`` either way; duplicates and self-loops are fine.
    """
    u, v = np.asarray(u), np.asarray(v)
    graph = sp.coo_matrix((np.ones(len(u), np.int8), (u, v)), shape=(num_nodes, num_nodes))
    count, labels = connected_components(graph, directed=False)
    return int(count), labels


def largest_component(num_nodes: int, u: ArrayLike, v: ArrayLike) -> np.ndarray:
    """Boolean mask of the nodes in the largest component (the lowest-numbered one on a tie)."""
    labels = component_labels(num_nodes, u, v)[1]
    return labels == np.argmax(np.bincount(labels))
