"""A route's ISO 14083 emissions: its path's edges grouped into the route's legs and hubs, for a cargo weight.

Every leg of a ``Route`` is a run of consecutive path edges and its ``km`` is their sum (a border leg has no km:
its edge belongs to the leg before it). So an edge belongs to the leg whose stretch of the route's cumulative km
holds the edge's midpoint; edges of no length (boarding, alighting) carry only hub moves, which are reported
per place, apart from the legs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from corridor.datapack import DataPack, shipped_table
from corridor.emissions.intensity import DEFAULT, RAIL, Intensities
from corridor.emissions.method import method_statement
from corridor.emissions.path import PathIntensities, path_intensities
from corridor.emissions.result import Emissions, HubEmissions, LegEmissions
from corridor.network.graph import Graph
from corridor.results import Route

__all__ = ["route_emissions"]

_URL = re.compile(r"https?://[^\s,;()]+")


def route_emissions(
    route: Route,
    graph: Graph,
    pack: DataPack,
    nodes: np.ndarray,
    edges: np.ndarray,
    *,
    cargo_tonnes_per_teu: float | None = None,
) -> Emissions:
    """The emissions of one TEU along ``route``, whose path is ``edges`` through ``nodes`` of ``graph`` (built from
    ``pack``), carrying ``cargo_tonnes_per_teu`` tonnes (None: the pack's ``teu_net_tonnes``).

    Per leg: activity, carrier, electric share of rail, tonne-km, TTW and WTW kg CO2e; per hub: container moves
    and their kg CO2e; totals; the method statement; the sources of the factors used.
    """
    intensities = Intensities.from_pack(pack)
    tonnes = intensities.teu_net_tonnes if cargo_tonnes_per_teu is None else float(cargo_tonnes_per_teu)
    path = path_intensities(graph, pack, intensities, nodes, edges)
    legs = _legs(route, graph, intensities, path, tonnes)
    hubs = _hubs(intensities, path, tonnes)
    used = _factors_used(graph, intensities, path)
    wtw = sum(x.wtw_kg_co2e for x in legs) + sum(h.wtw_kg_co2e for h in hubs)
    method = method_statement(
        tonnes,
        intensities.teu_net_tonnes,
        wtw_at_default_kg=wtw * intensities.teu_net_tonnes / tonnes,
        route_kg_co2e_per_teu=route.kg_co2e_per_teu,
    )
    return Emissions(
        cargo_tonnes_per_teu=tonnes,
        legs=legs,
        hubs=hubs,
        ttw_kg_co2e=sum(x.ttw_kg_co2e for x in legs) + sum(h.ttw_kg_co2e for h in hubs),
        wtw_kg_co2e=wtw,
        method=method,
        sources=_sources(pack, used),
    )


def _leg_of_edge(route: Route, path: PathIntensities) -> np.ndarray:
    """Index of the route leg each edge belongs to (-1 for an edge of no length)."""
    ends = np.cumsum([leg.km for leg in route.legs])
    middle = np.cumsum(path.km) - path.km / 2.0
    owner = np.minimum(np.searchsorted(ends, middle, side="right"), max(len(route.legs) - 1, 0))
    return np.where(path.km > 0, owner, -1)


def _legs(
    route: Route, graph: Graph, intensities: Intensities, path: PathIntensities, tonnes: float
) -> tuple[LegEmissions, ...]:
    owner = _leg_of_edge(route, path)
    rail_code = path.activities.index(RAIL)
    out = []
    for k, leg in enumerate(route.legs):
        if leg.mode == "border":  # no km of its own; a gauge transshipment there is a hub move
            continue
        mine = owner == k
        km_by_activity = np.bincount(path.activity[mine], weights=path.km[mine], minlength=len(path.activities))
        activity = path.activities[int(np.argmax(km_by_activity))] if km_by_activity.any() else "handling"
        rail = mine & (path.activity == rail_code)
        rail_km = float(path.km[rail].sum())
        share = float(path.electric_km[rail].sum()) / rail_km if rail_km > 0 else None
        out.append(
            LegEmissions(
                index=k,
                mode=leg.mode,
                from_=leg.from_,
                to=leg.to,
                activity=activity,
                carrier=_carrier(intensities, activity, share),
                electric_share=share,
                km=leg.km,
                tonne_km=leg.km * tonnes,
                km_by_country=_km_by_country(graph, path, rail),
                ttw_kg_co2e=float(path.ttw_g_co2e_per_t[mine].sum()) * tonnes / 1000.0,
                wtw_kg_co2e=float(path.wtw_g_co2e_per_t[mine].sum()) * tonnes / 1000.0,
            )
        )
    return tuple(out)


def _carrier(intensities: Intensities, activity: str, electric_share: float | None) -> str:
    if activity == RAIL:
        share = electric_share or 0.0
        if share >= 1.0:
            return "electricity"
        return "diesel" if share <= 0.0 else f"electricity {share:.0%}, diesel {1 - share:.0%}"
    factor = intensities.factors.get(activity)
    return factor.carrier if factor is not None else ""


def _km_by_country(graph: Graph, path: PathIntensities, rail: np.ndarray) -> tuple[tuple[str, float], ...]:
    """A rail leg's km by country (``rail`` masks its rail edges), each edge's km split evenly between its two
    ends' countries (the network prices an edge by the mean of their rail mixes); ``*`` for an end in no country,
    in the order the leg meets them."""
    half = path.km[rail] / 2.0
    ends = np.column_stack([path.country_from[rail], path.country_to[rail]]).ravel()  # in path order
    km = np.bincount(ends + 1, weights=np.repeat(half, 2), minlength=len(graph.countries) + 1)
    codes = list(dict.fromkeys(ends.tolist()))
    return tuple((graph.countries[c] if c >= 0 else DEFAULT, float(km[c + 1])) for c in codes)


def _hubs(intensities: Intensities, path: PathIntensities, tonnes: float) -> tuple[HubEmissions, ...]:
    """The path's container moves grouped by place (in the order first met) with their kg CO2e."""
    moves: dict[tuple[str, str], int] = {}
    for move in path.moves:
        moves[(move.place, move.hub)] = moves.get((move.place, move.hub), 0) + 1
    out = []
    for (place, hub), count in moves.items():
        ttw, wtw = intensities.hub_per_t(hub)
        out.append(HubEmissions(place, hub, count, count * ttw * tonnes, count * wtw * tonnes))
    return tuple(out)


def _factors_used(graph: Graph, intensities: Intensities, path: PathIntensities) -> list[tuple[str, str]]:
    """The (table, key) of every factor the figures rest on, in a stable order."""
    used: list[tuple[str, str]] = [("parameters.csv", "teu_net_tonnes")]
    activities = {path.activities[c] for c in np.unique(path.activity).tolist() if c >= 0}
    for activity in sorted(activities - {RAIL}):
        used.append(("emission_factors.csv", activity))
    if RAIL in activities:
        used += [("emission_factors.csv", "rail_diesel"), ("emission_factors.csv", "rail_electric")]
        rail = path.activity == path.activities.index(RAIL)
        codes = np.unique(np.concatenate([path.country_from[rail], path.country_to[rail]])).tolist()
        countries = sorted({graph.countries[c] if c >= 0 else DEFAULT for c in codes})
        for table, rows in (
            ("rail_traction.csv", intensities.electric_share),
            ("grid_intensity.csv", intensities.grid_g_co2e_per_kwh),
        ):
            used += sorted({(table, c if c in rows else DEFAULT) for c in countries})
    used += [("hub_factors.csv", hub) for hub in sorted({m.hub for m in path.moves})]
    return list(dict.fromkeys(used))


def _parameters(pack: DataPack, names: list[str]) -> Mapping[str, Any]:
    """The pack's parameters, with the shipped pack's rows for those of ``names`` it lacks (a pack built in code),
    read only then."""
    if all(name in pack.parameters for name in names):
        return pack.parameters
    return {p.name: p for p in shipped_table("parameters")} | dict(pack.parameters)


def _sources(pack: DataPack, used: list[tuple[str, str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``table:key`` of each factor used, with the URLs its row's ``source`` cites (none for a bare estimate)."""
    rows: dict[str, Mapping[str, Any]] = {
        "parameters.csv": _parameters(pack, [key for table, key in used if table == "parameters.csv"]),
        "emission_factors.csv": {f.activity: f for f in pack.emission_factors},
        "rail_traction.csv": {r.country: r for r in pack.rail_traction},
        "grid_intensity.csv": {r.country: r for r in pack.grid_intensity},
        "hub_factors.csv": {h.hub: h for h in pack.hub_factors},
    }
    out = []
    for table, key in used:
        row = rows[table][key]
        urls = tuple(dict.fromkeys(u.rstrip(".") for u in _URL.findall(row.source)))
        out.append((f"{table}:{key}", urls))
    return tuple(out)
