"""Volume-delay functions: link travel time as a function of the link's volume.

Two kinds, chosen per link by a code in ``VdfKind``; both take the free-flow time ``t0`` and
the capacity ``c`` (same volume unit as the flows; ``inf`` means uncongested, ``t = t0``) plus
two shape parameters, ``alpha`` and ``beta``:

* **BPR** (``alpha = b``, ``beta = p``): ``t = t0 · (1 + b · (v/c)^p)``, for roads and most
  benchmark networks (TNTP). ``p`` must be 0 or at least 1, so that ``t`` is convex.
* **QUEUE** (``alpha = w``, ``beta = ρ*``), for scheduled services and border crossings, where
  time is the free-flow time plus waiting in a queue that grows without bound as the load
  ``ρ = v/c`` nears 1 (the M/M/1 shape, ``w`` being the delay scale, e.g. the mean service time)::

      t = t0 + w · ρ / (1 − ρ)                                        for ρ ≤ ρ*
      t = t0 + w · (ρ*/(1 − ρ*) + (ρ − ρ*) / (1 − ρ*)²)                for ρ > ρ*

  Above the knee ``ρ*`` (default 0.95) the curve continues along its tangent, so time stays
  finite, increasing and convex when demand exceeds capacity: an assignment never diverges.
  The time above the knee is not a forecast; the caller reports the over-capacity share
  (``unserved_share``) alongside.

Each function comes with its derivative (system-optimum marginal costs, Newton steps) and its
integral from 0 to ``v`` (the Beckmann objective). The numpy functions are the plain
reference; ``link_terms`` and ``link_integral`` are the compiled scalar versions used in the
assignment loops, and tests check both agree.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

__all__ = [
    "DEFAULT_KNEE",
    "VdfKind",
    "bpr_derivative",
    "bpr_integral",
    "bpr_time",
    "link_integral",
    "link_terms",
    "queue_derivative",
    "queue_integral",
    "queue_time",
    "unserved_share",
]

#: Load ``ρ*`` above which the queue function continues linearly.
DEFAULT_KNEE = 0.95


class VdfKind(IntEnum):
    """Code of a link's volume-delay function, stored per link as int8."""

    BPR = 0
    QUEUE = 1


def _arrays(*values):
    return np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in values))


# --- BPR --------------------------------------------------------------------------------------


def bpr_time(volume, free_flow_time, capacity, b=0.15, power=4.0) -> np.ndarray:
    """BPR travel time ``t0 · (1 + b · (v/c)^p)``."""
    v, t0, c, b, p = _arrays(volume, free_flow_time, capacity, b, power)
    x = np.maximum(v, 0.0) / c
    return t0 * (1.0 + b * x**p)


def bpr_derivative(volume, free_flow_time, capacity, b=0.15, power=4.0) -> np.ndarray:
    """``dt/dv = t0 · b · p · v^(p−1) / c^p``; 0 for uncongested links."""
    v, t0, c, b, p = _arrays(volume, free_flow_time, capacity, b, power)
    v = np.maximum(v, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = t0 * b * p * (v / c) ** (p - 1.0) / c
    slope = np.where((p == 1.0) & np.isfinite(c), t0 * b / c, slope)
    return np.where(np.isinf(c) | (p == 0.0) | ~np.isfinite(slope), 0.0, slope)


def bpr_integral(volume, free_flow_time, capacity, b=0.15, power=4.0) -> np.ndarray:
    """``∫₀^v t(x) dx = t0 · v · (1 + b/(p+1) · (v/c)^p)``."""
    v, t0, c, b, p = _arrays(volume, free_flow_time, capacity, b, power)
    v = np.maximum(v, 0.0)
    return t0 * v * (1.0 + b / (p + 1.0) * (v / c) ** p)


# --- queue ------------------------------------------------------------------------------------


def queue_time(volume, free_flow_time, capacity, w=1.0, knee=DEFAULT_KNEE) -> np.ndarray:
    """Queueing time ``t0 + w · ρ/(1 − ρ)``, continued along its tangent above ``ρ = knee``."""
    v, t0, c, w, k = _arrays(volume, free_flow_time, capacity, w, knee)
    rho = np.maximum(v, 0.0) / c
    below = rho / (1.0 - np.minimum(rho, k))
    above = k / (1.0 - k) + (rho - k) / (1.0 - k) ** 2
    return t0 + w * np.where(rho <= k, below, above)


def queue_derivative(volume, free_flow_time, capacity, w=1.0, knee=DEFAULT_KNEE) -> np.ndarray:
    """``dt/dv = w / (c · (1 − ρ)²)``, constant above the knee; 0 for uncongested links."""
    v, _, c, w, k = _arrays(volume, free_flow_time, capacity, w, knee)
    rho = np.maximum(v, 0.0) / c
    return w / (c * (1.0 - np.minimum(rho, k)) ** 2)


def queue_integral(volume, free_flow_time, capacity, w=1.0, knee=DEFAULT_KNEE) -> np.ndarray:
    """``∫₀^v t(x) dx = t0 · v + w · c · (−ρ − ln(1 − ρ))`` below the knee, plus the tangent's area above."""
    v, t0, c, w, k = _arrays(volume, free_flow_time, capacity, w, knee)
    v = np.maximum(v, 0.0)
    rho = v / c
    r = np.minimum(rho, k)
    area = -r - np.log1p(-r)
    extra = np.maximum(rho - k, 0.0)
    area = area + extra * k / (1.0 - k) + 0.5 * extra**2 / (1.0 - k) ** 2
    with np.errstate(invalid="ignore"):
        queued = np.where(np.isinf(c), 0.0, w * c * area)
    return t0 * v + queued


def unserved_share(volume, capacity) -> np.ndarray:
    """Share of the volume above capacity, ``max(v − c, 0) / v`` (0 where ``v`` is 0)."""
    v, c = _arrays(volume, capacity)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.maximum(v - c, 0.0) / v
    return np.where(v > 0.0, share, 0.0)


# --- compiled scalar versions -----------------------------------------------------------------


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
