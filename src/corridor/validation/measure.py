"""What the model says for a benchmark metric, and how far that is from the published range."""

from __future__ import annotations

import math

from corridor.datapack import DataPack
from corridor.results import Route

__all__ = ["FAMILIES", "error_pct", "measure", "route_family"]

#: Route families the summary groups by, in the order they are tested.
FAMILIES = ("sea", "middle corridor", "northern", "link or regional")
_CASPIAN_EAST, _CASPIAN_WEST = {"KZ", "TM"}, {"AZ"}


def measure(route: Route, metric: str, pack: DataPack) -> float:
    """The model's value of ``metric`` for ``route``.

    ``hours`` and ``days`` are terminal-to-terminal transit (``Route.transit_hours``): from
    departure at the origin to arrival at the destination, as operators and studies publish
    transit times; ``border_hours`` is the time at borders and gauge changes; ``usd_per_feu``
    is ``usd_per_teu`` times the data pack's ``usd_per_feu_factor``.
    """
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
