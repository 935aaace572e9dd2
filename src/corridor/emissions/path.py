"""What each edge of a route's path emits per tonne of cargo, and where the path moves a container at a hub.

The network's edges carry one figure, well-to-wheel kg CO2e for a TEU of the default cargo weight. A report
needs more: the activity and energy carrier behind every km, the tank-to-wheel part, the electric share of rail
by country, and the hub moves apart from the transport. This module reads them back from the path's edges and
nodes with the same rules (``corridor.emissions.intensity``) that priced the edges in the build
(``corridor.network.build``):

* rail, and scheduled trains between their stops: the mean of the rail mixes of the edge's two end countries;
* road: ``road_truck``; generic sea lanes: ``container_deep_sea``; a ferry ride: its ship type's activity;
* a transfer edge (terminal access): its km by the layer it joins (rail in the place's country), plus one
  container move at the place;
* boarding or leaving a ferry or train: one container move at the place;
* a rail border crossing whose gauge change is a transshipment: one move at the crossing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.datapack import ACTIVITIES, DataPack
from corridor.emissions.intensity import RAIL, VESSEL_ACTIVITY, Intensities, hub_of_place
from corridor.network.graph import Graph
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["ACTIVITY_NAMES", "HubMove", "PathIntensities", "path_intensities"]

_TRANSSHIPMENT = 2  # BorderTable.gauge_change code
#: The activities an edge can carry: rail (the mix of rail_electric and rail_diesel) and the other rows of
#: emission_factors.csv.
ACTIVITY_NAMES = (RAIL, *(a for a in ACTIVITIES if a not in ("rail_diesel", "rail_electric")))


@dataclass(frozen=True)
class HubMove:
    """One container move at a hub: where (a place or crossing name) and which hub type."""

    edge: int  # position in the path
    place: str
    hub: str


@dataclass(frozen=True, eq=False)
class PathIntensities:
    """Per edge of a path (arrays in path order): its km, activity, country codes at its two ends, electric km,
    and TTW and WTW g CO2e per tonne of cargo over the edge; and the path's hub moves."""

    km: np.ndarray
    activity: np.ndarray  # int: index into ``activities`` (-1: none, an edge of no length)
    activities: tuple[str, ...]  # "rail" (the electric/diesel mix) and the activities of emission_factors.csv
    country_from: np.ndarray  # int: index into the graph's countries, -1 for none
    country_to: np.ndarray
    electric_km: np.ndarray  # km hauled electrically (rail only)
    ttw_g_co2e_per_t: np.ndarray
    wtw_g_co2e_per_t: np.ndarray
    moves: tuple[HubMove, ...]


def path_intensities(
    graph: Graph, pack: DataPack, intensities: Intensities, nodes: np.ndarray, edges: np.ndarray
) -> PathIntensities:
    """The emission intensities of a path of ``edges`` through ``nodes`` (one more than edges) of ``graph``, built
    from ``pack``."""
    edges = np.asarray(edges, np.int64)
    nodes = np.asarray(nodes, np.int64)
    tail, head = nodes[:-1], nodes[1:]
    km = graph.edge_km[edges].astype(float)
    mode = graph.edge_mode[edges].astype(int)
    ref = graph.edge_ref[edges].astype(int)
    cu = graph.node_country[tail].astype(int)
    cv = graph.node_country[head].astype(int)
    rail = intensities.rail_by_code(graph.countries)  # (share, ttw, wtw) by country code, '*' at -1
    rates = np.zeros((3, len(edges)))  # per edge: electric share, TTW and WTW g CO2e per t-km
    activity = np.full(len(edges), -1, np.int64)  # index into ACTIVITY_NAMES
    code = {name: i for i, name in enumerate(ACTIVITY_NAMES)}
    on_rails = (mode == Mode.RAIL) | ((mode == Mode.SERVICE) & (km > 0))
    rates[:, on_rails] = ((rail[:, cu] + rail[:, cv]) / 2.0)[:, on_rails]
    activity[on_rails] = code[RAIL]
    for where, name in ((mode == Mode.ROAD, "road_truck"), (mode == Mode.SEA, "container_deep_sea")):
        rates[1:, where] = np.array(intensities.per_t_km(name))[:, None]
        activity[where] = code[name]
    vessel_of = {s.id: s.vessel for s in pack.services}
    for i in np.flatnonzero((mode == Mode.FERRY) & (km > 0)).tolist():
        name = VESSEL_ACTIVITY[vessel_of[graph.service_ids[ref[i]]]]
        activity[i] = code[name]
        rates[1:, i] = intensities.per_t_km(name)
    moves: list[HubMove] = []
    outer = np.where(graph.node_layer[tail] == Layer.TERMINAL, graph.node_layer[head], graph.node_layer[tail])
    for i in np.flatnonzero(mode == Mode.TRANSFER).tolist():  # terminal access, and one container move
        place = pack.places[ref[i]]
        if outer[i] == Layer.RAIL:
            mix = intensities.rail(place.country)
            activity[i] = code[RAIL]
            rates[:, i] = (mix.electric_share, mix.ttw_g_co2e_per_t_km, mix.wtw_g_co2e_per_t_km)
        else:
            name = "road_truck" if outer[i] == Layer.ROAD else "container_deep_sea"
            activity[i] = code[name]
            rates[1:, i] = intensities.per_t_km(name)
        moves.append(HubMove(i, place.name, hub_of_place(place.kinds)))
    place_of_node = {int(n): p for p, n in enumerate(graph.place_node.tolist())}
    for i in np.flatnonzero(((mode == Mode.FERRY) | (mode == Mode.SERVICE)) & (km == 0)).tolist():
        p = place_of_node.get(int(tail[i]), place_of_node.get(int(head[i])))  # boarding leaves it, alighting enters
        if p is not None:
            place = pack.places[p]
            moves.append(HubMove(i, place.name, hub_of_place(place.kinds)))
    flags = graph.edge_flags[edges].astype(int)
    border = np.flatnonzero(((flags & EdgeFlag.BORDER) != 0) & (mode == Mode.RAIL))
    for i in border[graph.borders.gauge_change[ref[border]] == _TRANSSHIPMENT].tolist():
        crossing = int(graph.borders.crossing[ref[i]])
        where = f"{_code(graph, cu[i])}–{_code(graph, cv[i])} border"
        moves.append(HubMove(i, graph.crossing_names[crossing] if crossing >= 0 else where, "gauge_transshipment"))
    moves.sort(key=lambda m: m.edge)
    return PathIntensities(
        km=km,
        activity=activity,
        activities=ACTIVITY_NAMES,
        country_from=cu,
        country_to=cv,
        electric_km=km * rates[0],
        ttw_g_co2e_per_t=km * rates[1],
        wtw_g_co2e_per_t=km * rates[2],
        moves=tuple(moves),
    )


def _code(graph: Graph, index: int) -> str:
    return graph.countries[index] if index >= 0 else "?"
