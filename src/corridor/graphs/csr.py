"""Compressed sparse row (forward star) arrays from edge lists.

A directed graph on nodes ``0 .. n-1`` in CSR form keeps the edges leaving node ``x`` in slots
``first_out[x] .. first_out[x + 1]``. :func:`csr_order` gives ``first_out`` and the permutation
that puts an edge list into that slot order; callers apply it to every per-edge array they keep
(heads, weights, ids). The sort is stable, so edges of one tail keep their input order: the graph
builders rely on it for reproducible arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = ["csr_order", "edge_tails"]


def csr_order(tail: ArrayLike, num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(first_out, order)`` for edges leaving ``tail``: int64[num_nodes + 1] offsets and the int64
    permutation (stable by tail) that sorts per-edge arrays into CSR slot order.

    Raises ValueError if a tail lies outside ``0 .. num_nodes - 1``.
    """
    tail = np.asarray(tail)
    counts = np.bincount(tail, minlength=num_nodes)  # rejects negative values itself
    if counts.size > num_nodes:
        raise ValueError(f"tail node {int(tail.max())} outside 0..{num_nodes - 1}")
    first_out = np.zeros(num_nodes + 1, np.int64)
    np.cumsum(counts, out=first_out[1:])
    return first_out, np.argsort(tail, kind="stable").astype(np.int64, copy=False)


def edge_tails(first_out: np.ndarray, dtype: DTypeLike = np.int64) -> np.ndarray:
    """Tail node of every CSR slot (the inverse of :func:`csr_order`'s grouping), as ``dtype``."""
    return np.repeat(np.arange(len(first_out) - 1, dtype=dtype), np.diff(first_out))
