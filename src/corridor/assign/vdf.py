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
integral from 0 to ``v`` (the Beckmann objective). These numpy functions are the plain
reference; ``links.link_terms`` and ``links.link_integral`` are the compiled scalar versions used
in the assignment loops, and tests check both agree. This module needs no numba.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = [
    "DEFAULT_KNEE",
    "VdfKind",
    "bpr_derivative",
    "bpr_integral",
    "bpr_time",
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
