"""Stochastic user equilibrium on the corridor network: logit route choice over each pair's distinct routes.

Deterministic equilibrium sends every shipper of a class the cheapest way. Real shippers differ in what they
weigh (contracts, risk, service quality the model does not see), so each pair's demand is shared over its
candidate routes — the distinct routes found in the corridor variants (``flow_variants.csv``) — by a logit on
their generalized cost: ``P(route) ∝ exp(−θ · (C_route − C_cheapest))`` with ``θ`` the class's dispersion (per
USD per TEU: a route 1/θ dearer than the cheapest gets e times fewer boxes). Costs depend on the flows through
the capacities' queues, so the shares and the flows are solved together by successive averages with a
self-regulated step: load the logit shares at the current costs and move the route flows part of the way towards
them — a longer step while the gap falls, half as long when it rises (plain 1/n averaging needs thousands of
iterations at the dispersions calibrated here) — until the SUE gap, the absolute change of link flows the
loading asks for relative to the flows, falls below the target. A class's routes through
countries it avoids are not in its set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from corridor.assign import AssignmentNetwork, AssignmentResult
from corridor.assign.engine import PathSet
from corridor.assign.vdf import VdfKind, queue_time, unserved_share

__all__ = ["RouteChoice", "link_times", "stochastic_equilibrium"]

#: The averaging step's growth while the gap falls, its cut when the gap rises, and its floor.
_GROW, _SHRINK, _MIN_STEP = 1.1, 0.5, 1e-3


@dataclass(frozen=True)
class RouteChoice:
    """The candidate routes of every OD cell (a class from an origin node to a destination node).

    OD cell ``i`` is class ``od_class[i]`` with ``od_flow[i]`` TEU a year; route ``p`` serves cell ``path_od[p]``
    along links ``links[link_first[p]:link_first[p + 1]]``, and costs ``path_usd_per_teu[p]`` on top of its links
    (None: nothing; a land-market box's cost of shipping from home). Routes are grouped by cell, cells in order.
    """

    od_class: np.ndarray
    od_origin: np.ndarray
    od_destination: np.ndarray
    od_flow: np.ndarray
    path_od: np.ndarray
    link_first: np.ndarray
    links: np.ndarray
    path_usd_per_teu: np.ndarray | None = None

    def incidence(self, link_count: int) -> sparse.csr_matrix:
        """Routes × links, 1 where a route uses a link (a link used twice counts twice)."""
        counts = np.diff(self.link_first)
        rows = np.repeat(np.arange(len(counts)), counts)
        data = np.ones(len(self.links))
        return sparse.csr_matrix((data, (rows, self.links)), shape=(len(counts), link_count))


def link_times(network: AssignmentNetwork, flows: np.ndarray) -> np.ndarray:
    """Hours per link at these flows: queueing links wait as their queue function says, the rest free flow."""
    queue = network.vdf_kind == VdfKind.QUEUE
    out = network.free_flow_time.astype(float).copy()
    if queue.any():
        out[queue] = queue_time(
            flows[queue], network.free_flow_time[queue], network.capacity[queue], network.alpha[queue],
            network.beta[queue],
        )  # fmt: skip
    return out


def _logit_shares(cost: np.ndarray, path_od: np.ndarray, od_start: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Each route's share of its cell's demand: a logit on its cost less the cell's cheapest."""
    cheapest = np.minimum.reduceat(cost, od_start)
    weight = np.exp(-theta * (cost - cheapest[path_od]))
    total = np.add.reduceat(weight, od_start)
    return weight / total[path_od]


def stochastic_equilibrium(
    network: AssignmentNetwork,
    choice: RouteChoice,
    *,
    time_weight: Sequence[float],
    dispersion_per_usd: Sequence[float],
    class_names: Sequence[str],
    gap: float = 1e-4,
    max_iterations: int = 5000,
    progress: Callable[[int, float], None] | None = None,
) -> AssignmentResult:
    """Logit route choice at equilibrium with the queues (see the module docstring).

    ``time_weight`` (USD per TEU-hour) and ``dispersion_per_usd`` are per class. Returns an AssignmentResult
    (method ``sue``, algorithm ``msa``) whose ``gap_history`` is the SUE gap per iteration and whose ``paths``
    hold every route's flow.
    """
    start = time.perf_counter()
    n_links = len(network.tail)
    a = choice.incidence(n_links)
    od_start = np.flatnonzero(np.diff(np.concatenate(([-1], choice.path_od))))
    path_class = choice.od_class[choice.path_od]
    weight = np.asarray(time_weight, float)[path_class]
    theta = np.asarray(dispersion_per_usd, float)[path_class]
    fixed = a @ network.fixed_cost
    if choice.path_usd_per_teu is not None:
        fixed = fixed + choice.path_usd_per_teu
    demand = choice.od_flow[choice.path_od]

    def load(flows: np.ndarray) -> np.ndarray:
        cost = weight * (a @ link_times(network, flows)) + fixed
        return demand * _logit_shares(cost, choice.path_od, od_start, theta)

    path_flow = load(np.zeros(n_links))
    flows = a.T @ path_flow
    history: list[float] = []
    converged = False
    step = 1.0
    for n in range(1, max_iterations + 1):
        target = load(flows)
        target_links = a.T @ target
        change = float(np.abs(target_links - flows).sum() / max(flows.sum(), 1e-12))
        history.append(change)
        if progress is not None:
            progress(n, change)
        if change <= gap:
            converged = True
            break
        if len(history) > 1:  # self-regulated averaging: a longer step while the gap falls, half as long when it rises
            step = max(step * _SHRINK, _MIN_STEP) if change > history[-2] else min(step * _GROW, 1.0)
        path_flow = path_flow + step * (target - path_flow)
        flows = a.T @ path_flow
    times = link_times(network, flows)
    class_flows = np.zeros((len(class_names), n_links))
    for c in range(len(class_names)):
        on = path_class == c
        class_flows[c] = a[on].T @ path_flow[on]
    paths = PathSet(
        od_class=choice.od_class, od_origin=choice.od_origin, od_destination=choice.od_destination,
        path_od=choice.path_od, path_flow=path_flow, link_first=choice.link_first, links=choice.links,
    )  # fmt: skip
    return AssignmentResult(
        method="sue",
        algorithm="msa",
        flows=flows,
        class_flows=class_flows,
        link_times=times,
        link_costs=times + network.fixed_cost,
        relative_gap=history[-1] if history else 0.0,
        iterations=len(history),
        seconds=time.perf_counter() - start,
        gap_history=np.array(history),
        total_system_travel_time=float(flows @ times),
        converged=converged,
        unserved_share=np.where(network.vdf_kind == VdfKind.QUEUE, unserved_share(flows, network.capacity), 0.0),
        paths=paths,
    )
