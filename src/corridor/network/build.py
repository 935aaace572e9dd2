"""Build the multimodal graph from the base layers and the corridor data pack.

Layers (rail, road, sea) keep their own nodes; modes meet only at the terminals and
ports of the data pack, through transfer edges that charge handling. Scheduled ferries and
trains are modelled as lines: a boarding edge (expected wait), ride edges between stops,
and an alighting edge, so a through passenger waits once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from corridor.datapack import DataPack, expected_wait_hours
from corridor.graphs.components import component_labels, largest_component
from corridor.graphs.csr import csr_order
from corridor.network.countries import TERRITORIAL_SEA_KM, CountryIndex, Strait, load_country_index, load_straits
from corridor.network.geo import haversine_km, km_to_chord, to_unit_xyz
from corridor.network.graph import BorderTable, Graph, ServiceTable
from corridor.network.heal import heal_layer
from corridor.network.layers import read_marnet, read_scgraph_layer
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["EU_CUSTOMS_UNION", "build_graph"]

Progress = Callable[[str, float], None]

#: Members of the EU customs union: a rail or road crossing between two of them has no
#: customs dwell (the data pack's ``schengen_border_dwell_hours`` applies).
EU_CUSTOMS_UNION = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)

#: Seas without generic container shipping: the Caspian is reached through Russia's inland
#: waterways in marnet, which deep-sea container lines do not use; it is crossed only by
#: the data pack's ferries and feeders. Boxes are (lat_min, lon_min, lat_max, lon_max).
_CLOSED_SEAS = {"Caspian Sea": (36.0, 46.0, 48.0, 55.5)}


#: marnet passages that scheduled container shipping does not use: the Arctic routes (the
#: Northern Sea Route is reached through the Bering Strait; the Northwest Passage). Without
#: this cut, Shanghai → Rotterdam "by sea" takes the 15,500 km Arctic route.
_NO_LINER_PASSAGES = frozenset({"bering", "northwest"})


def _in_closed_sea(lat: float, lon: float) -> bool:
    return any(a <= lat <= c and b <= lon <= d for a, b, c, d in _CLOSED_SEAS.values())


_MAX_ACCESS_KM = {Layer.RAIL: 80.0, Layer.ROAD: 50.0, Layer.SEA: 120.0}
_CROSSING_RADIUS_KM = 40.0


@dataclass
class _Edges:
    """Edges collected while building, turned into CSR at the end."""

    u: list[np.ndarray]
    v: list[np.ndarray]
    km: list[np.ndarray]
    hours: list[np.ndarray]
    usd: list[np.ndarray]
    co2: list[np.ndarray]
    mode: list[np.ndarray]
    flags: list[np.ndarray]
    ref: list[np.ndarray]

    def add(self, u, v, km, hours, usd, co2, mode, flags=0, ref=-1, *, both_ways=True) -> None:
        u, v = np.atleast_1d(np.asarray(u, np.int64)), np.atleast_1d(np.asarray(v, np.int64))
        size = len(u)

        def full(x, dtype):
            return np.broadcast_to(np.asarray(x, dtype), (size,)).copy()

        cols = [full(km, float), full(hours, float), full(usd, float), full(co2, float)]
        cols += [full(mode, np.int8), full(flags, np.int8), full(ref, np.int32)]
        pairs = [(u, v), (v, u)] if both_ways else [(u, v)]
        for a, b in pairs:
            self.u.append(a)
            self.v.append(b)
            for store, col in zip(
                (self.km, self.hours, self.usd, self.co2, self.mode, self.flags, self.ref), cols, strict=True
            ):
                store.append(col)


def build_graph(pack: DataPack, *, progress: Progress | None = None) -> Graph:
    """Read the layers, heal them, tag countries and borders, and join in the data pack."""
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
    strait_codes = {c for s in straits for c in s.countries}
    countries = tuple(sorted((set(rail_cc) | set(road_cc) | {p.country for p in pack.places} | strait_codes) - {""}))
    code_to_index = {c: i for i, c in enumerate(countries)}

    def country_ids(codes: np.ndarray) -> np.ndarray:
        lookup = np.vectorize(lambda c: code_to_index.get(c, -1), otypes=[np.int16])
        return lookup(codes) if len(codes) else np.zeros(0, np.int16)

    offsets = {Layer.RAIL: 0, Layer.ROAD: rail.node_count, Layer.SEA: rail.node_count + road.node_count}
    base_n = offsets[Layer.SEA] + sea.node_count
    lat = [rail.lat, road.lat, sea.lat]
    lon = [rail.lon, road.lon, sea.lon]
    layer = [np.full(rail.node_count, Layer.RAIL, np.int8), np.full(road.node_count, Layer.ROAD, np.int8)]
    layer.append(np.full(sea.node_count, Layer.SEA, np.int8))
    country = [country_ids(rail_cc), country_ids(road_cc), np.full(sea.node_count, -1, np.int16)]

    report: dict = {"layers": {}, "missing_lines": [], "places": [], "warnings": []}
    edges = _Edges([], [], [], [], [], [], [], [], [])
    border_rows = _BorderRows()
    usable_in_layer = np.zeros(base_n, bool)

    say("healing rail and road gaps", 0.30)
    for which, base in ((Layer.RAIL, rail), (Layer.ROAD, road)):
        healed = heal_layer(base.lat, base.lon, base.edge_u, base.edge_v, base.edge_km)
        added = _missing_lines(pack, which, base, report)
        u = np.concatenate([base.edge_u, healed.u, added[0]])
        v = np.concatenate([base.edge_v, healed.v, added[1]])
        km = np.concatenate([base.edge_km, healed.km, added[2]])
        flags = np.concatenate(
            [
                np.zeros(len(base.edge_u), np.int8),
                np.full(len(healed.u), EdgeFlag.HEALED, np.int8),
                np.full(len(added[0]), EdgeFlag.MISSING_LINE, np.int8),
            ]
        )
        giant = largest_component(base.node_count, u, v)
        usable_in_layer[offsets[which] : offsets[which] + base.node_count] = giant
        report["layers"][base.name] = {
            "nodes": base.node_count,
            "edges": len(base.edge_u),
            "components_before": healed.components_before,
            "giant_before": healed.giant_before,
            "components_after": component_labels(base.node_count, u, v)[0],
            "giant_after": int(giant.sum()),
            "bridges": int(np.sum(healed.kind == "bridge")),
            "dead_end_links": int(np.sum(healed.kind == "dead_end")),
            "healed_km": round(float(healed.km.sum()), 1),
            "max_gap_km": round(float(healed.km.max()) if len(healed.km) else 0.0, 3),
            "missing_lines": len(added[0]),
        }
        codes = country[which]
        _add_land_edges(
            edges,
            border_rows,
            pack,
            which,
            base,
            u + offsets[which],
            v + offsets[which],
            km,
            flags,
            codes[u],
            codes[v],
            countries,
            offsets[which],
        )
    say("adding sea layer", 0.55)
    # sea nodes inside a country's polygon (canals, straits, estuaries) belong to it, so
    # avoiding a country also avoids its waterways; closed seas carry no generic shipping
    sea_cc = country_index.lookup(sea.lat, sea.lon, coast_km=0.0)
    country[Layer.SEA] = country_ids(sea_cc)
    # straits and canals lie in water outside the polygons: their nodes carry their shore countries
    strait_nodes, report["straits"] = _tag_straits(
        straits, sea, country_index, country[Layer.SEA], code_to_index, offsets[Layer.SEA]
    )
    closed = np.zeros(sea.node_count, bool)
    for lat0, lon0, lat1, lon1 in _CLOSED_SEAS.values():
        closed |= (sea.lat >= lat0) & (sea.lat <= lat1) & (sea.lon >= lon0) & (sea.lon <= lon1)
    liner = np.array([tag not in _NO_LINER_PASSAGES for tag in sea.edge_tag], bool)
    open_edges = ~closed[sea.edge_u] & ~closed[sea.edge_v] & liner
    sea_giant = largest_component(sea.node_count, sea.edge_u[open_edges], sea.edge_v[open_edges]) & ~closed
    usable_in_layer[offsets[Layer.SEA] :] = sea_giant
    keep = sea_giant[sea.edge_u] & sea_giant[sea.edge_v] & liner
    sea_kmh = pack.param("sea_speed_km_per_hour")
    s_km = sea.edge_km[keep]
    edges.add(
        sea.edge_u[keep] + offsets[Layer.SEA],
        sea.edge_v[keep] + offsets[Layer.SEA],
        s_km,
        s_km / sea_kmh,
        s_km * pack.param("sea_usd_per_teu_km"),
        s_km * pack.param("sea_kg_co2e_per_teu_km"),
        Mode.SEA,
    )
    report["layers"]["marnet"] = {
        "nodes": sea.node_count,
        "edges": len(sea.edge_u),
        "giant_after": int(sea_giant.sum()),
        "note": "only the world-ocean component carries generic sea transport; "
        "closed seas (the Caspian) are served by the data pack's ferries; "
        "the Arctic passages (Bering Strait, Northwest Passage) carry no liner shipping",
    }

    say("linking terminals and ports", 0.62)
    node_lat = np.concatenate(lat)
    node_lon = np.concatenate(lon)
    node_layer = np.concatenate(layer)
    node_country = np.concatenate(country)
    extra = _Nodes(base_n)
    shore_of = _shore_countries(strait_nodes, code_to_index)
    place_node = _add_places(
        pack, edges, extra, node_lat, node_lon, node_layer, node_country, usable_in_layer, code_to_index, report,
        shore_of,
    )  # fmt: skip
    say("adding ferries and trains", 0.68)
    service_rows = _add_services(pack, edges, extra, place_node, code_to_index)

    node_lat = np.concatenate([node_lat, np.array(extra.lat)])
    node_lon = np.concatenate([node_lon, np.array(extra.lon)])
    node_layer = np.concatenate([node_layer, np.full(len(extra.lat), Layer.TERMINAL, np.int8)])
    node_country = np.concatenate([node_country, np.array(extra.country, np.int16)])
    usable_in_layer = np.concatenate([usable_in_layer, np.ones(len(extra.lat), bool)])

    say("assembling the graph", 0.75)
    n = len(node_lat)
    u = np.concatenate(edges.u)
    first_out, order = csr_order(u, n)
    head = np.concatenate(edges.v)[order].astype(np.int32)
    usable = largest_component(n, u, np.concatenate(edges.v))
    borders = border_rows.pop_table()
    report["borders"] = {"border_edges_directed": len(borders.dwell_hours)}
    say("graph ready", 0.80)
    return Graph(
        node_lat=node_lat,
        node_lon=node_lon,
        node_layer=node_layer,
        node_country=node_country,
        node_usable=usable,
        node_usable_in_layer=usable_in_layer,
        first_out=first_out,
        head=head,
        edge_km=np.concatenate(edges.km)[order],
        edge_hours=np.concatenate(edges.hours)[order],
        edge_usd=np.concatenate(edges.usd)[order],
        edge_co2=np.concatenate(edges.co2)[order],
        edge_mode=np.concatenate(edges.mode)[order],
        edge_flags=np.concatenate(edges.flags)[order],
        edge_ref=np.concatenate(edges.ref)[order],
        borders=borders,
        services=service_rows.table(),
        place_ids=tuple(p.id for p in pack.places),
        place_node=np.array(place_node, np.int32),
        countries=countries,
        crossing_names=tuple(c.name for c in pack.crossings),
        service_names=tuple(service_rows.names),
        service_ids=tuple(service_rows.ids),
        service_via=tuple(service_rows.via),
        meta={"report": report, "strait_nodes": strait_nodes},
    )


def _tag_straits(
    straits: list[Strait],
    sea,
    country_index: CountryIndex,
    sea_country: np.ndarray,
    code_to_index: dict[str, int],
    offset: int,
) -> tuple[dict[str, list[int]], list[dict]]:
    """Shore countries of the sea nodes in each strait or canal: ISO code → graph node ids, and a report row
    per strait (its sea nodes, and how many carry each country).

    A node inside a strait's box carries every listed country whose coast lies within the territorial
    sea (12 nmi, 22.2 km), so mid-Øresund is both Danish and Swedish and avoiding either closes it.
    A node no polygon holds (``sea_country`` -1) in a strait of one country (the Bosporus, the Great
    Belt) is also given that country, in place, so routes list it; in a strait between countries (the
    Øresund) it stays without one, so a ship sailing through is not listed as zig-zagging between the
    shores. The router adds these nodes to what ``avoid`` excludes.
    """
    members: dict[str, set[int]] = {}
    rows = []
    for strait in straits:
        inside = np.flatnonzero(strait.contains(sea.lat, sea.lon))
        tagged = dict.fromkeys(strait.countries, 0)
        for i in inside.tolist():
            lat, lon = float(sea.lat[i]), float(sea.lon[i])
            dist = {c: country_index.distance_km(lat, lon, c, limit_km=TERRITORIAL_SEA_KM) for c in strait.countries}
            near = [c for c in strait.countries if np.isfinite(dist[c])]
            for code in near:
                members.setdefault(code, set()).add(offset + i)
                tagged[code] += 1
            if len(strait.countries) == 1 and near and sea_country[i] < 0:
                sea_country[i] = code_to_index[near[0]]
        rows.append({"id": strait.id, "name": strait.name, "sea_nodes": len(inside), "tagged": tagged})
    return {code: sorted(nodes) for code, nodes in sorted(members.items())}, rows


def _shore_countries(strait_nodes: dict[str, list[int]], code_to_index: dict[str, int]) -> dict[int, set[int]]:
    """Graph node → indices of the shore countries it carries as a strait node."""
    shore_of: dict[int, set[int]] = {}
    for code, nodes in strait_nodes.items():
        for node in nodes:
            shore_of.setdefault(node, set()).add(code_to_index[code])
    return shore_of


class _BorderRows:
    """Collects border-table rows while land edges are added."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {}

    def add(self, **columns: np.ndarray) -> int:
        start = sum(len(c) for c in self.cols.get("dwell_hours", []))
        for name, values in columns.items():
            self.cols.setdefault(name, []).append(np.asarray(values))
        return start

    def pop_table(self) -> BorderTable:
        dtypes = {"country_a": np.int16, "country_b": np.int16, "gauge_change": np.int8, "crossing": np.int32}
        table = BorderTable(
            **{
                name: np.concatenate(self.cols.get(name, [np.zeros(0)])).astype(dtypes.get(name, float))
                for name in BorderTable.__dataclass_fields__
            }
        )
        self.cols = {}
        return table


def _add_land_edges(edges, border_rows, pack, which, base, u, v, km, flags, cu, cv, countries, offset) -> None:
    """Rail or road edges with running costs; border edges get dwell, fees and gauge change."""
    mode = Mode.RAIL if which == Layer.RAIL else Mode.ROAD
    name = "rail" if which == Layer.RAIL else "road"
    if which == Layer.RAIL:
        # the last entry is the default, so country -1 (none) picks it
        speed_by_country = np.array([pack.rail_speed_km_per_day(c) for c in (*countries, "*")])
        speed = (speed_by_country[cu] + speed_by_country[cv]) / 2.0
        hours = km / speed * 24.0
    else:
        kmh = min(pack.param("road_speed_km_per_hour"), pack.param("road_max_km_per_day") / 24.0)
        hours = km / kmh
    usd = km * pack.param(f"{name}_usd_per_teu_km")
    co2 = km * pack.param(f"{name}_kg_co2e_per_teu_km")
    ref = np.full(len(u), -1, np.int32)
    border = np.flatnonzero((cu != cv) & (cu >= 0) & (cv >= 0))
    if len(border):
        rows = _border_rows(pack, name, base, u[border] - offset, v[border] - offset, cu[border], cv[border], countries)
        for reverse in (False, True):
            a, b = (cv, cu) if reverse else (cu, cv)
            start = border_rows.add(country_a=a[border], country_b=b[border], **rows)
            ref_dir = np.full(len(u), -1, np.int32)
            ref_dir[border] = start + np.arange(len(border), dtype=np.int32)
            add_hours = np.zeros(len(u))
            add_usd = np.zeros(len(u))
            add_hours[border] = rows["dwell_hours"] + rows["gauge_change_hours"]
            add_usd[border] = rows["fee_usd_per_teu"] + rows["gauge_change_usd_per_teu"]
            f = flags.copy()
            f[border] |= EdgeFlag.BORDER
            f[border[rows["gauge_change"] > 0]] |= EdgeFlag.GAUGE_CHANGE
            src, dst = (v, u) if reverse else (u, v)
            edges.add(src, dst, km, hours + add_hours, usd + add_usd, co2, mode, f, ref_dir, both_ways=False)
        return
    edges.add(u, v, km, hours, usd, co2, mode, flags, ref)


def _or_default(value: float | None, pack: DataPack, parameter: str) -> float:
    """A data-pack figure, or the named default parameter where the cell is empty."""
    return float(value) if value is not None else pack.param(parameter)


def _border_rows(pack, name, base, u, v, cu, cv, countries) -> dict[str, np.ndarray]:
    """Dwell, fee and gauge change for each border edge: named crossing, pair rule or default."""
    count = len(u)
    mid_lat = (base.lat[u] + base.lat[v]) / 2
    mid_lon = (base.lon[u] + base.lon[v]) / 2
    dwell = np.empty(count)
    fee = np.empty(count)
    gauge = np.zeros(count, np.int8)
    g_hours = np.zeros(count)
    g_usd = np.zeros(count)
    crossing = np.full(count, -1, np.int32)
    kinds = {"none": 0, "bogie_exchange": 1, "transshipment": 2}
    named = [(i, c) for i, c in enumerate(pack.crossings) if c.mode == name]
    for k in range(count):
        a, b = countries[cu[k]], countries[cv[k]]
        pair = {a, b}
        best = None
        for i, c in named:
            if {c.country_a, c.country_b} == pair:
                d = float(haversine_km(mid_lat[k], mid_lon[k], c.lat, c.lon))
                if d <= _CROSSING_RADIUS_KM and (best is None or d < best[0]):
                    best = (d, i, c)
        gauge_differs = name == "rail" and pack.gauge_mm(a) != pack.gauge_mm(b)
        if best is not None:
            _, i, c = best
            crossing[k] = i
            dwell[k] = c.dwell_hours
            fee[k] = _or_default(c.fee_usd_per_teu, pack, "border_fee_usd_per_teu_default")
            if gauge_differs:
                gauge[k] = max(kinds.get(c.gauge_change, 1), 1)
                g_hours[k] = (
                    c.gauge_change_hours
                    if c.gauge_change_hours is not None
                    else pack.param("gauge_change_hours_default")
                )
                g_usd[k] = (
                    c.gauge_change_usd_per_teu
                    if c.gauge_change_usd_per_teu is not None
                    else pack.param("gauge_change_usd_per_teu_default")
                )
            continue
        rule = pack.border_rule(a, b, name)
        if rule is not None:
            dwell[k] = rule.dwell_hours
            fee[k] = _or_default(rule.fee_usd_per_teu, pack, "border_fee_usd_per_teu_default")
        elif a in EU_CUSTOMS_UNION and b in EU_CUSTOMS_UNION:
            dwell[k], fee[k] = pack.param("schengen_border_dwell_hours"), 0.0
        else:
            dwell[k] = pack.param("border_dwell_hours_default")
            fee[k] = pack.param("border_fee_usd_per_teu_default")
        if gauge_differs:
            gauge[k] = 1
            g_hours[k] = pack.param("gauge_change_hours_default")
            g_usd[k] = pack.param("gauge_change_usd_per_teu_default")
    return {
        "dwell_hours": dwell,
        "fee_usd_per_teu": fee,
        "gauge_change": gauge,
        "gauge_change_hours": g_hours,
        "gauge_change_usd_per_teu": g_usd,
        "crossing": crossing,
    }


def _missing_lines(pack, which, base, report) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Known lines from the data pack, joined to the nearest layer nodes at both ends."""
    name = "rail" if which == Layer.RAIL else "road"
    rows = [link for link in pack.links if link.mode == name]
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    tree = cKDTree(to_unit_xyz(base.lat, base.lon))
    out_u, out_v, out_km = [], [], []
    for link in rows:
        _, (a, b) = tree.query(to_unit_xyz([link.from_lat, link.to_lat], [link.from_lon, link.to_lon]))
        gc = float(haversine_km(base.lat[a], base.lon[a], base.lat[b], base.lon[b]))
        km = link.km if link.km is not None else gc
        out_u.append(a)
        out_v.append(b)
        out_km.append(km)
        report["missing_lines"].append(
            {
                "id": link.id,
                "name": link.name,
                "mode": name,
                "km": round(km, 1),
                "snap_km": [
                    round(float(haversine_km(link.from_lat, link.from_lon, base.lat[a], base.lon[a])), 2),
                    round(float(haversine_km(link.to_lat, link.to_lon, base.lat[b], base.lon[b])), 2),
                ],
            }
        )
    return np.array(out_u, np.int64), np.array(out_v, np.int64), np.array(out_km)


class _Nodes:
    """Terminal and service nodes appended after the base layers."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.country: list[int] = []

    def add(self, lat: float, lon: float, country: int) -> int:
        self.lat.append(lat)
        self.lon.append(lon)
        self.country.append(country)
        return self.start + len(self.lat) - 1


_LAYER_OF = {"rail": Layer.RAIL, "road": Layer.ROAD, "sea": Layer.SEA}
_MODE_OF = {Layer.RAIL: ("rail", Mode.RAIL), Layer.ROAD: ("road", Mode.ROAD), Layer.SEA: ("sea", Mode.SEA)}


def _add_places(
    pack, edges, extra, lat, lon, layer, country, usable_in_layer, code_to_index, report, shore_of
) -> list[int]:
    """A terminal node per place, joined by transfer edges to each layer it serves (a port may join a
    strait node that its own country shares, ``shore_of``)."""
    trees = {}
    for which in (Layer.RAIL, Layer.ROAD, Layer.SEA):
        idx = np.flatnonzero((layer == which) & usable_in_layer[: len(layer)])
        trees[which] = (idx, cKDTree(to_unit_xyz(lat[idx], lon[idx])))
    candidates = 64
    nodes = []
    for i, place in enumerate(pack.places):
        t = extra.add(place.lat, place.lon, code_to_index.get(place.country, -1))
        nodes.append(t)
        entry = {"id": place.id, "name": place.name, "links": {}}
        for layer_name in place.layers:
            which = _LAYER_OF[layer_name]
            idx, tree = trees[which]
            chords, js = tree.query(
                to_unit_xyz([place.lat], [place.lon])[0],
                k=candidates,
                distance_upper_bound=km_to_chord(_MAX_ACCESS_KM[which]),
            )
            # a terminal joins its own country's network: never a node across a border
            place_country = code_to_index.get(place.country, -1)
            ok = (
                [
                    (c, j)
                    for c, j in zip(chords, js, strict=True)
                    if np.isfinite(c)
                    and (country[idx[j]] in (place_country, -1) or place_country in shore_of.get(int(idx[j]), ()))
                ]
                if place_country >= 0
                else []
            )
            chord, j = ok[0] if ok else (np.inf, -1)
            if not np.isfinite(chord) and which == Layer.SEA and _in_closed_sea(place.lat, place.lon):
                entry["links"]["sea"] = "closed sea: ferries only"
                continue
            if not np.isfinite(chord):
                report["warnings"].append(
                    f"{place.name}: no usable {layer_name} node within {_MAX_ACCESS_KM[which]:.0f} km; "
                    f"not linked to the {layer_name} layer"
                )
                continue
            x = int(idx[j])
            access_km = float(haversine_km(place.lat, place.lon, lat[x], lon[x]))
            entry["links"][layer_name] = round(access_km, 2)
            mode_name, _ = _MODE_OF[which]
            if which == Layer.RAIL:
                kmh = pack.rail_speed_km_per_day(place.country) / 24.0
            elif which == Layer.ROAD:
                kmh = min(pack.param("road_speed_km_per_hour"), pack.param("road_max_km_per_day") / 24.0)
            else:
                kmh = pack.param("sea_speed_km_per_hour")
            hours = place.handling_hours + access_km / kmh
            usd = place.handling_usd_per_teu + access_km * pack.param(f"{mode_name}_usd_per_teu_km")
            co2 = access_km * pack.param(f"{mode_name}_kg_co2e_per_teu_km")
            # boarding a ship also means waiting for the next sailing of a (weekly) liner service
            board_wait = pack.sea_wait_hours if which == Layer.SEA else 0.0
            edges.add(t, x, access_km, hours + board_wait, usd, co2, Mode.TRANSFER, 0, i, both_ways=False)
            edges.add(x, t, access_km, hours, usd, co2, Mode.TRANSFER, 0, i, both_ways=False)
        report["places"].append(entry)
    return nodes


class _ServiceRows:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.via: list[str] = []
        self.rows: list[tuple[int, float, float, float, float]] = []

    def add(
        self, service_name: str, row_id: str, via: str, wait: float, running: float, departures: float, capacity: float
    ) -> int:
        if service_name not in self.names:
            self.names.append(service_name)
        self.rows.append((self.names.index(service_name), wait, running, departures, capacity))
        self.ids.append(row_id)
        self.via.append(via)
        return len(self.rows) - 1

    def table(self) -> ServiceTable:
        cols: list[tuple] = list(zip(*self.rows, strict=True)) if self.rows else [()] * 5
        return ServiceTable(np.array(cols[0], np.int32), *(np.array(c, float) for c in cols[1:]))


def _add_services(pack, edges, extra, place_node, code_to_index) -> _ServiceRows:
    """Each service a line: board (expected wait) → ride between stops → alight."""
    rows = _ServiceRows()
    place_index = {p.id: i for i, p in enumerate(pack.places)}
    stop_node: dict[tuple[str, str], int] = {}
    boarded: set[tuple[str, str]] = set()

    def stop(service_name: str, place_id: str) -> int:
        key = (service_name, place_id)
        if key not in stop_node:
            place = pack.places[place_index[place_id]]
            stop_node[key] = extra.add(place.lat, place.lon, code_to_index.get(place.country, -1))
        return stop_node[key]

    for s in pack.services:
        mode = Mode.FERRY if s.mode == "ferry" else Mode.SERVICE
        a, b = stop(s.service, s.from_place), stop(s.service, s.to_place)
        wait = expected_wait_hours(s.departures_per_week or 0.0, irregular=s.timetable == "irregular")
        capacity = s.capacity_teu_per_departure or 0.0
        for place_id, node in ((s.from_place, a), (s.to_place, b)):
            if (s.service, place_id) in boarded:
                continue
            boarded.add((s.service, place_id))
            t = place_node[place_index[place_id]]
            place = pack.places[place_index[place_id]]
            deps = s.departures_per_week or 0.0
            board = rows.add(s.service, s.id, "", wait, 0.0, deps, capacity)
            alight = rows.add(s.service, s.id, "", 0.0, 0.0, deps, capacity)
            # loading onto and off the ship or train is one container move each
            move_h, move_usd = place.handling_hours, place.handling_usd_per_teu
            edges.add(t, node, 0.0, wait + move_h, move_usd, 0.0, mode, 0, board, both_ways=False)
            edges.add(node, t, 0.0, move_h, move_usd, 0.0, mode, 0, alight, both_ways=False)
        km = s.km
        fallback_rate = pack.param("ferry_usd_per_teu_km" if mode == Mode.FERRY else "rail_usd_per_teu_km")
        usd = s.tariff_usd_per_teu if s.tariff_usd_per_teu is not None else km * fallback_rate
        factor = pack.param("ferry_kg_co2e_per_teu_km" if mode == Mode.FERRY else "service_kg_co2e_per_teu_km")
        ride = rows.add(
            s.service, s.id, ";".join(s.via_countries), 0.0, s.hours, s.departures_per_week or 0.0, capacity
        )
        edges.add(a, b, km, s.hours, usd, km * factor, mode, 0, ride, both_ways=False)
    return rows
