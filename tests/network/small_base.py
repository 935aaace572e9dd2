"""A hand-built base network (the pack-independent part of the build) on the small network's geography.

The nodes, lines, roads and sea lanes of ``tests/small_network.py``: rail and road in XW and XE (with
the Westbrück–Gaugeton and Roadgate borders), a road stub in XN, a sea lane Westport – mid – Eastport
whose eastern edge is the marnet-style passage ``east_sound``. ``small_base()`` joined with
``small_pack()`` by ``build_graph`` gives a graph of the same shape as the world build's.
"""

from __future__ import annotations

import numpy as np

from corridor.graphs.components import component_labels
from corridor.network.base import BaseNetwork, LandLayer, SeaLayer
from corridor.network.geo import haversine_km
from corridor.units import Layer
from small_network import BASE_NODES, RAIL_LINES, ROADS, SEA_LANES

__all__ = ["small_base"]

#: The code of a country only a sea node lies in (no land node, place or strait carries it).
SEA_ONLY_COUNTRY = "XQ"


def _nodes(layer: Layer) -> list[str]:
    return [name for name, (kind, *_rest) in BASE_NODES.items() if kind == layer]


def _edges(names: list[str], pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    index = {name: i for i, name in enumerate(names)}
    u = np.array([index[a] for a, _ in pairs], np.int64)
    v = np.array([index[b] for _, b in pairs], np.int64)
    lat = np.array([BASE_NODES[n][1] for n in names])
    lon = np.array([BASE_NODES[n][2] for n in names])
    return u, v, haversine_km(lat[u], lon[u], lat[v], lon[v])


def _land(name: str, layer: Layer, pairs: list[tuple[str, str]], countries: tuple[str, ...]) -> LandLayer:
    names = _nodes(layer)
    u, v, km = _edges(names, pairs)
    count, labels = component_labels(len(names), u, v)
    return LandLayer(
        name=name,
        lat=np.array([BASE_NODES[n][1] for n in names]),
        lon=np.array([BASE_NODES[n][2] for n in names]),
        country=np.array([countries.index(BASE_NODES[n][3]) for n in names], np.int16),
        edge_u=u,
        edge_v=v,
        edge_km=km,
        heal_u=np.zeros(0, np.int64),
        heal_v=np.zeros(0, np.int64),
        heal_km=np.zeros(0),
        heal_dead_end=np.zeros(0, bool),
        components_before=count,
        giant_before=int(np.bincount(labels).max()),
    )


def small_base() -> BaseNetwork:
    """The small network's base: nine rail, eight road and three sea nodes (the mid-sea node lies in
    ``SEA_ONLY_COUNTRY``'s polygon; the Eastport one in no polygon but in the one-country strait of XE)."""
    countries = ("XE", "XN", SEA_ONLY_COUNTRY, "XW")
    sea_names = _nodes(Layer.SEA)
    u, v, km = _edges(sea_names, SEA_LANES)
    sea = SeaLayer(
        lat=np.array([BASE_NODES[n][1] for n in sea_names]),
        lon=np.array([BASE_NODES[n][2] for n in sea_names]),
        country=np.array([-1, countries.index(SEA_ONLY_COUNTRY), -1], np.int16),
        strait_country=np.array([-1, -1, countries.index("XE")], np.int16),
        edge_u=u,
        edge_v=v,
        edge_km=km,
        edge_passage=np.array([-1, 0], np.int16),  # s_mid – s_eastport is the east_sound passage
        passages=("east_sound",),
    )
    rail = _land("world_railways", Layer.RAIL, RAIL_LINES, countries)
    return BaseNetwork(
        countries=countries,
        rail=rail,
        road=_land("world_highways", Layer.ROAD, ROADS, countries),
        sea=sea,
        strait_countries=("XE",),
        rail_passenger=np.zeros(len(rail.edge_u) + len(rail.heal_u), bool),  # no high-speed line here
        strait_nodes={"XE": [2]},
        straits=[{"id": "east_sound", "name": "East Sound", "sea_nodes": 1, "tagged": {"XE": 1}}],
    )
