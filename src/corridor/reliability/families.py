"""Vectorised, seeded samplers of the reliability families: hours of an element given its expected hours E.

Every sampler takes a ``numpy.random.Generator`` from the caller, so the same seed gives the
same draws::

    >>> import numpy as np
    >>> from corridor.reliability.table import shipped_reliability
    >>> dist = shipped_reliability().lookup("border", ("rail",))
    >>> hours = draw(dist, 23.0, 200_000, np.random.default_rng(7))
    >>> round(float(hours.mean()), 0), hours.dtype
    (23.0, dtype('float64'))
    >>> round(renewal_mean_wait_hours(84.0, 0.8), 2)
    68.88
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from corridor.reliability.table import QUANTILE_LEVELS, Distribution

__all__ = ["draw", "renewal_mean_wait_hours"]

Hours = NDArray[np.float64]

#: On time = arriving within one day of the schedule (Sea-Intelligence's definition), h.
ON_TIME_WINDOW_HOURS = 24.0


def draw(dist: Distribution, expected_hours: float | Hours, n: int, rng: np.random.Generator) -> Hours:
    """``n`` samples (h, float64) of an element with expected hours E (a scalar or a length-``n`` array).

    Raises ValueError for a negative ``n``, an E array of another length, or an E that is negative or
    not finite (the ``event`` family ignores E).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    e = np.asarray(expected_hours, dtype=np.float64)
    if e.ndim > 1 or (e.ndim == 1 and e.shape[0] != n):
        raise ValueError(f"expected_hours must be a scalar or an array of length n = {n}, got shape {e.shape}")
    if dist.family != "event" and not (np.all(np.isfinite(e)) and np.all(e >= 0)):
        raise ValueError("expected_hours must be finite and >= 0")
    return _SAMPLERS[dist.family](dist, np.broadcast_to(e, (n,)), n, rng)


def renewal_mean_wait_hours(headway_hours: float, cv: float) -> float:
    """Mean wait (h) of a random arrival for a service whose headways have mean H and CV ``cv``: H/2·(1 + cv²)."""
    return headway_hours / 2.0 * (1.0 + cv**2)


def _lognormal(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    """planned_share·E + D, D lognormal with mean (1 − planned_share)·E and CV ``cv``."""
    sigma2 = np.log1p(dist.cv**2)
    unit = np.exp(np.sqrt(sigma2) * rng.standard_normal(n) - sigma2 / 2.0)  # mean 1
    return _with_event(dist, dist.planned_share * e + (1.0 - dist.planned_share) * e * unit, n, rng)


def _gamma(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    """planned_share·E + D, D gamma with mean (1 − planned_share)·E and CV ``cv``."""
    unit = rng.gamma(1.0 / dist.cv**2, dist.cv**2, n)  # mean 1
    return _with_event(dist, dist.planned_share * e + (1.0 - dist.planned_share) * e * unit, n, rng)


def _with_event(dist: Distribution, hours: Hours, n: int, rng: np.random.Generator) -> Hours:
    """Adds the row's disruption: with probability ``event_probability`` an exponential hold."""
    if dist.event_probability > 0:
        hours = hours + _event_hours(dist, n, rng)
    return hours


def _fixed(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    return e.copy()


def _quantiles(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    """E · r, r from the piecewise-linear inverse CDF through the row's ratios."""
    return e * np.interp(rng.random(n), QUANTILE_LEVELS, dist.quantile_ratios())


def _renewal(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    """Wait of a random arrival: U · (length-biased headway); headways gamma with mean E and CV ``cv``."""
    if dist.cv == 0:
        return rng.random(n) * e
    shape = 1.0 / dist.cv**2
    biased = e * rng.gamma(shape + 1.0, dist.cv**2, n)  # gamma(k + 1, E·cv²)
    return rng.random(n) * biased


def _schedule(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    """E + delay: uniform within ±1 day if on time, else 1 day + exponential; never below 0."""
    on_time = rng.random(n) < dist.on_time_share
    early_or_on_time = rng.uniform(-ON_TIME_WINDOW_HOURS, ON_TIME_WINDOW_HOURS, n)
    late = ON_TIME_WINDOW_HOURS + rng.exponential(dist.late_mean_hours - ON_TIME_WINDOW_HOURS, n)
    return np.maximum(e + np.where(on_time, early_or_on_time, late), 0.0)


def _event(dist: Distribution, e: Hours, n: int, rng: np.random.Generator) -> Hours:
    return _event_hours(dist, n, rng)


def _event_hours(dist: Distribution, n: int, rng: np.random.Generator) -> Hours:
    hit = rng.random(n) < dist.event_probability
    return np.where(hit, rng.exponential(dist.event_mean_hours, n), 0.0)


_SAMPLERS: dict[str, Callable[[Distribution, Hours, int, np.random.Generator], Hours]] = {
    "lognormal": _lognormal,
    "gamma": _gamma,
    "fixed": _fixed,
    "quantiles": _quantiles,
    "renewal": _renewal,
    "schedule": _schedule,
    "event": _event,
}
