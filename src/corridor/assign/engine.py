"""Static traffic assignment: the front door ``assign``, its inputs and its result.

``assign(network, demand)`` loads one or more user classes onto a directed network with
volume-delay functions and returns the link volumes at user equilibrium (``method="ue"``, every
used path of an OD pair is a cheapest one) or at system optimum (``"so"``, total generalised
cost is least; routes by marginal cost).

A link's generalised cost for class ``k`` is ``w_k · t(v) + f``: ``t`` the volume-delay time
(``vdf``), ``v`` the volume of all classes together, ``w_k`` the class's weight on time (a value
of time; 1 for a single class) and ``f`` the link's fixed cost (tolls, distance charges), in
the same units as ``w_k · t``.

Algorithms: ``b`` (default), the bush-based Algorithm B (``bush``), the fastest to relative gaps
of 1e-10 and below; ``gp``, path-based gradient projection, as precise and the one that keeps the
paths (``AssignmentResult.paths``); ``fw``, ``cfw`` and ``bfw``, the Frank–Wolfe family, for
comparison. All support several classes.

Algorithm B runs on kernels compiled ahead of time where they are built (``native``: no numba to
import, so a small network is answered in a fraction of a second), else on numba's JIT; the other
algorithms import their numba code when first used.

The relative gap is ``(TSTT − SPTT) / TSTT`` in generalised cost, with ``TSTT = Σ flow × cost``
and ``SPTT = Σ demand × shortest-path cost`` at the current costs (for ``so`` the costs are the
marginal costs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor.assign import algorithm_b, native
from corridor.assign.inputs import AssignmentNetwork, Demand
from corridor.assign.native import Kernels
from corridor.assign.problem import SO, UE, LinkState, Net, Scratch, Trips, new_net, new_scratch, new_trips, zero_state
from corridor.assign.vdf import VdfKind, unserved_share
from corridor.constants import ASSIGNMENT_ALGORITHMS, ASSIGNMENT_METHODS, DEFAULT_ASSIGNMENT_ALGORITHM
from corridor.errors import InputError, OptionsError

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "METHODS",
    "STALL_ITERATIONS",
    "STOP_REASONS",
    "AssignmentResult",
    "PathSet",
    "assign",
    "conservation_error",
    "stop_reason",
]

METHODS = ASSIGNMENT_METHODS
ALGORITHMS = ASSIGNMENT_ALGORITHMS
DEFAULT_ALGORITHM = DEFAULT_ASSIGNMENT_ALGORITHM

#: Passes over the known paths (no shortest paths) after each gradient projection iteration.
_RESTRICTED_PASSES = 3
#: ``b`` and ``gp`` stop when their relative gap has not reached a new low for this many iterations: the floor
#: of double precision (about 1e-13 on ChicagoSketch), where the gap only wanders. The Frank–Wolfe family is
#: exempt: its gap wanders for hundreds of iterations on its way down.
STALL_ITERATIONS = 50
_STALLING = ("b", "gp")
#: Why a run stopped (``AssignmentResult.stopped_by``).
STOP_REASONS = ("gap", "iterations", "seconds", "stall")


def stop_reason(
    history: Sequence[float], gap: float, max_iterations: int, seconds: float, max_seconds: float | None, stalls: bool
) -> str | None:
    """Why a run whose relative gaps so far are ``history`` stops now (one of ``STOP_REASONS``), or None to go
    on."""
    if history[-1] <= gap:
        return "gap"
    if len(history) >= max_iterations:
        return "iterations"
    if max_seconds is not None and seconds >= max_seconds:
        return "seconds"
    recent, before = history[-STALL_ITERATIONS:], history[:-STALL_ITERATIONS]
    if stalls and before and min(recent) >= min(before):
        return "stall"
    return None


@dataclass(frozen=True)
class PathSet:
    """Paths with flow at the end of a path-based run, grouped by OD pair.

    OD pair ``i`` is class ``od_class[i]`` from ``od_origin[i]`` to ``od_destination[i]``. Path
    ``p`` serves OD pair ``path_od[p]`` with ``path_flow[p]`` along links
    ``links[link_first[p]:link_first[p + 1]]`` (link indices, in order).
    """

    od_class: np.ndarray
    od_origin: np.ndarray
    od_destination: np.ndarray
    path_od: np.ndarray
    path_flow: np.ndarray
    link_first: np.ndarray
    links: np.ndarray

    def between(self, origin: int, destination: int, demand_class: int = 0) -> list[tuple[np.ndarray, float]]:
        """(links, flow) of each path used from ``origin`` to ``destination`` by one class."""
        ods = np.flatnonzero(
            (self.od_origin == origin) & (self.od_destination == destination) & (self.od_class == demand_class)
        )
        out = []
        for p in np.flatnonzero(np.isin(self.path_od, ods)):
            out.append((self.links[self.link_first[p] : self.link_first[p + 1]], float(self.path_flow[p])))
        return out


@dataclass(frozen=True)
class AssignmentResult:
    """Link volumes and times at the end of an assignment, with how far it converged.

    ``link_costs`` is ``time + fixed cost`` (the generalised cost of a class with weight 1);
    ``total_system_travel_time`` is ``Σ volume × time``. ``unserved_share`` is, on queue links,
    the share of the volume above capacity (0 elsewhere): demand the service or crossing cannot
    carry in the period, which the queue function prices but does not forecast.
    """

    method: str
    algorithm: str
    flows: np.ndarray
    class_flows: np.ndarray
    link_times: np.ndarray
    link_costs: np.ndarray
    relative_gap: float
    iterations: int
    seconds: float
    gap_history: np.ndarray
    total_system_travel_time: float
    converged: bool
    unserved_share: np.ndarray
    stopped_by: str = "gap"  # why the run stopped: "gap", "iterations", "seconds" or "stall" (``STOP_REASONS``)
    kernels: str = "jit"  # "native": Algorithm B's ahead-of-time kernels ran (``native``); "jit": numba's JIT
    paths: PathSet | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Summary figures (no per-link arrays), ready for JSON."""
        return {
            "method": self.method,
            "algorithm": self.algorithm,
            "relative_gap": float(self.relative_gap),
            "iterations": int(self.iterations),
            "seconds": float(self.seconds),
            "total_system_travel_time": float(self.total_system_travel_time),
            "converged": bool(self.converged),
            "stopped_by": self.stopped_by,
            "kernels": self.kernels,
        }


def _check_reachable(net: Net, trips: Trips, classes: Sequence[Demand], kernels: Kernels) -> None:
    scratch = new_scratch(net)
    cost = net.free_flow_time.copy()
    for g in range(len(trips.group_class)):
        origin = int(trips.group_origin[g])
        kernels.shortest_tree(
            net.first_out, net.star_link, net.star_head, cost, net.first_thru, origin, scratch.dist,
            scratch.pred_link, scratch.order, scratch.heap_keys, scratch.heap_items,
        )  # fmt: skip
        dest = trips.dest[trips.group_first[g] : trips.group_first[g + 1]]
        lost = dest[~np.isfinite(scratch.dist[dest])]
        if len(lost):
            name = classes[int(trips.group_class[g])].name
            raise InputError(f"demand {name!r}: no path from node index {origin} to node index {int(lost[0])}")


def _gradient_projection(
    net: Net, trips: Trips, state: LinkState, scratch: Scratch, should_stop: Callable[[int, float], bool]
) -> tuple[np.ndarray, PathSet]:
    """Class volumes and paths; iterates until ``should_stop(iteration, gap)``."""
    from corridor.assign import gradient_projection as gp

    pool = gp.new_pool(len(trips.demand), len(net.tail))
    iteration = 0
    while True:
        iteration += 1
        resume = gp.sweep(net, trips, state, scratch, pool, 0)
        while resume >= 0:
            pool = gp.grow(pool)
            resume = gp.sweep(net, trips, state, scratch, pool, resume)
        if resume == -2:
            raise InputError("link costs overflowed to infinity: check capacities and volume-delay parameters")
        for _ in range(_RESTRICTED_PASSES):
            gp.restricted_pass(net, trips, state, pool)
        if should_stop(iteration, gp.settle(net, trips, state, scratch, pool)):
            break
        pool = gp.compact(pool)
    path_od, path_flow, link_first, links = gp.export_paths(pool)
    od_class = trips.group_class[np.repeat(np.arange(len(trips.group_class)), np.diff(trips.group_first))]
    paths = PathSet(od_class, trips.origin, trips.dest, path_od, path_flow, link_first, links)
    # class volumes: each path's flow on each of its links, summed per (class, link)
    n_classes, n_links = len(trips.weight), len(net.tail)
    per_link = np.repeat(np.arange(len(path_od)), np.diff(link_first))
    index = od_class[path_od[per_link]] * n_links + links
    volumes = np.bincount(index, weights=path_flow[per_link], minlength=n_classes * n_links)
    return volumes.reshape(n_classes, n_links), paths


def _frank_wolfe(
    net: Net, trips: Trips, state: LinkState, scratch: Scratch, variant: str, should_stop: Callable[[int, float], bool]
) -> np.ndarray:
    """Class volumes; iterates until ``should_stop(iteration, gap)``."""
    from corridor.assign import frank_wolfe as fw

    solver = fw.FrankWolfe(net, trips, state, scratch, variant)
    iteration = 0
    while True:
        iteration += 1
        if should_stop(iteration, solver.gap()):
            return solver.flows
        solver.step()


def conservation_error(network: AssignmentNetwork, classes: Sequence[Demand], class_flows: np.ndarray) -> float:
    """The largest flow imbalance at any node for any class, as a share of that class's demand: what enters a
    node less what leaves it, against the trips that end there less those that start there. 0 for flows that
    conserve every trip."""
    worst = 0.0
    n = network.num_nodes
    for k, c in enumerate(classes):
        net_in = np.bincount(network.head, class_flows[k], n) - np.bincount(network.tail, class_flows[k], n)
        trips = np.bincount(c.destination, c.flow, n) - np.bincount(c.origin, c.flow, n)
        total = float(np.sum(c.flow))
        if total > 0.0:
            worst = max(worst, float(np.abs(net_in - trips).max()) / total)
    return worst


def assign(
    network: AssignmentNetwork,
    demand: Demand | Sequence[Demand],
    *,
    method: str = "ue",
    algorithm: str = DEFAULT_ALGORITHM,
    gap: float = 1e-4,
    max_iterations: int = 10_000,
    max_seconds: float | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> AssignmentResult:
    """Assign ``demand`` (one class or several) to ``network``.

    Stops at the first iteration whose relative gap is at most ``gap``, or after
    ``max_iterations`` iterations or ``max_seconds`` seconds, or (``b`` and ``gp``) when the gap has not
    reached a new low for ``STALL_ITERATIONS`` iterations, whichever comes first (``converged`` and
    ``stopped_by`` tell which). ``progress(iteration, gap)`` is called after every iteration.
    """
    if method not in METHODS:
        raise OptionsError(f"unknown method {method!r}; use one of {', '.join(METHODS)}", option="method")
    if algorithm not in ALGORITHMS:
        raise OptionsError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}", option="algorithm")
    if not (np.isfinite(gap) and gap >= 0):
        raise OptionsError(f"gap must be a finite number ≥ 0, got {gap}", option="gap")
    if max_iterations < 1:
        raise OptionsError("max_iterations must be at least 1", option="max_iterations")
    classes = [demand] if isinstance(demand, Demand) else list(demand)
    if not classes:
        raise InputError("no demand classes given")
    started = time.perf_counter()
    net = new_net(network)
    trips = new_trips(network, classes, SO if method == "so" else UE)
    state, scratch = zero_state(net), new_scratch(net)
    kernels = native.kernels((net, trips, state, scratch)) if algorithm == "b" else native.jit_kernels()
    _check_reachable(net, trips, classes, kernels)
    kernels.refresh_links(
        net.kind, net.free_flow_time, net.capacity, net.alpha, net.beta, state.volume, state.time, state.slope,
        state.curvature,
    )  # fmt: skip
    history: list[float] = []
    stopped: list[str] = []

    def should_stop(iteration: int, value: float) -> bool:
        history.append(value)
        if progress is not None:
            progress(iteration, value)
        seconds = time.perf_counter() - started
        reason = stop_reason(history, gap, max_iterations, seconds, max_seconds, algorithm in _STALLING)
        if reason is not None:
            stopped.append(reason)
        return reason is not None

    paths = None
    if len(trips.demand) == 0:
        class_flows = np.zeros((len(classes), network.num_links))
        history.append(0.0)
        stopped.append("gap")
    elif algorithm == "gp":
        class_flows, paths = _gradient_projection(net, trips, state, scratch, should_stop)
    elif algorithm == "b":
        class_flows = algorithm_b.solve(net, trips, state, scratch, kernels, should_stop)
    else:
        class_flows = _frank_wolfe(net, trips, state, scratch, algorithm, should_stop)
    flows = class_flows.sum(axis=0)
    times = state.time.copy() if len(trips.demand) else network.free_flow_time.copy()
    queue = network.vdf_kind == VdfKind.QUEUE
    return AssignmentResult(
        method=method,
        algorithm=algorithm,
        flows=flows,
        class_flows=class_flows,
        link_times=times,
        link_costs=times + network.fixed_cost,
        relative_gap=history[-1],
        iterations=len(history),
        seconds=time.perf_counter() - started,
        gap_history=np.array(history),
        total_system_travel_time=float(flows @ times),
        converged=history[-1] <= gap,
        stopped_by=stopped[-1],
        unserved_share=np.where(queue, unserved_share(flows, network.capacity), 0.0),
        kernels=kernels.kind,
        paths=paths,
    )
