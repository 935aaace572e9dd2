"""What the model says for a benchmark metric, and how far that is from the published range."""

from __future__ import annotations

import math

from corridor.datapack import DataPack
from corridor.results import Route

__all__ = ["FAMILIES", "error_pct", "measure", "route_family"]

#: Route families the summary groups by, in the order they are tested.
FAMILIES = ("sea", "middle corridor", "northern", "link or regional")
_CASPIAN_EAST, _CASPIAN_WEST = {"KZ", "TM"}, {"AZ"}
#: The reliability attribute each benchmark statistic is held against (transit hours, like ``transit_hours``).
_RELIABILITY_FIELD = {"planned": "planned_hours", "observed": "p50_hours"}
_HOURS_PER_UNIT = {"hours": 1.0, "days": 24.0}


def measure(route: Route, metric: str, pack: DataPack, statistic: str | None = None) -> float:
    """The model's value of ``metric`` for ``route``.

    ``hours`` and ``days`` are terminal-to-terminal transit (``Route.transit_hours``): from
    departure at the origin to arrival at the destination, as operators and studies publish
    transit times; ``border_hours`` is the time at borders and gauge changes; ``usd_per_feu``
    is ``usd_per_teu`` times the data pack's ``usd_per_feu_factor``.

    ``statistic`` picks which transit time a time metric is: ``None`` the expected value (as
    above), ``"planned"`` the transit without delays (``route.reliability.planned_hours``),
    ``"observed"`` the median transit (``route.reliability.p50_hours``), both over the same span
    as ``transit_hours``. A statistic needs a route asked with reliability (ValueError without
    it) and applies to ``hours`` and ``days`` only (ValueError for another metric).
    """
    if statistic is not None:
        return _time_statistic(route, metric, statistic)
    if metric == "hours":
        return route.transit_hours
    if metric == "days":
        return route.transit_hours / 24.0
    if metric == "km":
        return route.km
    if metric == "usd_per_teu":
        return route.usd_per_teu
    if metric == "usd_per_feu":
        return route.usd_per_teu * pack.param("usd_per_feu_factor")
    if metric == "kg_co2e_per_teu":
        return route.kg_co2e_per_teu
    if metric == "border_hours":
        return sum(leg.hours for leg in route.legs if leg.mode == "border")
    raise ValueError(f"unknown metric {metric!r}")


def _time_statistic(route: Route, metric: str, statistic: str) -> float:
    if metric not in _HOURS_PER_UNIT:
        raise ValueError(f"statistic {statistic!r} applies only to hours and days, not to {metric!r}")
    if statistic not in _RELIABILITY_FIELD:
        raise ValueError(f"unknown statistic {statistic!r}; use {' or '.join(_RELIABILITY_FIELD)}")
    reliability = getattr(route, "reliability", None)  # None: the route was asked without reliability
    if reliability is None:
        raise ValueError(
            f"a {statistic} transit time needs the route's reliability (planned and percentile transit times); "
            "this route was asked without it"
        )
    hours = float(getattr(reliability, _RELIABILITY_FIELD[statistic]))
    return hours / _HOURS_PER_UNIT[metric]


def error_pct(value: float, low: float, high: float) -> float:
    """Signed percentage from the nearest end of [low, high]; 0 inside, NaN without a value."""
    if value is None or not math.isfinite(value):
        return math.nan
    slack = 1e-9 * max(abs(low), abs(high), 1.0)  # floating-point noise is not a miss
    if low - slack <= value <= high + slack:
        return 0.0
    if value < low:
        return 100.0 * (value - low) / low if low > 0 else math.inf
    if value > high:
        return 100.0 * (value - high) / high if high > 0 else math.inf
    return 0.0


def route_family(route: Route) -> str:
    """The corridor family a route belongs to: sea (most km at sea), middle corridor (crosses
    the Caspian), northern (China or Kazakhstan with Russia or Belarus), else link or regional."""
    sea_km = sum(leg.km for leg in route.legs if leg.mode == "sea")
    if route.km > 0 and sea_km >= 0.5 * route.km:
        return "sea"
    for leg in route.legs:
        if leg.mode == "ferry" and set(leg.countries) & _CASPIAN_EAST and set(leg.countries) & _CASPIAN_WEST:
            return "middle corridor"
    countries = set(route.countries)
    if countries & {"CN", "KZ"} and countries & {"RU", "BY"}:
        return "northern"
    return "link or regional"
