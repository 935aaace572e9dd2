"""The arrays an assignment algorithm works on, bundled as named tuples numba can take.

``Net`` is the network and its volume-delay parameters, ``Trips`` the demand by user class
grouped by (class, origin), ``LinkState`` the mutable volumes, times and slopes, and
``Scratch`` the reusable buffers of one shortest-path search.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from corridor.assign.links import refresh_links

__all__ = ["LinkState", "Net", "Scratch", "Trips", "new_scratch", "new_state"]


class Net(NamedTuple):
    tail: np.ndarray  # int64, per link
    head: np.ndarray  # int64, per link
    first_out: np.ndarray  # int64, num_nodes + 1
    star_link: np.ndarray  # int64, link id per forward-star slot
    star_head: np.ndarray  # int64, head node per slot
    kind: np.ndarray  # int8 VdfKind per link
    free_flow_time: np.ndarray
    capacity: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    first_thru: int


class Trips(NamedTuple):
    method: int  # links.UE or links.SO
    origin: np.ndarray  # int64 per OD pair, grouped by (class, origin)
    dest: np.ndarray
    demand: np.ndarray
    group_first: np.ndarray  # int64, n_groups + 1: the OD pairs of group g are group_first[g]:group_first[g+1]
    group_class: np.ndarray
    group_origin: np.ndarray
    weight: np.ndarray  # per class: weight on time
    class_fixed: np.ndarray  # class x link: fixed cost in objective units
    gap_scale: np.ndarray  # per class: objective units -> generalised cost


class LinkState(NamedTuple):
    volume: np.ndarray
    weighted_volume: np.ndarray  # Σ_k w_k · v_k (system optimum marginal costs)
    time: np.ndarray
    slope: np.ndarray
    curvature: np.ndarray


class Scratch(NamedTuple):
    cost: np.ndarray
    dist: np.ndarray
    pred_link: np.ndarray
    order: np.ndarray
    heap_keys: np.ndarray
    heap_items: np.ndarray
    node_demand: np.ndarray
    path: np.ndarray  # int64 per node: a path being traced


def new_state(net: Net) -> LinkState:
    """Zero volumes and the free-flow times and slopes."""
    m = len(net.tail)
    state = LinkState(*(np.zeros(m) for _ in range(5)))
    refresh_state(net, state)
    return state


def refresh_state(net: Net, state: LinkState) -> None:
    refresh_links(
        net.kind, net.free_flow_time, net.capacity, net.alpha, net.beta, state.volume, state.time, state.slope,
        state.curvature,
    )  # fmt: skip


def new_scratch(net: Net) -> Scratch:
    n, m = len(net.first_out) - 1, len(net.tail)
    return Scratch(
        cost=np.zeros(m),
        dist=np.zeros(n),
        pred_link=np.zeros(n, np.int64),
        order=np.zeros(n, np.int64),
        heap_keys=np.zeros(m + 1),
        heap_items=np.zeros(m + 1, np.int64),
        node_demand=np.zeros(n),
        path=np.zeros(max(n, 1), np.int64),
    )
