"""The pack-independent base of the network: the three layers, their countries, healing and straits.

Everything here comes from the installed layer packages (scgraph-data, searoute's marnet, Natural
Earth) and the shipped ``straits.csv``; nothing from the data pack. It is built once (about 9 s),
cached on its own (``corridor.network.base_cache``) and joined with a data pack by
``corridor.network.build.build_graph``, so a scenario that changes pack figures rebuilds only the
pack-dependent part.

Node indices are local to each layer (the build lays rail, road, sea out one after the other).
Country columns index :attr:`BaseNetwork.countries` (-1: no country).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corridor.datapack import PassengerLine, shipped_passenger_lines
from corridor.network.countries import TERRITORIAL_SEA_KM, CountryIndex, Strait, load_country_index, load_straits
from corridor.network.heal import heal_layer
from corridor.network.layers import Layer, read_marnet, read_scgraph_layer
from corridor.network.passenger_lines import passenger_edges

__all__ = ["BaseNetwork", "LandLayer", "SeaLayer", "build_base", "rail_passenger_edges"]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class LandLayer:
    """A rail or road layer: nodes, its edges, the healing links that close its gaps, node countries."""

    name: str  # "world_railways" | "world_highways"
    lat: np.ndarray  # float64[n], degrees
    lon: np.ndarray  # float64[n], degrees
    country: np.ndarray  # int16[n]: index into BaseNetwork.countries, -1 none
    edge_u: np.ndarray  # int64[m], each undirected edge once
    edge_v: np.ndarray  # int64[m]
    edge_km: np.ndarray  # float64[m]
    heal_u: np.ndarray  # int64[h]: healing links (bridges and dead-end links)
    heal_v: np.ndarray  # int64[h]
    heal_km: np.ndarray  # float64[h]
    heal_dead_end: np.ndarray  # bool[h]: a dead-end link (else a bridge)
    components_before: int  # components of the layer before healing
    giant_before: int  # nodes of its largest component before healing

    @property
    def node_count(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class SeaLayer:
    """The sea layer: nodes, edges with their marnet passage, node countries and strait shores."""

    lat: np.ndarray  # float64[n]
    lon: np.ndarray  # float64[n]
    country: np.ndarray  # int16[n]: the polygon holding the node (no coastal margin), -1 none
    strait_country: np.ndarray  # int16[n]: the shore country of a one-country strait near the node, -1 none
    edge_u: np.ndarray  # int64[m]
    edge_v: np.ndarray  # int64[m]
    edge_km: np.ndarray  # float64[m]
    edge_passage: np.ndarray  # int16[m]: index into ``passages``, -1 for open water
    passages: tuple[str, ...]  # marnet passage tags ("suez", "bering", ...)

    @property
    def node_count(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class BaseNetwork:
    """The layers, the ISO codes their countries index, and the straits' shore countries."""

    countries: tuple[str, ...]  # sorted ISO-A2 codes: every code a node or a strait carries
    rail: LandLayer
    road: LandLayer
    sea: SeaLayer
    strait_countries: tuple[str, ...]  # every code straits.csv lists (the graph's country list keeps them)
    # rail edges then healing links that belong to the shipped passenger_lines.csv's high-speed lines
    rail_passenger: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    strait_nodes: dict[str, list[int]] = field(default_factory=dict)  # code → sea node ids (local)
    straits: list[dict[str, Any]] = field(default_factory=list)  # report row per strait

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat name → array dict for the cache file (names and tables as JSON text)."""
        out: dict[str, np.ndarray] = {}
        for prefix, layer in (("rail", self.rail), ("road", self.road)):
            for name in _LAND_ARRAYS:
                out[f"{prefix}.{name}"] = getattr(layer, name)
        for name in _SEA_ARRAYS:
            out[f"sea.{name}"] = getattr(self.sea, name)
        meta = {
            "countries": list(self.countries),
            "passages": list(self.sea.passages),
            "strait_countries": list(self.strait_countries),
            "strait_nodes": self.strait_nodes,
            "straits": self.straits,
            "layers": {
                prefix: {"name": layer.name, "components_before": layer.components_before,
                         "giant_before": layer.giant_before}
                for prefix, layer in (("rail", self.rail), ("road", self.road))
            },
        }  # fmt: skip
        out["rail.passenger"] = self.rail_passenger
        out["meta"] = np.array(json.dumps(meta))
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> BaseNetwork:
        """The inverse of :meth:`to_arrays` (check the arrays with ``valid_base`` first)."""
        meta = json.loads(str(arrays["meta"]))
        land = {
            prefix: LandLayer(
                name=str(meta["layers"][prefix]["name"]),
                components_before=int(meta["layers"][prefix]["components_before"]),
                giant_before=int(meta["layers"][prefix]["giant_before"]),
                **{name: arrays[f"{prefix}.{name}"] for name in _LAND_ARRAYS},
            )
            for prefix in ("rail", "road")
        }
        sea = SeaLayer(**{name: arrays[f"sea.{name}"] for name in _SEA_ARRAYS}, passages=tuple(meta["passages"]))
        return cls(
            tuple(meta["countries"]), land["rail"], land["road"], sea, tuple(meta["strait_countries"]),
            arrays["rail.passenger"], {str(k): list(v) for k, v in meta["strait_nodes"].items()},
            list(meta["straits"]),
        )  # fmt: skip


_LAND_ARRAYS = ("lat", "lon", "country", "edge_u", "edge_v", "edge_km", "heal_u", "heal_v", "heal_km", "heal_dead_end")
_SEA_ARRAYS = ("lat", "lon", "country", "strait_country", "edge_u", "edge_v", "edge_km", "edge_passage")


def build_base(*, progress: Progress | None = None) -> BaseNetwork:
    """Read the layers and the country polygons, tag countries and straits, heal rail and road gaps."""
    say = progress or (lambda _step, _fraction: None)
    say("reading rail layer", 0.02)
    rail = read_scgraph_layer("world_railways")
    say("reading road layer", 0.08)
    road = read_scgraph_layer("world_highways")
    say("reading sea layer", 0.16)
    sea = read_marnet()
    say("reading country polygons", 0.20)
    country_index = load_country_index()
    straits = load_straits()
    say("tagging countries", 0.25)
    rail_cc = country_index.lookup(rail.lat, rail.lon)
    road_cc = country_index.lookup(road.lat, road.lon)
    # sea nodes inside a country's polygon (canals, straits, estuaries) belong to it
    sea_cc = country_index.lookup(sea.lat, sea.lon, coast_km=0.0)
    strait_codes = tuple(sorted({c for s in straits for c in s.countries}))
    countries = tuple(sorted((set(rail_cc) | set(road_cc) | set(sea_cc) | set(strait_codes)) - {""}))
    code_to_index = {c: i for i, c in enumerate(countries)}
    say("tagging straits", 0.28)
    strait_nodes, strait_country, rows = _tag_straits(straits, sea, country_index, code_to_index)
    say("healing rail and road gaps", 0.30)
    land = [_land_layer(layer, codes, code_to_index) for layer, codes in ((rail, rail_cc), (road, road_cc))]
    passages = tuple(sorted({str(t) for t in sea.edge_tag if t is not None}))
    passage_index = {p: i for i, p in enumerate(passages)}
    sea_layer = SeaLayer(
        lat=sea.lat,
        lon=sea.lon,
        country=_country_ids(sea_cc, code_to_index),
        strait_country=strait_country,
        edge_u=sea.edge_u,
        edge_v=sea.edge_v,
        edge_km=sea.edge_km,
        edge_passage=np.array([-1 if t is None else passage_index[t] for t in sea.edge_tag], np.int16),
        passages=passages,
    )
    say("marking high-speed passenger lines", 0.45)
    passenger = rail_passenger_edges(land[0], shipped_passenger_lines())
    say("base ready", 0.50)
    return BaseNetwork(countries, land[0], land[1], sea_layer, strait_codes, passenger, strait_nodes, rows)


def rail_passenger_edges(rail: LandLayer, lines: tuple[PassengerLine, ...]) -> np.ndarray:
    """Which rail edges and healing links (in that order) belong to a high-speed passenger line of ``lines``."""
    u = np.concatenate([rail.edge_u, rail.heal_u])
    v = np.concatenate([rail.edge_v, rail.heal_v])
    km = np.concatenate([rail.edge_km, rail.heal_km])
    if not lines:
        return np.zeros(len(u), bool)
    return passenger_edges(rail.lat, rail.lon, u, v, lines, edge_km=km)


def _country_ids(codes: np.ndarray, code_to_index: dict[str, int]) -> np.ndarray:
    """ISO codes ('' for none) as indices (int16, -1 for none)."""
    lookup = np.vectorize(lambda c: code_to_index.get(c, -1), otypes=[np.int16])
    return lookup(codes) if len(codes) else np.zeros(0, np.int16)


def _land_layer(layer: Layer, codes: np.ndarray, code_to_index: dict[str, int]) -> LandLayer:
    """A rail or road layer with its node countries and the links that heal its gaps."""
    healed = heal_layer(layer.lat, layer.lon, layer.edge_u, layer.edge_v, layer.edge_km)
    return LandLayer(
        name=layer.name,
        lat=layer.lat,
        lon=layer.lon,
        country=_country_ids(codes, code_to_index),
        edge_u=layer.edge_u,
        edge_v=layer.edge_v,
        edge_km=layer.edge_km,
        heal_u=healed.u,
        heal_v=healed.v,
        heal_km=healed.km,
        heal_dead_end=np.asarray(healed.kind == "dead_end", bool),
        components_before=healed.components_before,
        giant_before=healed.giant_before,
    )


def _tag_straits(
    straits: list[Strait], sea: Layer, country_index: CountryIndex, code_to_index: dict[str, int]
) -> tuple[dict[str, list[int]], np.ndarray, list[dict[str, Any]]]:
    """Shore countries of the sea nodes in each strait or canal: ISO code → sea node ids, each node's
    one-country-strait country, and a report row per strait (its sea nodes, how many carry each country).

    A node inside a strait's box carries every listed country whose coast lies within the territorial
    sea (12 nmi, 22.2 km), so mid-Øresund is both Danish and Swedish and avoiding either closes it.
    A node in a strait of one country (the Bosporus, the Great Belt) also records that country: the
    build gives it to a node that no polygon holds, so routes list it; in a strait between countries
    (the Øresund) such a node stays without one, so a ship sailing through is not listed as
    zig-zagging between the shores. The router adds these nodes to what ``avoid`` excludes.
    """
    members: dict[str, set[int]] = {}
    strait_country = np.full(sea.node_count, -1, np.int16)
    rows = []
    for strait in straits:
        inside = np.flatnonzero(strait.contains(sea.lat, sea.lon))
        tagged = dict.fromkeys(strait.countries, 0)
        for i in inside.tolist():
            lat, lon = float(sea.lat[i]), float(sea.lon[i])
            dist = {c: country_index.distance_km(lat, lon, c, limit_km=TERRITORIAL_SEA_KM) for c in strait.countries}
            near = [c for c in strait.countries if np.isfinite(dist[c])]
            for code in near:
                members.setdefault(code, set()).add(i)
                tagged[code] += 1
            if len(strait.countries) == 1 and near and strait_country[i] < 0:
                strait_country[i] = code_to_index[near[0]]
        rows.append({"id": strait.id, "name": strait.name, "sea_nodes": len(inside), "tagged": tagged})
    return {code: sorted(nodes) for code, nodes in sorted(members.items())}, strait_country, rows
