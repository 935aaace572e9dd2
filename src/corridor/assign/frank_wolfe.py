"""Frank–Wolfe and its conjugate (``cfw``) and biconjugate (``bfw``) variants.

Link-based: the solution is a volume per class and link. Each iteration loads every class
all-or-nothing on its shortest paths (``y``), combines ``y`` with the previous target points
into a search direction, and takes the step that minimises the objective along it (bisection
on the directional derivative, which is monotone for a convex objective).

Directions follow Mitradjieva and Lindberg (2013), "The stiff is moving — conjugate direction
Frank–Wolfe methods with applications to traffic assignment": the new target point
``s_k = β0 · y + β1 · s_(k−1) + β2 · s_(k−2)`` is chosen so that ``d_k = s_k − x_k`` is conjugate,
with respect to the diagonal Hessian ``H`` (link cost slopes), to the previous one (cfw) or two
(bfw) directions. Derivation used here: with ``d̄1 = s_(k−1) − x`` and
``d̄2 = τ·s_(k−1) + (1 − τ)·s_(k−2) − x`` (τ the last step; both parallel to earlier directions),
``μ' = −d̄2ᵀH(y − x) / d̄2ᵀHd̄2``, ``ν = −d̄1ᵀH(y − x) / d̄1ᵀHd̄1 + μ'τ``, ``μ = μ'(1 − τ)``,
``β = (1, ν, μ) / (1 + ν + μ)``. When a coefficient comes out negative (the target would leave
the feasible set), the iteration takes a plain Frank–Wolfe step and the sequence starts again
(cfw next, then bfw).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from corridor.assign.links import link_terms, refresh_state
from corridor.assign.problem import UE, LinkState, Net, Scratch, Trips
from corridor.assign.shortest import group_tree, load_tree

__all__ = ["FrankWolfe", "all_or_nothing", "line_search"]

_MAX_CONJUGATE_WEIGHT = 1.0 - 1e-7


@njit(cache=True)
def all_or_nothing(net: Net, trips: Trips, state: LinkState, scratch: Scratch, target):  # pragma: no cover - numba
    """Each class's demand on its shortest paths at the current costs, into ``target`` (class x link).

    Returns the shortest-path total ``SPTT`` in generalised cost."""
    for k in range(target.shape[0]):
        for a in range(target.shape[1]):
            target[k, a] = 0.0
    shortest = 0.0
    for g in range(len(trips.group_class)):
        k = trips.group_class[g]
        settled = group_tree(net, trips, state, scratch, g)
        for od in range(trips.group_first[g], trips.group_first[g + 1]):
            d = trips.dest[od]
            scratch.node_demand[d] += trips.demand[od]
            shortest += trips.gap_scale[k] * trips.demand[od] * scratch.dist[d]
        load_tree(net.tail, scratch.pred_link, scratch.order, settled, scratch.node_demand, target[k])
    return shortest


def _class_costs(trips: Trips, state: LinkState) -> np.ndarray:
    """Each class's link costs in objective units (class x link)."""
    if trips.method == UE:
        return state.time[None, :] + trips.class_fixed
    marginal = state.weighted_volume * state.slope
    return trips.weight[:, None] * state.time[None, :] + trips.class_fixed + marginal[None, :]


def _hessian(trips: Trips, state: LinkState) -> np.ndarray:
    """Diagonal of the objective's Hessian on aggregate volumes: the slope of ``class_cost``."""
    if trips.method == UE:
        return state.slope
    return 2.0 * state.slope + state.weighted_volume * state.curvature


@njit(cache=True)
def _directional_derivative(
    net, method, volume, weighted, step_volume, step_weighted, constant, tau
):  # pragma: no cover
    total = constant
    for a in range(len(volume)):
        dv = step_volume[a]
        if dv == 0.0 and step_weighted[a] == 0.0:
            continue
        t, s, _ = link_terms(
            net.kind[a], net.free_flow_time[a], net.capacity[a], net.alpha[a], net.beta[a], volume[a] + tau * dv
        )
        if method == 0:
            total += t * dv
        else:
            total += t * step_weighted[a] + (weighted[a] + tau * step_weighted[a]) * s * dv
    return total


@njit(cache=True)
def line_search(net: Net, trips: Trips, state: LinkState, direction):  # pragma: no cover - numba
    """Step ``τ ∈ [0, 1]`` minimising the objective along ``direction`` (class x link)."""
    m = direction.shape[1]
    step_volume = np.zeros(m)
    step_weighted = np.zeros(m)
    constant = 0.0
    for k in range(direction.shape[0]):
        w = trips.weight[k]
        for a in range(m):
            d = direction[k, a]
            step_volume[a] += d
            step_weighted[a] += w * d
            constant += trips.class_fixed[k, a] * d
    lo, hi = 0.0, 1.0
    for i in range(66):
        tau = 1.0 if i == 0 else (0.0 if i == 1 else 0.5 * (lo + hi))
        slope = _directional_derivative(
            net, trips.method, state.volume, state.weighted_volume, step_volume, step_weighted, constant, tau
        )
        if i == 0 and slope <= 0.0:
            return 1.0
        if i == 1 and slope >= 0.0:
            return 0.0
        if i >= 2:
            if tau <= lo or tau >= hi:
                break
            if slope > 0.0:
                hi = tau
            else:
                lo = tau
    return 0.5 * (lo + hi)


class FrankWolfe:
    """State of one Frank–Wolfe family run: class volumes and the previous target points."""

    def __init__(self, net: Net, trips: Trips, state: LinkState, scratch: Scratch, variant: str) -> None:
        self.net, self.trips, self.state, self.scratch, self.variant = net, trips, state, scratch, variant
        shape = (len(trips.weight), len(net.tail))
        self.flows = np.zeros(shape)
        self.target = np.zeros(shape)
        self.previous: list[np.ndarray] = []  # s_(k-1), s_(k-2)
        self.last_step = 1.0
        self.shortest = all_or_nothing(net, trips, state, scratch, self.flows)
        self._refresh()

    def _refresh(self) -> None:
        s = self.state
        s.volume[:] = self.flows.sum(axis=0)
        s.weighted_volume[:] = self.trips.weight @ self.flows
        refresh_state(self.net, s)

    def gap(self) -> float:
        """Relative gap of the current volumes; also computes the next all-or-nothing target."""
        self.shortest = all_or_nothing(self.net, self.trips, self.state, self.scratch, self.target)
        costs = _class_costs(self.trips, self.state)
        total = float(np.einsum("k,ka,ka->", self.trips.gap_scale, self.flows, costs))
        return max(total - self.shortest, 0.0) / total if total > 0.0 else 0.0

    def step(self) -> None:
        """Move towards the conjugate target point built from the last all-or-nothing load."""
        x, y = self.flows, self.target
        s = y
        usable = len(self.previous) if 0.0 < self.last_step < 1.0 else 0
        if self.variant == "bfw" and usable >= 2:
            s = self._biconjugate(x, y)
        elif self.variant in ("cfw", "bfw") and usable >= 1:
            s = self._conjugate(x, y)
        direction = s - x
        tau = line_search(self.net, self.trips, self.state, direction)
        self.flows = x + tau * direction
        # a Frank–Wolfe step (at the start, after a full step or a failed conjugate direction)
        # restarts the sequence: then cfw, then bfw
        self.previous = [s.copy()] if s is y else [s.copy(), self.previous[0]]
        self.last_step = tau
        self._refresh()

    def _conjugate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        s1 = self.previous[0]
        h = _hessian(self.trips, self.state)
        d1 = (s1 - x).sum(axis=0)  # aggregate volumes: the Hessian acts on their sum over classes
        numerator = float(d1 @ (h * (y - x).sum(axis=0)))
        denominator = float(d1 @ (h * (y - s1).sum(axis=0)))
        if denominator == 0.0:
            return y
        alpha = numerator / denominator
        if not alpha >= 0.0:  # negative or NaN
            return y
        alpha = min(alpha, _MAX_CONJUGATE_WEIGHT)
        return alpha * s1 + (1.0 - alpha) * y

    def _biconjugate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        s1, s2 = self.previous
        tau = self.last_step
        h = _hessian(self.trips, self.state)
        d1 = (s1 - x).sum(axis=0)
        d2 = (tau * s1 + (1.0 - tau) * s2 - x).sum(axis=0)
        fw = h * (y - x).sum(axis=0)
        d1_h_d1, d2_h_d2 = float(d1 @ (h * d1)), float(d2 @ (h * d2))
        if d1_h_d1 <= 0.0 or d2_h_d2 <= 0.0:
            return y
        mu_prime = -float(d2 @ fw) / d2_h_d2
        nu = -float(d1 @ fw) / d1_h_d1 + mu_prime * tau
        mu = mu_prime * (1.0 - tau)
        if not (mu >= 0.0 and nu >= 0.0):
            return y
        beta0 = 1.0 / (1.0 + nu + mu)
        if beta0 < 1.0 - _MAX_CONJUGATE_WEIGHT:
            return y
        return beta0 * y + nu * beta0 * s1 + mu * beta0 * s2
