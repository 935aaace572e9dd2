"""A small hand-built network for unit tests: a few dozen nodes, every kind of leg, built in milliseconds.

Three made-up countries (ISO 3166 user-assigned codes, so no real country is implied)::

    Westport (XW) ~~~~~~~~~~~~ sea lane ~~~~~~~~~~~~ Eastport (XE) <~~ North Ferry ~~> Northhaven (XN)
        |  rail, road                                   |  rail, road
    Westburg (XW) --rail-- [Westbrück–Gaugeton] --rail-- Eastgrad (XE)
                  --road-- [Roadgate] ----------road--
                  == West–East Express (train) ========

* XW is a 1435 mm country, XE a 1520 mm one: the rail crossing Westbrück–Gaugeton changes gauge (bogie
  exchange) and charges dwell and a fee; the road crossing Roadgate has a long dwell and no gauge change.
* Places are terminals joined to their layers by transfer edges (handling per container move); the sea
  lane charges the liner wait when a container boards a ship; the ferry and the train are lines (board
  with the expected wait, ride, alight), as ``corridor.network.build`` makes them.
* Figures are round numbers chosen so that the fastest Westburg → Eastgrad route is by rail over the
  border, the cheapest by road, and Northhaven is reached only by the ferry from Eastport.

``small_network()`` is the one place that constructs the ``Network`` object; ``small_graph()`` and
``small_pack()`` give the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from corridor.datapack import (
    CorridorFamily,
    Crossing,
    DataPack,
    FlowVariant,
    Gauge,
    PackDate,
    Parameter,
    Place,
    RailRate,
    RailSpeed,
    Service,
    expected_wait_hours,
)
from corridor.network.geo import haversine_km
from corridor.network.graph import BorderTable, Graph, ServiceTable
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["small_graph", "small_network", "small_pack"]

_ROW = {"basis": "estimate", "source": "hand-built test network (tests/small_network.py)", "as_of": "2026-01"}

#: name: (value, unit, range)
PARAMETERS = {
    "road_speed_km_per_hour": (60.0, "km/h", "(0, inf)"),
    "road_max_km_per_day": (600.0, "km/day", "(0, inf)"),  # so trucks average 25 km/h
    "sea_speed_km_per_hour": (30.0, "km/h", "(0, inf)"),
    "ferry_speed_km_per_hour": (30.0, "km/h", "(0, inf)"),
    "rail_usd_per_teu_km": (0.5, "USD/TEU-km", "[0, inf)"),
    "road_usd_per_teu_km": (1.0, "USD/TEU-km", "[0, inf)"),
    "sea_usd_per_teu_km": (0.1, "USD/TEU-km", "[0, inf)"),
    "ferry_usd_per_teu_km": (0.8, "USD/TEU-km", "[0, inf)"),
    "rail_kg_co2e_per_teu_km": (0.25, "kg CO2e/TEU-km", "[0, inf)"),
    "road_kg_co2e_per_teu_km": (1.0, "kg CO2e/TEU-km", "[0, inf)"),
    "sea_kg_co2e_per_teu_km": (0.08, "kg CO2e/TEU-km", "[0, inf)"),
    "ferry_kg_co2e_per_teu_km": (1.2, "kg CO2e/TEU-km", "[0, inf)"),
    "service_kg_co2e_per_teu_km": (0.25, "kg CO2e/TEU-km", "[0, inf)"),
    "border_dwell_hours_default": (20.0, "h", "[0, inf)"),
    "schengen_border_dwell_hours": (0.0, "h", "[0, inf)"),
    "gauge_change_hours_default": (10.0, "h", "[0, inf)"),
    "gauge_change_usd_per_teu_default": (300.0, "USD/TEU", "[0, inf)"),
    "value_of_time_usd_per_teu_hour": (4.0, "USD/(TEU h)", "[0, inf)"),
    "carbon_price_usd_per_t_co2e": (80.0, "USD/t CO2e", "[0, inf)"),
    "usd_per_feu_factor": (1.5, "FEU/TEU price ratio", "[1, 2]"),
    "sea_departures_per_week": (7.0, "departures/week", "(0, inf)"),  # a daily liner: 12 h expected wait
    "rail_access_max_km": (80.0, "km", "(0, inf)"),
    "road_access_max_km": (50.0, "km", "(0, inf)"),
    "sea_access_max_km": (120.0, "km", "(0, inf)"),
    "crossing_radius_km": (40.0, "km", "(0, inf)"),
    "leg_label_radius_km": (15.0, "km", "[0, inf)"),
    "road_carriage_max_km": (300.0, "km", "(0, inf)"),
    "road_carriage_max_km_eu": (150.0, "km", "(0, inf)"),
    "feeder_usd_per_teu_km": (0.3, "USD/TEU-km", "[0, inf)"),
    "container_feeder_kg_co2e_per_teu_km": (0.2, "kg CO2e/TEU-km", "[0, inf)"),
    "ro_ro_kg_co2e_per_teu_km": (0.6, "kg CO2e/TEU-km", "[0, inf)"),
    "rail_ferry_kg_co2e_per_teu_km": (0.6, "kg CO2e/TEU-km", "[0, inf)"),
    "border_excursion_max_km": (30.0, "km", "[0, inf)"),
}


def small_pack() -> DataPack:
    """The data pack of the small network: six places, two crossings, a ferry, a train, three corridor families."""

    def place(id, name, country, kinds, lat, lon, layers, hours, usd, aliases=()):
        role = "deep_sea" if "sea" in layers else ("ro_ro" if "ferry_port" in kinds else "")
        return Place(
            **_ROW, id=id, name=name, aliases=aliases, country=country, kinds=kinds, lat=lat, lon=lon,
            layers=layers, port_role=role, handling_hours=hours, handling_usd_per_teu=usd,
            capacity_teu_per_year=200_000,
        )  # fmt: skip

    def service(id, name, mode, a, b, km, hours, departures, timetable, tariff):
        return Service(
            **_ROW, id=id, service=name, mode=mode, vessel="ro_pax" if mode == "ferry" else "train", from_place=a,
            to_place=b, km=km, hours=hours,
            departures_per_week=departures, timetable=timetable, capacity_teu_per_departure=100,
            tariff_usd_per_teu=tariff, operator="Test Lines",
        )  # fmt: skip

    places = (
        place("westport", "Westport", "XW", ("seaport", "rail_terminal"), 54.40, 20.50, ("rail", "road", "sea"), 4, 60),
        place("westburg", "Westburg", "XW", ("rail_terminal",), 52.48, 21.02, ("rail", "road"), 3, 50,
              aliases=("Westburg Terminal",)),
        place("gaugeton", "Gaugeton", "XE", ("border_crossing", "gauge_change"), 52.13, 22.08, ("rail",), 2, 40),
        place("eastgrad", "Eastgrad", "XE", ("rail_terminal",), 52.40, 23.02, ("rail", "road"), 3, 50,
              aliases=("Vostokgrad",)),
        place("eastport", "Eastport", "XE", ("seaport", "ferry_port"), 54.40, 23.80, ("rail", "road", "sea"), 4, 60),
        place("northhaven", "Northhaven", "XN", ("ferry_port",), 56.50, 23.02, ("road",), 3, 45),
    )  # fmt: skip
    services = (
        service("north_ferry_out", "North Ferry", "ferry", "eastport", "northhaven", 240, 14, 4, "irregular", 400),
        service("north_ferry_back", "North Ferry", "ferry", "northhaven", "eastport", 240, 14, 4, "irregular", 400),
        service("express_east", "West–East Express", "service", "westburg", "eastgrad", 170, 20, 2, "fixed", 900),
        service("express_west", "West–East Express", "service", "eastgrad", "westburg", 170, 20, 2, "fixed", 900),
    )
    crossings = (
        Crossing(
            **_ROW, id="westbruck_gaugeton", name="Westbrück–Gaugeton", country_a="XE", country_b="XW", mode="rail",
            lat=52.12, lon=22.0, dwell_hours=8, fee_usd_per_teu=100, gauge_change="bogie_exchange",
            gauge_change_hours=6, gauge_change_usd_per_teu=150, capacity_trains_per_day=12, teu_per_train=80,
        ),
        Crossing(
            **_ROW, id="roadgate", name="Roadgate", country_a="XE", country_b="XW", mode="road", lat=52.02, lon=22.0,
            dwell_hours=30, fee_usd_per_teu=30, gauge_change="none",
        ),
    )  # fmt: skip
    corridors = (
        CorridorFamily(**_ROW, id="overland", name="Overland", modes=("rail", "road")),
        CorridorFamily(
            **_ROW, id="by_sea", name="By sea", via=("westport", "eastport"), modes=("rail", "road", "sea")
        ),
        CorridorFamily(**_ROW, id="around_xe", name="Around XE", avoid=("XE",)),
    )  # fmt: skip
    return DataPack(
        places=places,
        services=services,
        parameters={
            name: Parameter(**_ROW, name=name, value=value, unit=unit, range=bounds)
            for name, (value, unit, bounds) in PARAMETERS.items()
        },
        rail_speeds=(
            RailSpeed(**_ROW, country="XW", speed_km_per_day=1000),
            RailSpeed(**_ROW, country="XE", speed_km_per_day=800),
            RailSpeed(**_ROW, country="*", speed_km_per_day=900),
        ),
        borders=(),
        crossings=crossings,
        gauges=(
            Gauge(**_ROW, country="XE", gauge_mm=1520),
            Gauge(**_ROW, country="*", gauge_mm=1435),
        ),
        links=(),
        corridors=corridors,
        unions=(),
        status=(),
        dates=(
            PackDate(**_ROW, name="covers_from", date=date(2015, 1, 1)),
            PackDate(**_ROW, name="as_of", date=date(2026, 1, 31)),
        ),
        rail_rates=(RailRate(**_ROW, country="*", usd_per_teu_km=0.5),),
        passenger_lines=(),
        closed_seas=(),
        no_liner_passages=(),
        flow_variants=(  # the shipped pack's variants (none of their countries is in the small network)
            FlowVariant(**_ROW, id="any", name="any"),
            FlowVariant(**_ROW, id="avoid_ru_by", name="avoid RU,BY", avoid=("RU", "BY")),
            FlowVariant(**_ROW, id="avoid_land_bridge", name="avoid the land bridge", avoid=("RU", "BY", "KZ", "MN")),
        ),
    )


# --- the graph ------------------------------------------------------------------------------------------------------

COUNTRIES = ("XE", "XN", "XW")  # sorted, as the build lists them

#: name: (layer, lat, lon, country); rail nodes first (the rail hierarchy expects them at the start)
BASE_NODES = {
    "r_westport": (Layer.RAIL, 54.36, 20.52, "XW"),
    "r_north_w": (Layer.RAIL, 53.45, 20.80, "XW"),
    "r_westburg": (Layer.RAIL, 52.50, 21.00, "XW"),
    "r_west_jn": (Layer.RAIL, 52.30, 21.50, "XW"),
    "r_border_w": (Layer.RAIL, 52.12, 21.97, "XW"),
    "r_border_e": (Layer.RAIL, 52.12, 22.03, "XE"),
    "r_eastgrad": (Layer.RAIL, 52.40, 23.00, "XE"),
    "r_north_e": (Layer.RAIL, 53.40, 23.50, "XE"),
    "r_eastport": (Layer.RAIL, 54.36, 23.78, "XE"),
    "d_westport": (Layer.ROAD, 54.38, 20.48, "XW"),
    "d_westburg": (Layer.ROAD, 52.52, 21.02, "XW"),
    "d_border_w": (Layer.ROAD, 52.02, 21.97, "XW"),
    "d_border_e": (Layer.ROAD, 52.02, 22.03, "XE"),
    "d_eastgrad": (Layer.ROAD, 52.42, 23.03, "XE"),
    "d_eastport": (Layer.ROAD, 54.38, 23.82, "XE"),
    "d_northhaven": (Layer.ROAD, 56.48, 23.04, "XN"),
    "d_north_inland": (Layer.ROAD, 56.90, 23.80, "XN"),
    "s_westport": (Layer.SEA, 54.62, 20.50, None),
    "s_mid": (Layer.SEA, 55.00, 22.10, None),
    "s_eastport": (Layer.SEA, 54.62, 23.80, None),
}

RAIL_LINES = [
    ("r_westport", "r_north_w"),
    ("r_north_w", "r_westburg"),
    ("r_westburg", "r_west_jn"),
    ("r_west_jn", "r_border_w"),
    ("r_border_w", "r_border_e"),  # the border: Westbrück–Gaugeton
    ("r_border_e", "r_eastgrad"),
    ("r_eastgrad", "r_north_e"),
    ("r_north_e", "r_eastport"),
]
ROADS = [
    ("d_westport", "d_westburg"),
    ("d_westburg", "d_border_w"),
    ("d_border_w", "d_border_e"),  # the border: Roadgate
    ("d_border_e", "d_eastgrad"),
    ("d_eastgrad", "d_eastport"),
    ("d_northhaven", "d_north_inland"),
]
SEA_LANES = [("s_westport", "s_mid"), ("s_mid", "s_eastport")]


@dataclass
class _Builder:
    """Nodes and directed edges collected by name, then laid out as CSR (edges sorted by tail)."""

    pack: DataPack
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    layer: list[int] = field(default_factory=list)
    country: list[int] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    edges: list[tuple] = field(default_factory=list)  # (u, v, km, hours, usd, co2, mode, flags, ref)
    borders: list[tuple] = field(default_factory=list)  # BorderTable rows
    services: list[tuple] = field(default_factory=list)  # ServiceTable rows
    service_names: list[str] = field(default_factory=list)
    service_ids: list[str] = field(default_factory=list)
    service_via: list[str] = field(default_factory=list)

    def node(self, name: str, layer: Layer, lat: float, lon: float, country: str | None) -> int:
        self.index[name] = len(self.lat)
        self.lat.append(lat)
        self.lon.append(lon)
        self.layer.append(int(layer))
        self.country.append(COUNTRIES.index(country) if country else -1)
        return self.index[name]

    def km(self, a: int, b: int) -> float:
        return float(haversine_km(self.lat[a], self.lon[a], self.lat[b], self.lon[b]))

    def edge(self, u, v, km, hours, usd, co2, mode, flags=0, ref=-1) -> None:
        self.edges.append((u, v, km, hours, usd, co2, int(mode), int(flags), ref))

    def service_row(self, name, row_id, via, wait, running, departures, capacity) -> int:
        if name not in self.service_names:
            self.service_names.append(name)
        self.services.append((self.service_names.index(name), wait, running, departures, capacity))
        self.service_ids.append(row_id)
        self.service_via.append(via)
        return len(self.services) - 1


def _land(b: _Builder, pairs, mode: Mode) -> None:
    """Rail or road both ways; an edge between two countries is a border edge with the crossing's figures."""
    pack = b.pack
    name = mode.label
    for x, y in pairs:
        u, v = b.index[x], b.index[y]
        km = b.km(u, v)
        cu, cv = COUNTRIES[b.country[u]], COUNTRIES[b.country[v]]
        if mode == Mode.RAIL:
            hours = km / ((pack.rail_speed_km_per_day(cu) + pack.rail_speed_km_per_day(cv)) / 2) * 24
        else:
            hours = km / min(pack.param("road_speed_km_per_hour"), pack.param("road_max_km_per_day") / 24)
        usd, co2 = km * pack.param(f"{name}_usd_per_teu_km"), km * pack.param(f"{name}_kg_co2e_per_teu_km")
        if cu == cv:
            b.edge(u, v, km, hours, usd, co2, mode)
            b.edge(v, u, km, hours, usd, co2, mode)
            continue
        i, crossing = next((i, c) for i, c in enumerate(pack.crossings) if c.mode == name)
        gauge = 1 if mode == Mode.RAIL and pack.gauge_mm(cu) != pack.gauge_mm(cv) else 0  # bogie exchange
        g_hours = (crossing.gauge_change_hours or 0.0) if gauge else 0.0
        g_usd = (crossing.gauge_change_usd_per_teu or 0.0) if gauge else 0.0
        fee = crossing.fee_usd_per_teu or 0.0
        flags = EdgeFlag.BORDER | (EdgeFlag.GAUGE_CHANGE if gauge else 0)
        for a, c in ((u, v), (v, u)):
            ref = len(b.borders)
            dwell = crossing.dwell_hours_from(COUNTRIES[b.country[a]])  # a crossing may hold each direction its own
            b.borders.append((b.country[a], b.country[c], dwell, fee, gauge, g_hours, g_usd, i))
            b.edge(a, c, km, hours + dwell + g_hours, usd + fee + g_usd, co2, mode, flags, ref)


def _places(b: _Builder) -> tuple[list[int], list[dict]]:
    """A terminal node per place, joined by transfer edges to the nearest node of each of its layers in its country."""
    pack = b.pack
    nodes, report = [], []
    for i, place in enumerate(pack.places):
        t = b.node(f"t_{place.id}", Layer.TERMINAL, place.lat, place.lon, place.country)
        nodes.append(t)
        links = {}
        for layer_name in place.layers:
            layer = {"rail": Layer.RAIL, "road": Layer.ROAD, "sea": Layer.SEA}[layer_name]
            own = (COUNTRIES.index(place.country), -1)
            candidates = [n for n in range(t) if b.layer[n] == layer and b.country[n] in own]
            x = min(candidates, key=lambda n: b.km(t, n))
            access = b.km(t, x)
            links[layer_name] = round(access, 2)
            if layer == Layer.RAIL:
                kmh = pack.rail_speed_km_per_day(place.country) / 24
            elif layer == Layer.ROAD:
                kmh = min(pack.param("road_speed_km_per_hour"), pack.param("road_max_km_per_day") / 24)
            else:
                kmh = pack.param("sea_speed_km_per_hour")
            hours = place.handling_hours + access / kmh
            usd = place.handling_usd_per_teu + access * pack.param(f"{layer_name}_usd_per_teu_km")
            co2 = access * pack.param(f"{layer_name}_kg_co2e_per_teu_km")
            board_wait = pack.sea_wait_hours if layer == Layer.SEA else 0.0  # the next liner sailing
            b.edge(t, x, access, hours + board_wait, usd, co2, Mode.TRANSFER, 0, i)
            b.edge(x, t, access, hours, usd, co2, Mode.TRANSFER, 0, i)
        report.append({"id": place.id, "name": place.name, "links": links})
    return nodes, report


def _services(b: _Builder, place_node: list[int]) -> None:
    """Each service a line: board (expected wait and one container move) → ride → alight (one move)."""
    pack = b.pack
    place_index = {p.id: i for i, p in enumerate(pack.places)}
    boarded: set[tuple[str, str]] = set()
    for s in pack.services:
        mode = Mode.FERRY if s.mode == "ferry" else Mode.SERVICE
        wait = expected_wait_hours(s.departures_per_week, irregular=s.timetable == "irregular")
        capacity = s.capacity_teu_per_departure or 0.0
        stops = []
        for place_id in (s.from_place, s.to_place):
            place = pack.places[place_index[place_id]]
            key = f"stop_{s.service}_{place_id}"
            if key not in b.index:
                b.node(key, Layer.TERMINAL, place.lat, place.lon, place.country)
            stop = b.index[key]
            stops.append(stop)
            if (s.service, place_id) in boarded:
                continue
            boarded.add((s.service, place_id))
            t = place_node[place_index[place_id]]
            board = b.service_row(s.service, s.id, "", wait, 0.0, s.departures_per_week, capacity)
            alight = b.service_row(s.service, s.id, "", 0.0, 0.0, s.departures_per_week, capacity)
            move_h, move_usd = place.handling_hours, place.handling_usd_per_teu
            b.edge(t, stop, 0.0, wait + move_h, move_usd, 0.0, mode, 0, board)
            b.edge(stop, t, 0.0, move_h, move_usd, 0.0, mode, 0, alight)
        factor = pack.param("ferry_kg_co2e_per_teu_km" if mode == Mode.FERRY else "service_kg_co2e_per_teu_km")
        ride = b.service_row(s.service, s.id, ";".join(s.via_countries), 0.0, s.hours, s.departures_per_week, capacity)
        b.edge(stops[0], stops[1], s.km, s.hours, s.tariff_usd_per_teu, s.km * factor, mode, 0, ride)


def small_graph(pack: DataPack | None = None) -> Graph:
    """The graph of the small network (30 nodes), built as ``corridor.network.build`` builds the world's."""
    pack = pack or small_pack()
    b = _Builder(pack)
    for name, (layer, lat, lon, country) in BASE_NODES.items():
        b.node(name, layer, lat, lon, country)
    _land(b, RAIL_LINES, Mode.RAIL)
    _land(b, ROADS, Mode.ROAD)
    for x, y in SEA_LANES:
        u, v = b.index[x], b.index[y]
        km = b.km(u, v)
        cost = (km / pack.param("sea_speed_km_per_hour"), km * pack.param("sea_usd_per_teu_km"))
        co2 = km * pack.param("sea_kg_co2e_per_teu_km")
        b.edge(u, v, km, *cost, co2, Mode.SEA)
        b.edge(v, u, km, *cost, co2, Mode.SEA)
    place_node, place_report = _places(b)
    _services(b, place_node)

    n = len(b.lat)
    edges = sorted(b.edges, key=lambda e: e[0])  # stable: CSR order by tail
    columns = list(zip(*edges, strict=True))
    tail = np.array(columns[0], np.int64)
    first_out = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=first_out[1:])
    border_cols = list(zip(*b.borders, strict=True))
    service_cols = list(zip(*b.services, strict=True))
    layer = np.array(b.layer, np.int8)
    report = {
        "layers": {
            name: {"nodes": int(np.sum(layer == which)), "edges": len(pairs), "components_after": 1}
            for name, which, pairs in (
                ("world_railways", Layer.RAIL, RAIL_LINES),
                ("world_highways", Layer.ROAD, ROADS),
                ("marnet", Layer.SEA, SEA_LANES),
            )
        },
        "missing_lines": [],
        "places": place_report,
        "warnings": [],
        "borders": {"border_edges_directed": len(b.borders)},
    }
    return Graph(
        node_lat=np.array(b.lat),
        node_lon=np.array(b.lon),
        node_layer=layer,
        node_country=np.array(b.country, np.int16),
        node_usable=np.ones(n, bool),
        node_usable_in_layer=np.ones(n, bool),
        first_out=first_out,
        head=np.array(columns[1], np.int32),
        edge_km=np.array(columns[2], float),
        edge_hours=np.array(columns[3], float),
        edge_usd=np.array(columns[4], float),
        edge_co2=np.array(columns[5], float),
        edge_mode=np.array(columns[6], np.int8),
        edge_flags=np.array(columns[7], np.int8),
        edge_ref=np.array(columns[8], np.int32),
        borders=BorderTable(
            country_a=np.array(border_cols[0], np.int16),
            country_b=np.array(border_cols[1], np.int16),
            dwell_hours=np.array(border_cols[2], float),
            fee_usd_per_teu=np.array(border_cols[3], float),
            gauge_change=np.array(border_cols[4], np.int8),
            gauge_change_hours=np.array(border_cols[5], float),
            gauge_change_usd_per_teu=np.array(border_cols[6], float),
            crossing=np.array(border_cols[7], np.int32),
        ),
        services=ServiceTable(
            service=np.array(service_cols[0], np.int32),
            wait_hours=np.array(service_cols[1], float),
            running_hours=np.array(service_cols[2], float),
            departures_per_week=np.array(service_cols[3], float),
            capacity_teu_per_departure=np.array(service_cols[4], float),
        ),
        place_ids=tuple(p.id for p in pack.places),
        place_node=np.array(place_node, np.int32),
        countries=COUNTRIES,
        crossing_names=tuple(c.name for c in pack.crossings),
        service_names=tuple(b.service_names),
        service_ids=tuple(b.service_ids),
        service_via=tuple(b.service_via),
        meta={"report": report, "strait_nodes": {}},
    )


def small_network():
    """The small network as a ``corridor.Network``: the ONE place in the tests that constructs a Network by hand.

    Built as ``Network.load`` builds the world's from its cache arrays: the graph, the data pack, landmark
    bounds over the terminals and the rail contraction hierarchies.
    """
    from corridor.api import Network
    from corridor.engine import Engine
    from corridor.routing.fixed import RailHierarchies, build_rail_hierarchies
    from corridor.routing.landmarks import compute_landmarks

    pack = small_pack()
    graph = small_graph(pack)
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
    _, landmark_dist = compute_landmarks(
        graph.first_out, graph.head, graph.edge_tail(), metrics, graph.node_usable, candidates=graph.place_node
    )
    hierarchies = RailHierarchies(build_rail_hierarchies(graph, metrics))
    return Network(Engine(graph, pack, landmark_dist, hierarchies))
