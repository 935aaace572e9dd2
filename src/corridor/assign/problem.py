"""The arrays an assignment algorithm works on, bundled as named tuples numba can take.

``Net`` is the network and its volume-delay parameters, ``Trips`` the demand by user class
grouped by (class, origin), ``LinkState`` the mutable volumes, times and slopes, ``Scratch``
the reusable buffers of one shortest-path search, and ``Bushes`` Algorithm B's bushes;
``new_net`` and ``new_trips`` build the first two from the engine's inputs.

This module needs no numba: an assignment by Algorithm B's ahead-of-time compiled kernels
(``native``) starts without importing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from corridor.assign.inputs import AssignmentNetwork, Demand, node_indices
from corridor.graphs.csr import csr_order

__all__ = [
    "SO",
    "UE",
    "Bushes",
    "LinkState",
    "Net",
    "Scratch",
    "Trips",
    "build_star",
    "class_fixed_costs",
    "new_bushes",
    "new_net",
    "new_scratch",
    "new_trips",
    "zero_state",
]

#: ``Trips.method``: user equilibrium, system optimum (see ``links`` for the costs of each).
UE = 0
SO = 1


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
    method: int  # UE or SO
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


def zero_state(net: Net) -> LinkState:
    """Zero volumes; times, slopes and curvatures still to be filled (``links.refresh_links``)."""
    m = len(net.tail)
    return LinkState(*(np.zeros(m) for _ in range(5)))


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


class Bushes(NamedTuple):
    """Algorithm B's bushes (``bush``): one per (class, origin) group, and the buffers of the one being worked on."""

    flow: np.ndarray  # float64 (groups, links): each group's flow on each link
    member: np.ndarray  # bool (groups, links): the group's bush
    first_in: np.ndarray  # int64 (nodes + 1): backward star offsets
    in_link: np.ndarray  # int64 per backward star slot: the link entering the node
    order: np.ndarray  # int64 (groups, nodes): each bush's nodes in topological order
    links: np.ndarray  # int32 (groups, links): each bush's links, by their head's place in the order
    link_count: np.ndarray  # int64 (groups): how many links each bush holds
    active: np.ndarray  # bool (groups): the bush moved flow when last equilibrated
    position: np.ndarray  # int64 (groups, nodes): each node's place in its bush's order (-1 when off the bush)
    size: np.ndarray  # int64 (groups): how many nodes each bush holds
    indegree: np.ndarray  # int64 (nodes)
    low: np.ndarray  # float64 (nodes): least cost from the origin over the bush
    low_link: np.ndarray  # int64 (nodes): the link it arrives by
    high: np.ndarray  # float64 (nodes): greatest cost over the bush's used links
    high_link: np.ndarray  # int64 (nodes)
    reach: np.ndarray  # float64 (nodes): greatest cost over all the bush's links (the acyclicity test)
    segment: np.ndarray  # int64 (2, nodes): the two segments being traced
    demand: np.ndarray  # float64 (groups): each group's total demand


def new_bushes(net: Net, trips: Trips) -> Bushes:
    """Empty bushes, one per (class, origin) group of ``trips``."""
    n, m, groups = len(net.first_out) - 1, len(net.tail), len(trips.group_class)
    first_in = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(net.head, minlength=n), out=first_in[1:])
    return Bushes(
        flow=np.zeros((groups, m)),
        member=np.zeros((groups, m), np.bool_),
        first_in=first_in,
        in_link=np.argsort(net.head, kind="stable").astype(np.int64),
        order=np.zeros((groups, n), np.int64),
        links=np.zeros((groups, m), np.int32),
        link_count=np.zeros(groups, np.int64),
        active=np.ones(groups, np.bool_),
        position=np.full((groups, n), -1, np.int64),
        size=np.zeros(groups, np.int64),
        indegree=np.zeros(n, np.int64),
        low=np.zeros(n),
        low_link=np.full(n, -1, np.int64),
        high=np.zeros(n),
        high_link=np.full(n, -1, np.int64),
        reach=np.zeros(n),
        segment=np.zeros((2, max(n, 1)), np.int64),
        demand=np.add.reduceat(trips.demand, trips.group_first[:-1]) if groups else np.zeros(0),
    )


def build_star(num_nodes: int, tail: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward star of the links: ``first_out`` (num_nodes + 1), link id per slot, head per slot."""
    first_out, order = csr_order(tail, num_nodes)
    return first_out, order, np.ascontiguousarray(head[order], dtype=np.int64)


def class_fixed_costs(method: int, fixed_cost: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per class and link, the fixed part of the class's cost in objective units."""
    if method == UE:
        return np.array(fixed_cost[None, :] / weights[:, None], dtype=np.float64)
    return np.array(np.broadcast_to(fixed_cost, (len(weights), len(fixed_cost))), dtype=np.float64)


def new_trips(network: AssignmentNetwork, classes: Sequence[Demand], method: int) -> Trips:
    """The demand of ``classes`` on ``network``, one row per (class, origin, destination), grouped by (class,
    origin); ``method`` is ``UE`` or ``SO``."""
    weights = np.array([c.time_weight for c in classes], dtype=np.float64)
    rows = []
    for k, c in enumerate(classes):
        node_indices(c.origin, f"demand {c.name!r} origin", network.num_nodes)
        node_indices(c.destination, f"demand {c.name!r} destination", network.num_nodes)
        keep = (c.flow > 0) & (c.origin != c.destination)
        rows.append((np.full(int(keep.sum()), k, np.int64), c.origin[keep], c.destination[keep], c.flow[keep]))
    cls, orig, dest, flow = (np.concatenate(parts) for parts in zip(*rows, strict=True))
    # one row per (class, origin, destination), grouped by (class, origin)
    key = np.stack([cls, orig, dest])
    unique, inverse = np.unique(key, axis=1, return_inverse=True)
    demand = np.bincount(inverse.reshape(-1), weights=flow, minlength=unique.shape[1]).astype(np.float64)
    cls, orig, dest = (np.ascontiguousarray(row, dtype=np.int64) for row in unique)
    new_group = np.r_[len(cls) > 0, (cls[1:] != cls[:-1]) | (orig[1:] != orig[:-1])]
    starts = np.flatnonzero(new_group[: len(cls)])
    return Trips(
        method=method,
        origin=np.ascontiguousarray(orig),
        dest=np.ascontiguousarray(dest),
        demand=demand,
        group_first=np.r_[starts, len(cls)].astype(np.int64),
        group_class=np.ascontiguousarray(cls[starts]),
        group_origin=np.ascontiguousarray(orig[starts]),
        weight=weights,
        class_fixed=class_fixed_costs(method, network.fixed_cost, weights),
        gap_scale=weights.copy() if method == UE else np.ones_like(weights),
    )


def new_net(network: AssignmentNetwork) -> Net:
    """The network's arrays, with its forward star."""
    first_out, star_link, star_head = build_star(network.num_nodes, network.tail, network.head)
    # fresh writable copies: numba compiles once per array type, and read-only is a type of its own
    return Net(
        tail=np.array(network.tail, dtype=np.int64),
        head=np.array(network.head, dtype=np.int64),
        first_out=first_out,
        star_link=star_link,
        star_head=star_head,
        kind=np.array(network.vdf_kind, dtype=np.int8),
        free_flow_time=np.array(network.free_flow_time, dtype=np.float64),
        capacity=np.array(network.capacity, dtype=np.float64),
        alpha=np.array(network.alpha, dtype=np.float64),
        beta=np.array(network.beta, dtype=np.float64),
        first_thru=network.first_thru_node,
    )
