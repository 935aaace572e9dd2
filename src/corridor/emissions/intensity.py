"""Emission intensities from the data pack, per tonne of cargo: one place for the network's edges and the report.

ISO 14083 / GLEC factors come per t-km, per TEU-km (container ship trade lanes) or per container move (hubs).
Everything here is put per tonne of cargo, the per-TEU figures divided by the pack's ``teu_net_tonnes``, so a
shipment's emissions are its tonnes times these intensities (allocation to the TEU by mass). The network's
edges carry the well-to-wheel figure for a TEU of ``teu_net_tonnes`` (``*_kg_co2e_per_teu`` methods), so a
route's ``kg_co2e_per_teu`` is its well-to-wheel emissions at that default weight.

A rail t-km in a country is electric for the country's share (``rail_traction.csv``): no tank-to-wheel
emissions, the train's kWh times the country's grid intensity (``grid_intensity.csv``) well-to-wheel; the rest
is diesel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from corridor.datapack import ACTIVITIES, HUBS, DataPack, EmissionFactor, HubFactor, shipped_table
from corridor.errors import DataError

__all__ = ["RAIL", "VESSEL_ACTIVITY", "Intensities", "RailMix", "hub_of_place"]

#: The activity of rail t-km (container block trains): a mix of rail_electric and rail_diesel by country.
RAIL = "rail"
#: The activity of each ship or train type of ``services.csv`` (a train runs as rail, by the countries it serves).
VESSEL_ACTIVITY = {
    "container_feeder": "container_feeder",
    "ro_ro": "ro_ro",
    "ro_pax": "ro_pax",
    "rail_ferry": "rail_ferry",
    "train": RAIL,
}
#: The unknown-country key of the per-country tables.
DEFAULT = "*"


def _teu_net_tonnes(pack: DataPack) -> float:
    """The pack's tonnes per TEU; the shipped value for a pack built in code without that parameter (as its emission
    tables default to the shipped ones)."""
    if "teu_net_tonnes" in pack.parameters:
        return pack.param("teu_net_tonnes")
    return next(float(p.value) for p in shipped_table("parameters") if p.name == "teu_net_tonnes")


def hub_of_place(kinds: Iterable[str]) -> str:
    """The hub type (``hub_factors.csv``) of a place of these kinds: a seaport, else a ferry port, else a rail
    terminal (inland terminals, border and gauge-change places)."""
    kinds = set(kinds)
    if "seaport" in kinds:
        return "seaport"
    if "ferry_port" in kinds:
        return "ferry_port"
    return "rail_terminal"


@dataclass(frozen=True)
class RailMix:
    """Rail intensities in one country: the electric share and g CO2e per t-km tank-to-wheel and well-to-wheel."""

    electric_share: float
    ttw_g_co2e_per_t_km: float
    wtw_g_co2e_per_t_km: float


@dataclass(frozen=True)
class Intensities:
    """The emission tables of a data pack, looked up per activity, country and hub."""

    factors: Mapping[str, EmissionFactor]
    electric_share: Mapping[str, float]  # country (or "*") -> share of rail t-km by electric traction
    grid_g_co2e_per_kwh: Mapping[str, float]  # country (or "*") -> grid intensity
    hubs: Mapping[str, HubFactor]
    teu_net_tonnes: float  # t/TEU: converts per-TEU factors to per tonne; the default cargo weight

    @classmethod
    def from_pack(cls, pack: DataPack) -> Intensities:
        """The pack's tables by key; DataError naming the table when one lacks a needed row."""
        factors: dict[str, EmissionFactor] = {f.activity: f for f in pack.emission_factors}
        shares = {r.country: r.electric_share for r in pack.rail_traction}
        grid = {r.country: r.g_co2e_per_kwh for r in pack.grid_intensity}
        hubs: dict[str, HubFactor] = {h.hub: h for h in pack.hub_factors}
        for table, rows, needed in (
            ("emission_factors.csv", factors, set(ACTIVITIES)),
            ("rail_traction.csv", shares, {DEFAULT}),
            ("grid_intensity.csv", grid, {DEFAULT}),
            ("hub_factors.csv", hubs, set(HUBS)),
        ):
            if absent := sorted(needed - set(rows)):
                raise DataError(f"{table}: the data pack has no row for {', '.join(absent)}")
        return cls(factors, shares, grid, hubs, _teu_net_tonnes(pack))

    # --- per tonne of cargo ------------------------------------------------------------------------------------
    def per_t_km(self, activity: str) -> tuple[float, float]:
        """(TTW, WTW) g CO2e per t-km of a fuel-driven activity; per-TEU-km factors divided by ``teu_net_tonnes``."""
        f = self.factors[activity]
        if f.wtw_g_co2e is None:
            raise DataError(f"emission_factors.csv: {activity} is electric; its WTW depends on the country's grid")
        scale = 1.0 / self.teu_net_tonnes if f.unit == "TEU-km" else 1.0
        return f.ttw_g_co2e * scale, f.wtw_g_co2e * scale

    def rail(self, country: str | None) -> RailMix:
        """Rail intensities in ``country`` (None, "" or unlisted: the ``*`` rows): the electric share of t-km
        emits nothing tank-to-wheel and kWh x grid well-to-wheel, the rest as a diesel train."""
        share = self.electric_share.get(country or DEFAULT, self.electric_share[DEFAULT])
        grid = self.grid_g_co2e_per_kwh.get(country or DEFAULT, self.grid_g_co2e_per_kwh[DEFAULT])
        electric = self.factors["rail_electric"]
        diesel_ttw, diesel_wtw = self.per_t_km("rail_diesel")
        scale = 1.0 / self.teu_net_tonnes if electric.unit == "TEU-km" else 1.0
        electric_wtw = (electric.kwh or 0.0) * scale * grid
        return RailMix(share, (1.0 - share) * diesel_ttw, share * electric_wtw + (1.0 - share) * diesel_wtw)

    def rail_by_code(self, countries: tuple[str, ...]) -> np.ndarray:
        """(3, n + 1) array over a graph's country list plus the ``*`` default at the end (so code -1 picks it):
        rows electric share, TTW and WTW g CO2e per t-km."""
        mixes = [self.rail(c) for c in (*countries, DEFAULT)]
        return np.array([[m.electric_share, m.ttw_g_co2e_per_t_km, m.wtw_g_co2e_per_t_km] for m in mixes]).T

    def hub_per_t(self, hub: str) -> tuple[float, float]:
        """(TTW, WTW) kg CO2e per tonne of cargo for one container move at a hub (the per-TEU figure / t per TEU)."""
        h = self.hubs[hub]
        return h.ttw_kg_co2e_per_teu / self.teu_net_tonnes, h.wtw_kg_co2e_per_teu / self.teu_net_tonnes

    # --- the network's edges: well-to-wheel kg CO2e for a TEU of teu_net_tonnes -----------------------------
    def kg_co2e_per_teu_km(self, activity: str) -> float:
        """WTW kg CO2e per TEU-km of a fuel-driven activity at the default cargo weight."""
        return self.per_t_km(activity)[1] * self.teu_net_tonnes / 1000.0

    def rail_kg_co2e_per_teu_km(self, countries: tuple[str, ...]) -> np.ndarray:
        """WTW kg CO2e per TEU-km of rail in each country of ``countries`` and, last, the ``*`` default."""
        return self.rail_by_code(countries)[2] * self.teu_net_tonnes / 1000.0

    def hub_kg_co2e_per_teu(self, hub: str) -> float:
        """WTW kg CO2e of one container move at a hub, for a TEU of the default cargo weight."""
        return self.hub_per_t(hub)[1] * self.teu_net_tonnes
