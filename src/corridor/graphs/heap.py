"""Binary min-heaps on preallocated arrays, for the numba-compiled searches.

Two kinds, because the searches need two:

* a **lazy** heap (:func:`lazy_push`, :func:`lazy_pop`) of (key, item) pairs. An item may sit in it
  several times; the caller skips stale entries when it pops them (``key > dist[item]``, or a closed
  flag). Pushing is cheap and needs no per-node slot table, so one-off searches (A*, Dijkstra,
  assignment trees) use it. Its buffers need one slot per push: edges + sources + 1 suffices.
* an **indexed** heap (:func:`indexed_set`, :func:`indexed_pop`) holding each node at most once, with
  ``pos[node]`` its slot or -1. A node's key can go down or up in place, which the contraction
  hierarchy needs for its node order (priorities rise) and which keeps its witness and query searches
  within one slot per node.

Ties are broken by heap position, never by item, so the order of equal keys is the one these exact
routines produce: callers rely on it for bit-identical results.

numba's on-disk cache (``cache=True``) keys a compiled caller on the caller's own source file only: after
editing this module, delete the callers' ``__pycache__/*.nbi`` / ``*.nbc`` files (or touch the callers).
"""

from __future__ import annotations

from numba import njit

__all__ = ["indexed_pop", "indexed_set", "lazy_pop", "lazy_push"]

_jit = njit(cache=True, nogil=True)


@_jit
def lazy_push(keys, items, size, key, item):  # pragma: no cover - numba
    """Add (key, item) to the heap of ``size`` entries in ``keys``/``items``; returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        items[i] = items[parent]
        i = parent
    keys[i] = key
    items[i] = item
    return size + 1


@_jit
def lazy_pop(keys, items, size):  # pragma: no cover - numba
    """Remove the entry of least key; returns (key, item, new size). The heap must not be empty."""
    key, item = keys[0], items[0]
    size -= 1
    last_key, last_item = keys[size], items[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if last_key <= keys[child]:
            break
        keys[i] = keys[child]
        items[i] = items[child]
        i = child
    keys[i] = last_key
    items[i] = last_item
    return key, item, size


@_jit
def _sift(keys, nodes, pos, i, size):  # pragma: no cover - numba
    """Move the entry at slot ``i`` up or down to its place, keeping ``pos`` in step."""
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
def indexed_set(keys, nodes, pos, size, node, key):  # pragma: no cover - numba
    """Insert ``node`` with ``key``, or change its key if it is in the heap; returns the new size."""
    i = pos[node]
    if i < 0:
        i, size = size, size + 1
    keys[i], nodes[i] = key, node
    _sift(keys, nodes, pos, i, size)
    return size


@_jit
def indexed_pop(keys, nodes, pos, size):  # pragma: no cover - numba
    """Drop the minimum (read ``keys[0]`` and ``nodes[0]`` first); returns the new size. Sets its ``pos`` to -1."""
    pos[nodes[0]] = -1
    size -= 1
    if size > 0:
        keys[0], nodes[0] = keys[size], nodes[size]
        _sift(keys, nodes, pos, 0, size)
    return size
