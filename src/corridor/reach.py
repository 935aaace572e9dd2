"""Market reach: which places and countries a terminal reaches within a number of days (or USD).

Optionally through a gateway (``via``: the best route to it, then onwards) and under a
corridor family's rules (its avoided countries and modes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor.errors import OptionsError
from corridor.routing.options import (
    REACH_MAX_DAYS,
    REACH_MAX_USD_PER_TEU,
    ROUTABLE_MODES,
    check_number,
    optional_text,
)
from corridor.routing.search import bounded_tree
from corridor.units import Layer

if TYPE_CHECKING:
    from corridor.engine import Engine
    from corridor.network.places import PlaceQuery

__all__ = ["ReachResult", "reach"]

_TIME, _COST = np.array([1.0, 0.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0, 0.0])


@dataclass(frozen=True)
class ReachResult:
    """Places and countries within the budget, and the reached land nodes for maps."""

    origin: str  # the origin as resolved: its place name, or 'lat,lon'
    via: str | None  # the gateway as resolved, likewise
    corridor: str | None
    budget: float
    unit: str  # "days" or "usd_per_teu"
    places: pd.DataFrame  # place, country, days, usd_per_teu, kg_co2e_per_teu, km
    countries: pd.DataFrame  # country, first reached (in the budget's unit), places reached
    node_lat: np.ndarray  # reached rail/road nodes and their cost in the budget's unit
    node_lon: np.ndarray
    node_cost: np.ndarray

    def to_geojson(self, bands: int = 4) -> dict[str, Any]:
        """Isochrone-style polygons (concave hulls of reached land nodes) per band, and the places reached."""
        import shapely

        features = []
        rng = np.random.default_rng(0)
        for k in range(bands, 0, -1):
            upper = self.budget * k / bands
            inside = np.flatnonzero(self.node_cost <= upper)
            if len(inside) < 3:
                continue
            if len(inside) > 20_000:  # a hull needs the outline, not every node
                inside = rng.choice(inside, 20_000, replace=False)
            points = shapely.multipoints(np.column_stack((self.node_lon[inside], self.node_lat[inside])))
            hull = shapely.concave_hull(points, ratio=0.2)
            features.append(
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(shapely.simplify(hull, 0.05)),
                    "properties": {"band": k, f"max_{self.unit}": round(upper, 2)},
                }
            )
        for row in self.places.to_dict(orient="records"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(row["lon"], 5), round(row["lat"], 5)]},
                    "properties": {
                        "place": row["place"],
                        "country": row["country"],
                        "days": round(row["days"], 2),
                        "usd_per_teu": round(row["usd_per_teu"], 2),
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "via": self.via,
            "corridor": self.corridor,
            "budget": self.budget,
            "unit": self.unit,
            "places": self.places.drop(columns=["lat", "lon"]).round(3).to_dict(orient="records"),
            "countries": self.countries.round(3).to_dict(orient="records"),
        }


def _budget(days: float | None, usd_per_teu: float | None) -> tuple[str, float]:
    """``(unit, budget)``: exactly one budget, a finite number > 0 within the REST API's bounds (120 days,
    US$100,000), with its unit ("days" or "usd_per_teu")."""
    if (days is None) == (usd_per_teu is None):
        raise OptionsError("give exactly one budget: days or usd_per_teu", option="days")
    if days is not None:
        return "days", check_number(days, "days", high=REACH_MAX_DAYS, allow_zero=False)
    return "usd_per_teu", check_number(usd_per_teu, "usd_per_teu", high=REACH_MAX_USD_PER_TEU, allow_zero=False)


def reach(
    net: Engine,
    origin: PlaceQuery,
    *,
    days: float | None = None,
    usd_per_teu: float | None = None,
    via: PlaceQuery | None = None,
    corridor: str | None = None,
) -> ReachResult:
    """What ``origin`` reaches within ``days`` (fastest routes) or ``usd_per_teu`` (cheapest routes).

    ``origin`` and ``via`` are place names, 'lat,lon' text or (lat, lon) pairs; the result names
    them as resolved (the place's name, or 'lat,lon').

    Nothing beyond the budget is listed: with a gateway, the route to it counts against the
    budget, so a gateway farther than the budget leaves nothing reached.
    """
    unit, budget = _budget(days, usd_per_teu)
    by_days = unit == "days"
    if via is not None and not isinstance(via, tuple | list):  # a pair is checked when it is resolved
        via = optional_text(via, "via")
    corridor = optional_text(corridor, "corridor")
    avoid: frozenset[str] = frozenset()
    modes = frozenset(ROUTABLE_MODES)
    if corridor is not None:
        families = {f.id: f for f in net.pack.corridors}
        if corridor not in families:
            known = ", ".join(families)
            raise OptionsError(f"unknown corridor {corridor!r}; the data pack defines {known}", option="corridor")
        family = families[corridor]
        avoid = frozenset(family.avoid)
        modes = frozenset(family.modes) or modes
    coef = _TIME if by_days else _COST
    limit = budget * 24.0 if by_days else budget
    router, g = net.router, net.graph
    closures = net.closures(net.pack.covers[1])
    reach_km = net.pack.param("road_carriage_max_km")
    start = router.resolve(origin, modes=modes, max_snap_km=50.0)
    sources, source_cost = start.nodes, np.zeros(len(start.nodes))
    prefix = np.zeros(4)
    gateway = None
    if via is not None:
        gateway = router.resolve(via, modes=modes, max_snap_km=50.0, option="via").label  # a bad one is named so
        objective = "time" if by_days else "cost"
        sol = router.solve(
            origin,
            via,
            avoid=avoid,
            modes=modes,
            objective=objective,
            coef=coef,
            closures=closures,
            road_reach_km=reach_km,
        )
        prefix = router.metrics[:, sol.edges].sum(axis=1)
        sources, source_cost = np.array([sol.nodes[-1]]), np.array([float(coef @ prefix)])
    node_ok, mode_ok, blocked = router.masks(avoid, modes)
    # as of the pack's date: closed elements are out; trucks carry only near the origin (and the gateway)
    node_closed, edge_closed = router.closure_masks(closures)
    near = router.road_reach((start,), reach_km, rail="rail" in modes)
    node_ok = node_ok & ~node_closed & ((g.node_layer != Layer.ROAD) | near)
    blocked = blocked | edge_closed
    dist, parent = bounded_tree(
        g.first_out,
        g.head,
        router.metrics,
        g.edge_mode,
        coef,
        sources=sources,
        source_cost=source_cost,
        mode_ok=mode_ok,
        node_ok=node_ok,
        edge_blocked=blocked,
        limit=limit,
    )
    tail = router.tail
    rows = []
    for i, place in enumerate(net.pack.places):
        t = int(g.place_node[i])
        if not np.isfinite(dist[t]) or (t in sources and via is None):
            continue
        total, x = prefix.copy(), t
        while parent[x] >= 0:
            total += router.metrics[:, parent[x]]
            x = int(tail[parent[x]])
        rows.append(
            {
                "place": place.name,
                "country": place.country,
                "days": total[0] / 24.0,
                "usd_per_teu": total[1],
                "kg_co2e_per_teu": total[2],
                "km": total[3],
                "lat": place.lat,
                "lon": place.lon,
            }
        )
    columns = ["place", "country", "days", "usd_per_teu", "kg_co2e_per_teu", "km", "lat", "lon"]
    places = pd.DataFrame(rows, columns=columns)
    places = places.sort_values(unit, kind="stable").reset_index(drop=True)
    land = np.flatnonzero(np.isfinite(dist) & np.isin(g.node_layer, [Layer.RAIL, Layer.ROAD]) & (g.node_country >= 0))
    scale = 24.0 if by_days else 1.0
    cost = dist[land] / scale
    first = pd.DataFrame({"country": np.array(g.countries)[g.node_country[land]], unit: cost})
    countries = first.groupby("country")[unit].min().reset_index().sort_values(unit, kind="stable")
    counts = places.groupby("country").size()
    countries["places_reached"] = [int(counts.get(c, 0)) for c in countries["country"]]
    return ReachResult(
        origin=start.label,
        via=gateway,
        corridor=corridor,
        budget=budget,
        unit=unit,
        places=places,
        countries=countries.reset_index(drop=True),
        node_lat=g.node_lat[land],
        node_lon=g.node_lon[land],
        node_cost=cost,
    )
