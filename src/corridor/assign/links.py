"""Link state during an assignment: times and slopes from volumes, and each class's link cost.

Costs are kept in the units of the objective each method minimises, so that every algorithm
is a descent method on a true objective:

* ``ue`` (user equilibrium): class ``k`` pays ``w_k · t(v) + f`` per link (``w_k`` its weight on
  time, ``f`` the fixed cost). Dividing by ``w_k`` changes no route choice, so the engine works
  with ``t(v) + f / w_k``: the gradient of the Beckmann objective
  ``Σ_a ∫₀^v_a t_a + Σ_k Σ_a (f_a / w_k) · v_ka``. Gaps are reported back in ``w_k · t + f``.
* ``so`` (system optimum): the objective is the total generalised cost
  ``Σ_a (W_a · t_a(v_a) + f_a · v_a)`` with ``W_a = Σ_k w_k · v_ka``; its gradient for class ``k``
  is the marginal cost ``w_k · t + f + W · t'``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from corridor.assign.vdf import link_terms

__all__ = ["SO", "UE", "class_cost", "class_fixed_costs", "class_slope", "fill_class_cost", "refresh_links"]

UE = 0
SO = 1


def class_fixed_costs(method: int, fixed_cost: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per class and link, the fixed part of the class's cost in objective units."""
    if method == UE:
        return np.array(fixed_cost[None, :] / weights[:, None], dtype=np.float64)
    return np.array(np.broadcast_to(fixed_cost, (len(weights), len(fixed_cost))), dtype=np.float64)


@njit(cache=True)
def refresh_links(kind, t0, capacity, alpha, beta, volume, time, slope, curvature):  # pragma: no cover - numba
    """Time, slope and curvature of every link at ``volume``."""
    for a in range(len(volume)):
        time[a], slope[a], curvature[a] = link_terms(kind[a], t0[a], capacity[a], alpha[a], beta[a], volume[a])


@njit(cache=True, inline="always")
def class_cost(method, weight, fixed, time, slope, weighted_volume):  # pragma: no cover - numba
    """One class's cost on one link, in objective units (see the module docstring)."""
    if method == 0:
        return time + fixed
    return weight * time + fixed + weighted_volume * slope


@njit(cache=True, inline="always")
def class_slope(method, weight, slope, curvature, weighted_volume):  # pragma: no cover - numba
    """Derivative of ``class_cost`` with respect to the class's own volume on the link."""
    if method == 0:
        return slope
    return 2.0 * weight * slope + weighted_volume * curvature


@njit(cache=True)
def fill_class_cost(method, weight, fixed, time, slope, weighted_volume, out):  # pragma: no cover - numba
    """``class_cost`` of every link for one class, written into ``out``."""
    for a in range(len(out)):
        out[a] = class_cost(method, weight, fixed[a], time[a], slope[a], weighted_volume[a])
