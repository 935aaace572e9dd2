"""Join the data pack to the base network: the multimodal graph the router searches.

The base (``corridor.network.base``: layers, node countries, healing links, straits) does not
depend on the data pack and comes from its own cache; this module adds everything that does:
the pack's missing lines and the giant components after them, liner shipping outside closed seas
and passages, places and their access links, border crossings and their costs, services, the
per-edge costs from the pack's parameters, and the CSR layout. Each edge's kg CO2e per TEU is its well-to-wheel
emissions for a TEU of the pack's ``teu_net_tonnes`` (``corridor.emissions.intensity``: rail by the electric share
and grid of its countries; one container move at a hub on transfer, boarding and alighting edges and at a
gauge-change transshipment), so a route's total is its ISO 14083 WTW figure at that weight.

Layers (rail, road, sea) keep their own nodes; modes meet only at the terminals and ports of the
data pack, through transfer edges that charge handling. Scheduled ferries and trains are modelled
as lines: a boarding edge (expected wait), ride edges between stops, and an alighting edge, so a
through passenger waits once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from corridor.datapack import DataPack, shipped_passenger_lines
from corridor.emissions.intensity import VESSEL_ACTIVITY, Intensities, hub_of_place
from corridor.errors import DataError
from corridor.graphs.components import component_labels, largest_component
from corridor.graphs.csr import csr_order
from corridor.network.base import BaseNetwork, LandLayer, SeaLayer, build_base, rail_passenger_edges
from corridor.network.geo import haversine_km, km_to_chord, to_unit_xyz
from corridor.network.graph import BorderTable, Graph, ServiceTable
from corridor.reliability.waits import Waits, pack_waits
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["build_graph"]

Progress = Callable[[str, float], None]

#: The data pack's parameter giving each layer's farthest access link from a place, km.
_ACCESS_PARAMETER = {Layer.RAIL: "rail_access_max_km", Layer.ROAD: "road_access_max_km", Layer.SEA: "sea_access_max_km"}


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


def _graph_countries(base: BaseNetwork, pack: DataPack) -> tuple[tuple[str, ...], np.ndarray]:
    """The graph's country list (the land layers', the places' and the straits' codes, sorted) and the map from
    a base country index to it (an int16 array one longer than the base list, so index -1 maps to -1)."""
    land = np.unique(np.concatenate([base.rail.country, base.road.country]))
    codes = {base.countries[i] for i in land.tolist() if i >= 0}
    countries = tuple(sorted((codes | {p.country for p in pack.places} | set(base.strait_countries)) - {""}))
    code_to_index = {c: i for i, c in enumerate(countries)}
    remap = np.array([code_to_index.get(c, -1) for c in base.countries] + [-1], np.int16)
    return countries, remap


def build_graph(
    pack: DataPack, *, base: BaseNetwork | None = None, progress: Progress | None = None, waits: Waits | None = None
) -> Graph:
    """Join the data pack to the base network (built here, uncached, when not given). ``waits`` gives the services'
    expected waits (the pack's timetables and headway CVs; None: the shipped ones)."""
    say = progress or (lambda _step, _fraction: None)
    waits = waits or pack_waits(None)
    if base is None:
        base = build_base(progress=say)
    rail, road, sea = base.rail, base.road, base.sea
    say("joining the data pack", 0.50)
    countries, remap = _graph_countries(base, pack)
    code_to_index = {c: i for i, c in enumerate(countries)}

    offsets = {Layer.RAIL: 0, Layer.ROAD: rail.node_count, Layer.SEA: rail.node_count + road.node_count}
    base_n = offsets[Layer.SEA] + sea.node_count
    lat = [rail.lat, road.lat, sea.lat]
    lon = [rail.lon, road.lon, sea.lon]
    layer = [np.full(rail.node_count, Layer.RAIL, np.int8), np.full(road.node_count, Layer.ROAD, np.int8)]
    layer.append(np.full(sea.node_count, Layer.SEA, np.int8))
    country = [remap[rail.country], remap[road.country], _sea_countries(sea, remap)]

    report: dict = {"layers": {}, "missing_lines": [], "places": [], "warnings": []}
    edges = _Edges([], [], [], [], [], [], [], [], [])
    border_rows = _BorderRows()
    usable_in_layer = np.zeros(base_n, bool)

    say("adding missing lines", 0.52)
    link_pairs: list[tuple[str, int, int]] = []  # (link id, graph node, graph node) of each added line
    for which, land in ((Layer.RAIL, rail), (Layer.ROAD, road)):
        added = _missing_lines(pack, which, land, report)
        link_pairs += [
            (i, int(a) + offsets[which], int(b) + offsets[which]) for i, a, b in zip(*added[3:], strict=True)
        ]
        u = np.concatenate([land.edge_u, land.heal_u, added[0]])
        v = np.concatenate([land.edge_v, land.heal_v, added[1]])
        km = np.concatenate([land.edge_km, land.heal_km, added[2]])
        flags = np.concatenate(
            [
                np.zeros(len(land.edge_u), np.int8),
                np.full(len(land.heal_u), EdgeFlag.HEALED, np.int8),
                np.full(len(added[0]), EdgeFlag.MISSING_LINE, np.int8),
            ]
        )
        passenger = 0
        if which == Layer.RAIL:
            # the base marked the shipped lines; a pack with other lines has them marked here (the same rule, on
            # the layer's edges and healing links: an added line is never a high-speed one)
            marked = base.rail_passenger if pack.passenger_lines == shipped_passenger_lines() else None
            if marked is None or len(marked) != len(land.edge_u) + len(land.heal_u):
                marked = rail_passenger_edges(land, pack.passenger_lines)
            freight = ~np.concatenate([marked, np.zeros(len(added[0]), bool)])
            passenger = int((~freight).sum())
            u, v, km, flags = u[freight], v[freight], km[freight], flags[freight]
        count, labels = component_labels(land.node_count, u, v)
        giant = labels == np.argmax(np.bincount(labels))
        usable_in_layer[offsets[which] : offsets[which] + land.node_count] = giant
        report["layers"][land.name] = _layer_report(land, count, giant, len(added[0]))
        codes, folded = _fold_excursions(country[which], u, v, km, pack.param("border_excursion_max_km"))
        country[which] = codes
        report["layers"][land.name] |= {"passenger_edges_left_out": passenger, "border_excursions_folded": folded}
        _add_land_edges(
            edges,
            border_rows,
            pack,
            which,
            land,
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
    sea_giant, liner = _liner_sea(pack, sea)
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
        s_km * Intensities.from_pack(pack).kg_co2e_per_teu_km("container_deep_sea"),
        Mode.SEA,
        ref=sea.edge_passage[keep].astype(np.int32),  # the marnet passage (-1: open water), for status closures
    )
    report["layers"]["marnet"] = {
        "nodes": sea.node_count,
        "edges": len(sea.edge_u),
        "giant_after": int(sea_giant.sum()),
        "note": _sea_note(pack),
    }
    # straits and canals lie in water outside the polygons: their nodes carry their shore countries
    strait_nodes = {code: [offsets[Layer.SEA] + n for n in nodes] for code, nodes in base.strait_nodes.items()}
    report["straits"] = [dict(row) for row in base.straits]

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
    service_rows = _add_services(pack, edges, extra, place_node, code_to_index, waits)

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
        meta={
            "report": report,
            "strait_nodes": strait_nodes,
            "passages": list(sea.passages),
            "link_edges": _link_edges(link_pairs, first_out, head),
        },
    )


def _link_edges(
    link_pairs: list[tuple[str, int, int]], first_out: np.ndarray, head: np.ndarray
) -> dict[str, list[int]]:
    """links.csv id → the graph edges (both directions) of that added line, for status closures."""
    out: dict[str, list[int]] = {}
    for link_id, a, b in link_pairs:
        for x, y in ((a, b), (b, a)):
            lo, hi = int(first_out[x]), int(first_out[x + 1])
            out.setdefault(link_id, []).extend(int(e) for e in lo + np.flatnonzero(head[lo:hi] == y))
    return out


def _sea_countries(sea: SeaLayer, remap: np.ndarray) -> np.ndarray:
    """Each sea node's country in the graph's list: its polygon's, else (no polygon, or one the graph does not
    list) the shore country of a one-country strait it lies in, else -1."""
    country = remap[sea.country]
    strait = (country < 0) & (sea.strait_country >= 0)
    country[strait] = remap[sea.strait_country[strait]]
    return country


def _layer_report(land: LandLayer, components_after: int, giant: np.ndarray, missing_lines: int) -> dict:
    """The healing report of a rail or road layer: components before and after, links added."""
    dead_end = land.heal_dead_end
    return {
        "nodes": land.node_count,
        "edges": len(land.edge_u),
        "components_before": land.components_before,
        "giant_before": land.giant_before,
        "components_after": components_after,
        "giant_after": int(giant.sum()),
        "bridges": int(np.sum(~dead_end)),
        "dead_end_links": int(np.sum(dead_end)),
        "healed_km": round(float(land.heal_km.sum()), 1),
        "max_gap_km": round(float(land.heal_km.max()) if len(land.heal_km) else 0.0, 3),
        "missing_lines": missing_lines,
    }


def _liner_sea(pack: DataPack, sea: SeaLayer) -> tuple[np.ndarray, np.ndarray]:
    """(sea nodes that carry generic shipping, sea edges liners use): the world-ocean component once the pack's
    closed seas and no-liner passages are cut. A passage the sea layer lacks is a DataError."""
    named = {s.service for s in pack.services} | {p.id for p in pack.places}
    via_tags = {v for family in pack.corridors for v in family.via if v not in named}
    status_tags = {row.id for row in pack.status if row.kind == "passage"}
    for what, tags in (("corridors.csv via", via_tags), ("status.csv passage", status_tags)):
        if bad := sorted(tags - set(sea.passages)):
            raise DataError(
                f"{what}: unknown place, service or sea passage {bad}; the sea layer's passages are "
                f"{', '.join(sea.passages)}",
                path=what.split()[0],
            )
    unknown = sorted({p.id for p in pack.no_liner_passages} - set(sea.passages))
    if unknown:
        raise DataError(
            f"no_liner_passages.csv: unknown passage(s) {unknown}; the sea layer's passages are "
            f"{', '.join(sea.passages)}",
            path="no_liner_passages.csv",
        )
    closed = np.zeros(sea.node_count, bool)
    for area in pack.closed_seas:
        closed |= area.contains(sea.lat, sea.lon)
    shut = [i for i, name in enumerate(sea.passages) if name in {p.id for p in pack.no_liner_passages}]
    liner = ~np.isin(sea.edge_passage, np.array(shut, np.int16))
    open_edges = ~closed[sea.edge_u] & ~closed[sea.edge_v] & liner
    giant = largest_component(sea.node_count, sea.edge_u[open_edges], sea.edge_v[open_edges]) & ~closed
    return giant, liner


def _sea_note(pack: DataPack) -> str:
    """The sea layer's line in the report: which seas and passages carry no generic shipping."""
    note = "only the world-ocean component carries generic sea transport"
    if pack.closed_seas:
        note += f"; closed seas ({', '.join(s.name for s in pack.closed_seas)}) are served by the data pack's ferries"
    if pack.no_liner_passages:
        note += f"; passages without liner shipping: {', '.join(p.name for p in pack.no_liner_passages)}"
    return note


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


def _add_land_edges(edges, border_rows, pack, which, land, u, v, km, flags, cu, cv, countries, offset) -> None:
    """Rail or road edges with running costs. A border edge is kept only at a crossing of ``crossings.csv`` (of
    its mode and country pair) or between two countries whose union waives border checks; it gets the crossing's
    dwell, fee and gauge change. Every other border edge is left out: no route crosses a border there."""
    mode = Mode.RAIL if which == Layer.RAIL else Mode.ROAD
    name = "rail" if which == Layer.RAIL else "road"
    if which == Layer.RAIL:
        # the last entry is the default, so country -1 (none) picks it
        speed_by_country = np.array([pack.rail_speed_km_per_day(c) for c in (*countries, "*")])
        speed = (speed_by_country[cu] + speed_by_country[cv]) / 2.0
        hours = km / speed * 24.0
        rate_by_country = np.array([pack.rail_usd_per_teu_km(c) for c in (*countries, "*")])
        usd = km * (rate_by_country[cu] + rate_by_country[cv]) / 2.0
    else:
        kmh = min(pack.param("road_speed_km_per_hour"), pack.param("road_max_km_per_day") / 24.0)
        hours = km / kmh
        usd = km * pack.param("road_usd_per_teu_km")
    intensities = Intensities.from_pack(pack)
    if which == Layer.RAIL:  # the mean of the rail mixes (electric share, grid) of the two ends' countries
        co2_by_country = intensities.rail_kg_co2e_per_teu_km(countries)
        co2 = km * (co2_by_country[cu] + co2_by_country[cv]) / 2.0
    else:
        co2 = km * intensities.kg_co2e_per_teu_km("road_truck")
    ref = np.full(len(u), -1, np.int32)
    border = np.flatnonzero(cu != cv)
    inland = np.flatnonzero(cu == cv)
    edges.add(u[inland], v[inland], km[inland], hours[inland], usd[inland], co2[inland], mode, flags[inland],
              ref[inland])  # fmt: skip
    if not len(border):
        return
    rows = _border_rows(pack, name, land, u[border] - offset, v[border] - offset, cu[border], cv[border], countries)
    keep = rows.pop("open")
    open_border = border[keep]
    rows = {k: col[keep] for k, col in rows.items()}
    cu, cv = cu[open_border], cv[open_border]
    dwell_back = rows.pop("dwell_hours_back")
    add_usd = rows["fee_usd_per_teu"] + rows["gauge_change_usd_per_teu"]
    # a transshipment between gauges lifts the container once: a hub move
    add_co2 = np.where(rows["gauge_change"] == 2, intensities.hub_kg_co2e_per_teu("gauge_transshipment"), 0.0)
    f = flags[open_border] | EdgeFlag.BORDER
    f[rows["gauge_change"] > 0] |= EdgeFlag.GAUGE_CHANGE
    for reverse in (False, True):
        a, b = (cv, cu) if reverse else (cu, cv)
        if reverse:  # the dwell of the way back (a crossing may give each direction its own)
            rows = {**rows, "dwell_hours": dwell_back}
        add_hours = rows["dwell_hours"] + rows["gauge_change_hours"]
        start = border_rows.add(country_a=a, country_b=b, **rows)
        ref_dir = start + np.arange(len(open_border), dtype=np.int32)
        src, dst = (v, u) if reverse else (u, v)
        edges.add(
            src[open_border], dst[open_border], km[open_border], hours[open_border] + add_hours,
            usd[open_border] + add_usd, co2[open_border] + add_co2, mode, f, ref_dir, both_ways=False,
        )  # fmt: skip


def _fold_excursions(
    codes: np.ndarray, u: np.ndarray, v: np.ndarray, km: np.ndarray, max_km: float
) -> tuple[np.ndarray, int]:
    """Node countries with a line's short excursions across a border given back to the country around them, and how
    many stretches were folded.

    The Natural Earth borders are coarse (1:10m), so a line that runs along a border (the Turkestan–Siberia line
    by the Kyrgyz border at Lugovaya) has nodes on the wrong side: the line seems to cross the border and back
    where no crossing exists, and closing unlisted border edges would cut it. A stretch of one country whose own
    edges add up to at most ``max_km`` and that touches exactly one other country, at two or more edges, is such
    an excursion: it takes that country. A longer stretch is a real transit (and needs listed crossings).
    """
    codes = codes.copy()
    n = len(codes)
    same = codes[u] == codes[v]
    count, label = component_labels(n, u[same], v[same])
    size_km = np.bincount(label[u[same]], weights=km[same], minlength=count)
    cross = np.flatnonzero(~same & (codes[u] >= 0) & (codes[v] >= 0))
    # each border edge seen from both sides: (piece, the other side's country)
    piece = np.concatenate([label[u[cross]], label[v[cross]]])
    other = np.concatenate([codes[v[cross]], codes[u[cross]]])
    folded = 0
    for p in np.unique(piece):
        if size_km[p] > max_km:
            continue
        neighbours = np.unique(other[piece == p])
        if len(neighbours) == 1 and np.count_nonzero(piece == p) >= 2:
            codes[label == p] = neighbours[0]
            folded += 1
    return codes, folded


def _or_default(value: float | None, pack: DataPack, parameter: str) -> float:
    """A data-pack figure, or the named default parameter where the cell is empty."""
    return float(value) if value is not None else pack.param(parameter)


def _segment_km(lat: float, lon: float, lat_a: np.ndarray, lon_a: np.ndarray, lat_b: np.ndarray, lon_b: np.ndarray):
    """Distance (km) from a point to each segment a-b, on a local plane around the point (fine to ~1 % at the tens
    of km that matter here)."""
    kx, ky = 111.32 * np.cos(np.radians(lat)), 110.57
    ax, ay = (lon_a - lon) * kx, (lat_a - lat) * ky
    bx, by = (lon_b - lon) * kx, (lat_b - lat) * ky
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = np.clip(np.where(length2 > 0, -(ax * dx + ay * dy) / np.where(length2 > 0, length2, 1.0), 0.0), 0.0, 1.0)
    return np.hypot(ax + t * dx, ay + t * dy)


def _border_rows(pack, name, land, u, v, cu, cv, countries) -> dict[str, np.ndarray]:
    """Which border edges are open and what they cost: the nearest crossing of ``crossings.csv`` (same mode and
    country pair) whose point lies within ``crossing_radius_km`` of the edge gives dwell, fee and gauge change;
    between two countries whose union waives border checks any edge is open (no dwell where customs are waived
    too, else the pair's ``borders.csv`` rule or the default dwell). ``open`` marks the edges kept, the other
    columns hold the kept edges' figures."""
    count = len(u)
    radius_km = pack.param("crossing_radius_km")
    best_km = np.full(count, np.inf)
    crossing = np.full(count, -1, np.int32)
    pair_code = np.minimum(cu, cv).astype(np.int64) * 10_000 + np.maximum(cu, cv)
    index_of = {c: i for i, c in enumerate(countries)}
    for i, c in enumerate(pack.crossings):
        if c.mode != name or c.country_a not in index_of or c.country_b not in index_of:
            continue
        a, b = sorted((index_of[c.country_a], index_of[c.country_b]))
        mine = np.flatnonzero(pair_code == a * 10_000 + b)
        if not len(mine):
            continue
        d = _segment_km(c.lat, c.lon, land.lat[u[mine]], land.lon[u[mine]], land.lat[v[mine]], land.lon[v[mine]])
        better = (d <= radius_km) & (d < best_km[mine])
        best_km[mine[better]] = d[better]
        crossing[mine[better]] = i
    dwell = np.zeros(count)
    back = np.full(count, np.nan)  # the dwell of the reverse edge (v to u) where a crossing gives it apart
    fee = np.zeros(count)
    gauge = np.zeros(count, np.int8)
    g_hours = np.zeros(count)
    g_usd = np.zeros(count)
    is_open = crossing >= 0
    kinds = {"none": 0, "bogie_exchange": 1, "transshipment": 2}
    for k in range(count):
        a, b = countries[cu[k]], countries[cv[k]]
        if crossing[k] >= 0:
            c = pack.crossings[crossing[k]]
            dwell[k], back[k] = c.dwell_hours_from(a), c.dwell_hours_from(b)  # leaving a; the way back leaves b
            fee[k] = c.fee_usd_per_teu or 0.0  # a fee only where a source says one is charged there
            gauge[k] = kinds[c.gauge_change]  # the crossing's own row says whether the gauge changes there
            if gauge[k]:
                g_hours[k] = _or_default(c.gauge_change_hours, pack, "gauge_change_hours_default")
                g_usd[k] = _or_default(c.gauge_change_usd_per_teu, pack, "gauge_change_usd_per_teu_default")
            continue
        waived = pack.waived(a, b)
        if "border_checks" not in waived:
            continue  # no listed crossing here: closed
        is_open[k] = True
        rule = pack.border_rule(a, b, name)
        if "customs" in waived:
            dwell[k] = pack.param("schengen_border_dwell_hours")
        elif rule is not None:
            dwell[k], fee[k] = rule.dwell_hours, rule.fee_usd_per_teu or 0.0
        else:
            dwell[k] = pack.param("border_dwell_hours_default")
        if name == "rail" and pack.gauge_mm(a) != pack.gauge_mm(b):
            gauge[k] = 1
            g_hours[k] = pack.param("gauge_change_hours_default")
            g_usd[k] = pack.param("gauge_change_usd_per_teu_default")
    return {
        "open": is_open,
        "dwell_hours": dwell,
        "dwell_hours_back": np.where(np.isnan(back), dwell, back),
        "fee_usd_per_teu": fee,
        "gauge_change": gauge,
        "gauge_change_hours": g_hours,
        "gauge_change_usd_per_teu": g_usd,
        "crossing": crossing,
    }


def _missing_lines(pack, which, land, report) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list, list]:
    """Known lines from the data pack, joined to the nearest layer nodes at both ends: (u, v, km) and, per line,
    its id and end nodes."""
    name = "rail" if which == Layer.RAIL else "road"
    rows = [link for link in pack.links if link.mode == name]
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), [], [], []
    tree = cKDTree(to_unit_xyz(land.lat, land.lon))
    out_u, out_v, out_km = [], [], []
    for link in rows:
        _, (a, b) = tree.query(to_unit_xyz([link.from_lat, link.to_lat], [link.from_lon, link.to_lon]))
        gc = float(haversine_km(land.lat[a], land.lon[a], land.lat[b], land.lon[b]))
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
                    round(float(haversine_km(link.from_lat, link.from_lon, land.lat[a], land.lon[a])), 2),
                    round(float(haversine_km(link.to_lat, link.to_lon, land.lat[b], land.lon[b])), 2),
                ],
            }
        )
    ids = [link.id for link in rows]
    return np.array(out_u, np.int64), np.array(out_v, np.int64), np.array(out_km), ids, out_u, out_v


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
    intensities = Intensities.from_pack(pack)
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
                distance_upper_bound=km_to_chord(pack.param(_ACCESS_PARAMETER[which])),
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
            if not np.isfinite(chord) and which == Layer.SEA and pack.in_closed_sea(place.lat, place.lon):
                entry["links"]["sea"] = "closed sea: ferries only"
                continue
            if not np.isfinite(chord):
                report["warnings"].append(
                    f"{place.name}: no usable {layer_name} node within {pack.param(_ACCESS_PARAMETER[which]):.0f} km; "
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
            if which == Layer.RAIL:  # the rail mix of the place's country
                access_co2 = float(intensities.rail_kg_co2e_per_teu_km((place.country,))[0])
            else:
                activity = "road_truck" if which == Layer.ROAD else "container_deep_sea"
                access_co2 = intensities.kg_co2e_per_teu_km(activity)
            # and each transfer edge is one container move at the place
            co2 = access_km * access_co2 + intensities.hub_kg_co2e_per_teu(hub_of_place(place.kinds))
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


def _add_services(pack, edges, extra, place_node, code_to_index, waits: Waits) -> _ServiceRows:
    """Each service a line: board (expected wait: by timetable, else H/2·(1 + CV²)) → ride between stops → alight."""
    rows = _ServiceRows()
    intensities = Intensities.from_pack(pack)
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
        irregular = s.timetable == "irregular"
        capacity = s.capacity_teu_per_departure or 0.0
        for place_id, node in ((s.from_place, a), (s.to_place, b)):
            if (s.service, place_id) in boarded:
                continue
            boarded.add((s.service, place_id))
            t = place_node[place_index[place_id]]
            place = pack.places[place_index[place_id]]
            deps = s.departures_per_week or 0.0
            wait = waits.expected_wait_hours(s.service, place_id, deps, irregular=irregular)
            board = rows.add(s.service, s.id, "", wait, 0.0, deps, capacity)
            alight = rows.add(s.service, s.id, "", 0.0, 0.0, deps, capacity)
            # loading onto and off the ship or train is one container move each
            move_h, move_usd = place.handling_hours, place.handling_usd_per_teu
            move_co2 = intensities.hub_kg_co2e_per_teu(hub_of_place(place.kinds))
            edges.add(t, node, 0.0, wait + move_h, move_usd, move_co2, mode, 0, board, both_ways=False)
            edges.add(node, t, 0.0, move_h, move_usd, move_co2, mode, 0, alight, both_ways=False)
        km = s.km
        if mode == Mode.SERVICE:
            fallback_rate = pack.rail_usd_per_teu_km(pack.places[place_index[s.from_place]].country)
        else:
            fallback_rate = pack.param(
                "feeder_usd_per_teu_km" if s.vessel == "container_feeder" else "ferry_usd_per_teu_km"
            )
        usd = s.tariff_usd_per_teu if s.tariff_usd_per_teu is not None else km * fallback_rate
        if VESSEL_ACTIVITY[s.vessel] == "rail":  # a train: the mean rail mix of its two stops' countries
            ends = (pack.places[place_index[s.from_place]].country, pack.places[place_index[s.to_place]].country)
            factor = float(intensities.rail_kg_co2e_per_teu_km(ends)[:2].mean())
        else:
            factor = intensities.kg_co2e_per_teu_km(VESSEL_ACTIVITY[s.vessel])
        ride = rows.add(
            s.service, s.id, ";".join(s.via_countries), 0.0, s.hours, s.departures_per_week or 0.0, capacity
        )
        edges.add(a, b, km, s.hours, usd, km * factor, mode, 0, ride, both_ways=False)
    return rows
