"""Result records: a route and its legs, a place, as frozen dataclasses with dict and GeoJSON views."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from corridor.emissions.result import Emissions
from corridor.reliability.result import Reliability

__all__ = ["BorderCrossing", "CrossingInfo", "Leg", "PlaceInfo", "Route", "RoutePath"]


@dataclass(frozen=True)
class PlaceInfo:
    """A data-pack place as listed by ``Network.places`` and ``corridor places``."""

    id: str
    name: str
    country: str
    kinds: tuple[str, ...]
    lat: float
    lon: float
    handling_hours: float
    handling_usd_per_teu: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "kinds": list(self.kinds)}


@dataclass(frozen=True)
class CrossingInfo:
    """A border crossing of the data pack as listed by ``Network.crossings`` and ``corridor crossings``: its two
    countries, mode, dwell, fee and gauge change, and whether it is open on the day asked (``closed`` says why
    not, e.g. "crossing Vaalimaa–Torfyanovka closed since 2023-11-30")."""

    id: str
    name: str
    country_a: str
    country_b: str
    mode: str
    dwell_hours: float
    fee_usd_per_teu: float | None
    gauge_change: str | None
    gauge_change_hours: float | None
    open: bool
    closed: str | None
    basis: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class BorderCrossing:
    """A border on the route: dwell, fee and the gauge change if any."""

    name: str
    from_country: str
    to_country: str
    mode: str
    dwell_hours: float
    fee_usd_per_teu: float
    gauge_change: str | None  # "bogie_exchange" | "transshipment" | None
    gauge_change_hours: float
    gauge_change_usd_per_teu: float


@dataclass(frozen=True)
class Leg:
    """One stretch of a route in one mode (rail, road, sea, ferry, service, transfer, border)."""

    mode: str
    from_: str
    to: str
    km: float
    hours: float
    usd_per_teu: float
    kg_co2e_per_teu: float
    countries: tuple[str, ...]
    service: str | None = None
    wait_hours: float = 0.0
    synthetic_km: float = 0.0  # km on healed gaps or added missing lines
    border: BorderCrossing | None = None
    note: str = ""
    coordinates: tuple[tuple[float, float], ...] = ()  # (lat, lon): the leg's part of the route line

    def geometry(self) -> dict[str, Any] | None:
        """GeoJSON of the leg's part of the line (lon, lat): a LineString, or a Point for a leg of no length
        (a border, a transfer); None for a leg built without coordinates."""
        line = _in_order(self.coordinates)
        if not line:
            return None
        if len(line) == 1:
            return {"type": "Point", "coordinates": list(line[0])}
        return {"type": "LineString", "coordinates": [list(p) for p in line]}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["coordinates"]
        out["from"] = out.pop("from_")
        out["countries"] = list(self.countries)
        out["country"] = self.countries[0] if len(self.countries) == 1 else None
        out["gauge_change"] = self.border.gauge_change if self.border else None
        for key in ("km", "hours", "usd_per_teu", "kg_co2e_per_teu", "wait_hours", "synthetic_km"):
            out[key] = round(out[key], 3)
        out["geometry"] = self.geometry()
        return out


def _in_order(coordinates: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """(lon, lat) points rounded to 5 decimals, in order, without a point repeated right after itself."""
    out: list[tuple[float, float]] = []
    for lat, lon in coordinates:
        p = (round(lon, 5), round(lat, 5))
        if not out or out[-1] != p:
            out.append(p)
    return out


def _totals(r: Route | RoutePath) -> dict[str, Any]:
    """The totals a Route and a RoutePath share, rounded for output."""
    return {
        "km": round(r.km, 1),
        "hours": round(r.hours, 2),
        "days": round(r.days, 2),
        "usd_per_teu": round(r.usd_per_teu, 2),
        "kg_co2e_per_teu": round(r.kg_co2e_per_teu, 2),
    }


def _snap(r: Route | RoutePath) -> dict[str, float]:
    return {"origin": round(r.snap_km[0], 3), "destination": round(r.snap_km[1], 3)}


@dataclass(frozen=True)
class Route:
    """A door-to-door route: totals, countries in order, legs and the line it follows."""

    origin: str
    destination: str
    objective: str
    km: float
    hours: float
    usd_per_teu: float
    kg_co2e_per_teu: float
    countries: tuple[str, ...]
    legs: tuple[Leg, ...]
    coordinates: tuple[tuple[float, float], ...]  # (lat, lon) along the route
    snap_km: tuple[float, float] = (0.0, 0.0)  # origin and destination distance to the network
    via: tuple[str, ...] = field(default_factory=tuple)
    origin_wait_hours: float = 0.0  # expected wait for the first departure when the route boards at its origin
    terminal_hours: tuple[float, float] = (0.0, 0.0)  # container handling at the origin and destination terminals
    as_of: str | None = None  # the day the route was asked for (YYYY-MM-DD)
    profile: str | None = None  # intermodal | truck
    reliability: Reliability | None = None  # the transit-time distribution (None when asked without draws)
    emissions: Emissions | None = None  # ISO 14083 emissions by leg and hub (the engine attaches them)

    @property
    def days(self) -> float:
        return self.hours / 24.0

    @property
    def transit_hours(self) -> float:
        """Terminal-to-terminal transit, as operators publish it: from departure at the origin to arrival at the
        destination; ``hours`` less the wait for the first departure and the handling at the two end terminals."""
        return self.hours - self.origin_wait_hours - sum(self.terminal_hours)

    @property
    def border_crossings(self) -> tuple[BorderCrossing, ...]:
        return tuple(leg.border for leg in self.legs if leg.border is not None)

    def geometry(self) -> dict[str, Any]:
        """GeoJSON LineString (lon, lat order, as GeoJSON requires)."""
        line = [[round(lon, 5), round(lat, 5)] for lat, lon in self.coordinates]
        return {"type": "LineString", "coordinates": line * 2 if len(line) == 1 else line}  # two ends on one node

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "via": list(self.via),
            "objective": self.objective,
            "as_of": self.as_of,
            "profile": self.profile,
            **_totals(self),
            "transit_hours": round(self.transit_hours, 2),
            "countries": list(self.countries),
            "legs": [leg.to_dict() for leg in self.legs],
            "border_crossings": [asdict(b) for b in self.border_crossings],
            "snap_km": _snap(self),
            "reliability": self.reliability.to_dict() if self.reliability is not None else None,
            "emissions": self.emissions.to_dict() if self.emissions is not None else None,
            "geometry": self.geometry(),
        }

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection with one Feature per leg (its mode, ends and figures as properties; a
        border or a transfer is a Point); the route's totals ride along as the collection's ``properties``."""
        features = []
        for i, leg in enumerate(self.legs):
            props = {"index": i, **{k: v for k, v in leg.to_dict().items() if k != "geometry"}}
            features.append({"type": "Feature", "geometry": leg.geometry(), "properties": props})
        totals = {k: v for k, v in self.to_dict().items() if k not in ("geometry", "legs", "reliability")}
        return {"type": "FeatureCollection", "features": features, "properties": totals}


@dataclass(frozen=True, eq=False)
class RoutePath:
    """A route's line and totals without legs: what bulk queries (matrices, benchmarks) need.

    ``nodes`` are network node ids; ``coordinates`` is an (n, 2) array of (lat, lon).
    ``Network.route`` on the same query returns the same totals and line, plus legs.
    """

    origin: str
    destination: str
    objective: str
    km: float
    hours: float
    usd_per_teu: float
    kg_co2e_per_teu: float
    nodes: np.ndarray
    coordinates: np.ndarray
    snap_km: tuple[float, float] = (0.0, 0.0)
    as_of: str | None = None
    profile: str | None = None

    @property
    def days(self) -> float:
        return self.hours / 24.0

    def geometry(self) -> dict[str, Any]:
        """GeoJSON LineString (lon, lat order)."""
        line = np.round(self.coordinates[:, ::-1], 5).tolist()
        return {"type": "LineString", "coordinates": line * 2 if len(line) == 1 else line}  # two ends on one node

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "as_of": self.as_of,
            "profile": self.profile,
            **_totals(self),
            "snap_km": _snap(self),
            "geometry": self.geometry(),
        }
