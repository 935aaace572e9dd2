"""A route's emissions as ISO 14083 reports them: per leg and per hub, tank-to-wheel and well-to-wheel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Emissions", "HubEmissions", "LegEmissions"]


def _r(x: float, digits: int = 3) -> float:
    return round(x, digits)


@dataclass(frozen=True)
class LegEmissions:
    """One leg of the route (``index`` into ``Route.legs``) that moves or handles the container: its activity
    (``rail`` for container block trains, else a row of ``emission_factors.csv``), energy carrier, the electric
    share of its rail km, its tonne-km and kg CO2e for the shipment. ``km_by_country`` splits a rail leg's km
    by the country each km lies in (``*``: no country). Hub moves are reported apart, in ``Emissions.hubs``."""

    index: int
    mode: str
    from_: str
    to: str
    activity: str
    carrier: str
    electric_share: float | None  # rail legs only: share of the leg's t-km hauled electrically
    km: float
    tonne_km: float
    km_by_country: tuple[tuple[str, float], ...]
    ttw_kg_co2e: float
    wtw_kg_co2e: float

    @property
    def wtw_g_co2e_per_t_km(self) -> float:
        """The leg's mean well-to-wheel intensity (0 for a leg of no tonne-km)."""
        return 1000.0 * self.wtw_kg_co2e / self.tonne_km if self.tonne_km else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "mode": self.mode,
            "from": self.from_,
            "to": self.to,
            "activity": self.activity,
            "carrier": self.carrier,
            "electric_share": None if self.electric_share is None else _r(self.electric_share, 4),
            "km": _r(self.km),
            "tonne_km": _r(self.tonne_km),
            "km_by_country": {c: _r(km) for c, km in self.km_by_country},
            "ttw_kg_co2e": _r(self.ttw_kg_co2e),
            "wtw_kg_co2e": _r(self.wtw_kg_co2e),
            "wtw_g_co2e_per_t_km": _r(self.wtw_g_co2e_per_t_km),
        }


@dataclass(frozen=True)
class HubEmissions:
    """Container moves (lifts) at one hub of the route: a terminal, a port or a gauge-change transshipment."""

    place: str
    hub: str  # seaport, ferry_port, rail_terminal or gauge_transshipment (hub_factors.csv)
    moves: int
    ttw_kg_co2e: float
    wtw_kg_co2e: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "hub": self.hub,
            "moves": self.moves,
            "ttw_kg_co2e": _r(self.ttw_kg_co2e),
            "wtw_kg_co2e": _r(self.wtw_kg_co2e),
        }


@dataclass(frozen=True)
class Emissions:
    """Greenhouse-gas emissions of one TEU carrying ``cargo_tonnes_per_teu`` tonnes along a route (ISO 14083).

    The shipment is one TEU, so the totals are also the per-TEU figures. WTW = TTW + WTT (well-to-tank: making
    and delivering the fuel or electricity). ``method`` says how the figures were made; ``sources`` maps each
    factor used (``table:key``) to the URLs its data-pack row cites.
    """

    cargo_tonnes_per_teu: float
    legs: tuple[LegEmissions, ...]
    hubs: tuple[HubEmissions, ...]
    ttw_kg_co2e: float
    wtw_kg_co2e: float
    method: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def ttw_kg_co2e_per_teu(self) -> float:
        return self.ttw_kg_co2e

    @property
    def wtw_kg_co2e_per_teu(self) -> float:
        return self.wtw_kg_co2e

    @property
    def wtt_kg_co2e(self) -> float:
        """Well-to-tank: the emissions of producing and delivering the energy, WTW - TTW."""
        return self.wtw_kg_co2e - self.ttw_kg_co2e

    @property
    def tonne_km(self) -> float:
        return sum(leg.tonne_km for leg in self.legs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cargo_tonnes_per_teu": self.cargo_tonnes_per_teu,
            "ttw_kg_co2e": _r(self.ttw_kg_co2e, 2),
            "wtw_kg_co2e": _r(self.wtw_kg_co2e, 2),
            "wtt_kg_co2e": _r(self.wtt_kg_co2e, 2),
            "ttw_kg_co2e_per_teu": _r(self.ttw_kg_co2e_per_teu, 2),
            "wtw_kg_co2e_per_teu": _r(self.wtw_kg_co2e_per_teu, 2),
            "tonne_km": _r(self.tonne_km, 1),
            "legs": [leg.to_dict() for leg in self.legs],
            "hubs": [hub.to_dict() for hub in self.hubs],
            "method": self.method,
            "sources": {key: list(urls) for key, urls in self.sources},
        }
