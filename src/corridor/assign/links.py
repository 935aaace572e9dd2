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

from corridor.assign.problem import LinkState, Net

__all__ = [
    "class_cost",
    "class_slope",
    "fill_class_cost",
    "link_integral",
    "link_terms",
    "refresh_links",
    "refresh_state",
]


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


def refresh_state(net: Net, state: LinkState) -> None:
    """Times, slopes and curvatures of ``state`` at its volumes."""
    refresh_links(
        net.kind, net.free_flow_time, net.capacity, net.alpha, net.beta, state.volume, state.time, state.slope,
        state.curvature,
    )  # fmt: skip


# --- the volume-delay functions (``vdf``), compiled scalar versions --------------------------------


@njit(cache=True, inline="always")
def link_terms(kind, t0, capacity, alpha, beta, volume):  # pragma: no cover - numba
    """Time, first and second derivative of one link's time at ``volume``."""
    if not capacity < np.inf:
        return t0, 0.0, 0.0
    v = volume if volume > 0.0 else 0.0
    if kind == 0:  # BPR: alpha = b, beta = power
        if beta == 0.0:
            return t0 * (1.0 + alpha), 0.0, 0.0
        x = v / capacity
        xp = x**beta
        time = t0 * (1.0 + alpha * xp)
        if v > 0.0:
            slope = t0 * alpha * beta * xp / v
            return time, slope, slope * (beta - 1.0) / v
        if beta == 1.0:
            return time, t0 * alpha / capacity, 0.0
        if beta == 2.0:
            return time, 0.0, 2.0 * t0 * alpha / (capacity * capacity)
        return time, 0.0, 0.0
    # QUEUE: alpha = w, beta = knee
    rho = v / capacity
    if rho <= beta:
        free = 1.0 - rho
        return t0 + alpha * rho / free, alpha / (capacity * free * free), 2.0 * alpha / (capacity * capacity * free**3)
    free = 1.0 - beta
    slope = 1.0 / (free * free)
    return t0 + alpha * (beta / free + (rho - beta) * slope), alpha * slope / capacity, 0.0


@njit(cache=True)
def link_integral(kind, t0, capacity, alpha, beta, volume):  # pragma: no cover - numba
    """``∫₀^volume t(x) dx`` for one link."""
    v = volume if volume > 0.0 else 0.0
    if not capacity < np.inf:
        return t0 * v
    if kind == 0:
        return t0 * v * (1.0 + alpha / (beta + 1.0) * (v / capacity) ** beta)
    rho = v / capacity
    r = rho if rho < beta else beta
    area = -r - np.log1p(-r)
    if rho > beta:
        extra = rho - beta
        free = 1.0 - beta
        area += extra * beta / free + 0.5 * extra * extra / (free * free)
    return t0 * v + alpha * capacity * area
