"""The routing front door: places or coordinates in, a Route with its legs out."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from corridor.errors import CoordinateError, NoRouteError, OptionsError
from corridor.network.geo import chord_to_km, haversine_km, km_to_chord, to_unit_xyz
from corridor.network.graph import GAUGE_CHANGE_KINDS, Graph
from corridor.network.places import PlaceIndex, parse_coordinates
from corridor.results import BorderCrossing, Leg, Route
from corridor.routing.fixed import FIXED_OBJECTIVES, RailHierarchies
from corridor.routing.search import SearchBuffers, SearchResult, shortest_path
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["OBJECTIVES", "ROUTABLE_MODES", "Endpoint", "Router", "objective_coefficients"]

OBJECTIVES = ("time", "cost", "co2", "generalized", "distance")
#: Modes a caller may allow or forbid; transfers and borders come with them.
ROUTABLE_MODES = ("rail", "road", "sea", "ferry", "service")


def objective_coefficients(
    objective: str, *, value_of_time_usd_per_teu_hour: float, carbon_price_usd_per_t_co2e: float
) -> np.ndarray:
    """Weights on (hours, usd, co2, km) for an objective name."""
    if objective == "time":
        return np.array([1.0, 0.0, 0.0, 0.0])
    if objective == "cost":
        return np.array([0.0, 1.0, 0.0, 0.0])
    if objective == "co2":
        return np.array([0.0, 0.0, 1.0, 0.0])
    if objective == "distance":
        return np.array([0.0, 0.0, 0.0, 1.0])
    if objective == "generalized":
        if value_of_time_usd_per_teu_hour < 0 or carbon_price_usd_per_t_co2e < 0:
            raise OptionsError("value of time and carbon price must be >= 0", option="objective")
        return np.array([value_of_time_usd_per_teu_hour, 1.0, carbon_price_usd_per_t_co2e / 1000.0, 0.0])
    raise OptionsError(f"unknown objective {objective!r}; expected one of {', '.join(OBJECTIVES)}", option="objective")


@dataclass(frozen=True)
class Endpoint:
    """A resolved origin, via or destination: candidate nodes with their access costs."""

    label: str
    nodes: np.ndarray
    snap_km: np.ndarray
    place: int | None
    lat: float
    lon: float


class Router:
    """Answers route queries on one Graph; safe to share across threads."""

    def __init__(
        self,
        graph: Graph,
        place_index: PlaceIndex,
        place_names: tuple[str, ...],
        landmark_dist: np.ndarray | None,
        rail_hierarchies: RailHierarchies | None = None,
    ) -> None:
        self.graph = graph
        self.place_index = place_index
        self.place_names = place_names
        self.landmark_dist = landmark_dist
        self.rail_hierarchies = rail_hierarchies
        self.tail = graph.edge_tail()
        self.metrics = np.ascontiguousarray(
            np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km]).astype(np.float64)
        )
        self.no_block = np.zeros(graph.edge_count, np.bool_)
        self.all_nodes = np.ones(graph.node_count, np.bool_)
        self._terminal_place = {int(n): i for i, n in enumerate(graph.place_node)}
        self._trees: dict[tuple[int, ...], tuple[np.ndarray, cKDTree]] = {}
        self._local = threading.local()
        self._lock = threading.Lock()

    # --- resolving endpoints ---------------------------------------------------------
    def _tree(self, layers: tuple[int, ...]) -> tuple[np.ndarray, cKDTree]:
        with self._lock:
            if layers not in self._trees:
                g = self.graph
                mask = np.isin(g.node_layer, layers) & g.node_usable & g.node_usable_in_layer
                idx = np.flatnonzero(mask)
                self._trees[layers] = (idx, cKDTree(to_unit_xyz(g.node_lat[idx], g.node_lon[idx])))
            return self._trees[layers]

    def resolve(self, text: str, *, modes: frozenset[str], max_snap_km: float) -> Endpoint:
        """A place name or 'lat,lon' as an Endpoint (coordinates snap to the nearest usable land node)."""
        coords = parse_coordinates(text)
        g = self.graph
        if coords is None:
            i = self.place_index.find(text)
            node = int(g.place_node[i])
            return Endpoint(
                self.place_names[i], np.array([node]), np.zeros(1), i, float(g.node_lat[node]), float(g.node_lon[node])
            )
        lat, lon = coords
        nodes, snaps = [], []
        for layer, name in ((Layer.RAIL, "rail"), (Layer.ROAD, "road")):
            if name not in modes:
                continue
            idx, tree = self._tree((int(layer),))
            chord, j = tree.query(to_unit_xyz([lat], [lon])[0], distance_upper_bound=km_to_chord(max_snap_km))
            if np.isfinite(chord):
                nodes.append(int(idx[j]))
                snaps.append(float(chord_to_km(chord)))
        if not nodes:
            allowed = [m for m in ("rail", "road") if m in modes] or ["rail or road (none allowed by modes)"]
            raise CoordinateError(
                f"{lat:g},{lon:g} is more than {max_snap_km:g} km from any usable {' or '.join(allowed)} network node",
                lat=lat,
                lon=lon,
                snap_distance_km=max_snap_km,
            )
        return Endpoint(f"{lat:g},{lon:g}", np.array(nodes), np.array(snaps), None, lat, lon)

    # --- searching -------------------------------------------------------------------
    def _buffers(self) -> SearchBuffers:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            buffers = self._local.buffers = SearchBuffers(self.graph.node_count)
        return buffers

    def masks(self, avoid: frozenset[str], modes: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(node_ok, mode_ok, edge_blocked) for avoided countries and allowed modes."""
        g = self.graph
        mode_ok = np.zeros(len(Mode), np.bool_)
        for name in modes:
            mode_ok[Mode.parse(name)] = True
        mode_ok[Mode.TRANSFER] = True
        if not avoid:
            return self.all_nodes, mode_ok, self.no_block
        codes = [g.country_index(c) for c in avoid]
        node_ok = ~np.isin(g.node_country, [c for c in codes if c >= 0])
        blocked = self.no_block
        rows = [i for i, via in enumerate(g.service_via) if via and set(via.split(";")) & avoid]
        if rows:
            blocked = self.no_block.copy()
            service_edges = np.flatnonzero(np.isin(g.edge_mode, [Mode.FERRY, Mode.SERVICE]))
            blocked[service_edges[np.isin(g.edge_ref[service_edges], rows)]] = True
        return node_ok, mode_ok, blocked

    def route(
        self,
        origin: str,
        destination: str,
        *,
        via: tuple[str, ...] = (),
        avoid: frozenset[str] = frozenset(),
        modes: frozenset[str] = frozenset(ROUTABLE_MODES),
        objective: str = "time",
        coef: np.ndarray,
        max_snap_km: float = 50.0,
    ) -> Route:
        """Best route origin → via… → destination; raises NoRouteError when none exists."""
        stops = [self.resolve(t, modes=modes, max_snap_km=max_snap_km) for t in (origin, *via, destination)]
        node_ok, mode_ok, blocked = self.masks(avoid, modes)
        for stop in stops:
            if not node_ok[stop.nodes].any():
                country = self.graph.countries[self.graph.node_country[stop.nodes[0]]]
                raise OptionsError(
                    f"{stop.label} lies in {country}, which avoid={','.join(sorted(avoid))} excludes",
                    option="avoid",
                )
        edges: list[np.ndarray] = []
        first_node = last_node = -1
        for a, b in itertools.pairwise(stops):
            sources = a.nodes if last_node < 0 else np.array([last_node])
            if self.rail_hierarchies is not None and modes == {"rail"} and not avoid and objective in FIXED_OBJECTIVES:
                result = self._hierarchy_segment(objective, sources, b.nodes)
            else:
                result = self._search_segment(coef, sources, b.nodes, node_ok, mode_ok, blocked)
            if not np.isfinite(result.cost):
                raise self._no_route(a.label, b.label, avoid, modes, via)
            first_node = result.source if first_node < 0 else first_node
            last_node = result.target
            edges.append(result.edges)
        path = np.concatenate(edges) if edges else np.zeros(0, np.int64)
        snap = (
            float(stops[0].snap_km[list(stops[0].nodes).index(first_node)]),
            float(stops[-1].snap_km[list(stops[-1].nodes).index(last_node)]),
        )
        return self._assemble(
            stops[0].label, stops[-1].label, objective, path, first_node, snap, tuple(s.label for s in stops[1:-1])
        )

    def _hierarchy_segment(self, objective: str, sources: np.ndarray, targets: np.ndarray) -> SearchResult:
        queries = getattr(self._local, "hierarchy_queries", None)
        if queries is None:
            queries = self._local.hierarchy_queries = {}
        if objective not in queries:
            queries[objective] = self.rail_hierarchies.new_query(objective)
        cost, edges, source, target = self.rail_hierarchies.segment(
            queries[objective], self.graph, self.metrics[FIXED_OBJECTIVES[objective]], sources, targets
        )
        return SearchResult(cost, edges, source, target, 0)

    def _search_segment(self, coef, sources, targets, node_ok, mode_ok, blocked) -> SearchResult:
        return shortest_path(
            self.graph.first_out,
            self.graph.head,
            self.tail,
            self.metrics,
            self.graph.edge_mode,
            coef,
            sources=sources,
            targets=targets,
            mode_ok=mode_ok,
            node_ok=node_ok,
            edge_blocked=blocked,
            landmark_dist=self.landmark_dist,
            buffers=self._buffers(),
        )

    def _no_route(self, a: str, b: str, avoid, modes, via) -> NoRouteError:
        parts = []
        if avoid:
            parts.append(f"avoiding {', '.join(sorted(avoid))}")
        if set(modes) != set(ROUTABLE_MODES):
            parts.append(f"using only {', '.join(sorted(modes))}")
        what = f" {' and '.join(parts)}" if parts else ""
        return NoRouteError(
            f"no route from {a} to {b}{what}",
            origin=a,
            destination=b,
            constraints={"avoid": sorted(avoid), "modes": sorted(modes), "via": list(via)},
        )

    # --- legs ------------------------------------------------------------------------
    def label(self, node: int) -> str:
        """A place name for terminals and nodes within 15 km of a place, else 'lat,lon'."""
        g = self.graph
        if node in self._terminal_place:
            return self.place_names[self._terminal_place[node]]
        lat, lon = float(g.node_lat[node]), float(g.node_lon[node])
        terminals = g.place_node
        d = haversine_km(lat, lon, g.node_lat[terminals], g.node_lon[terminals])
        i = int(np.argmin(d))
        return self.place_names[i] if d[i] <= 15.0 else f"{lat:.3f},{lon:.3f}"

    def _countries(self, nodes: np.ndarray) -> tuple[str, ...]:
        codes = self.graph.node_country[nodes]
        out: list[str] = []
        for c in codes[codes >= 0]:
            code = self.graph.countries[c]
            if not out or out[-1] != code:
                out.append(code)
        return tuple(out)

    def _assemble(self, origin, destination, objective, path, first_node, snap, via) -> Route:
        g = self.graph
        nodes = np.concatenate([[first_node], g.head[path]]).astype(np.int64) if len(path) else np.array([first_node])
        legs: list[Leg] = []
        i = 0
        while i < len(path):
            e = int(path[i])
            mode = Mode(int(g.edge_mode[e]))
            j = i + 1
            if mode in (Mode.FERRY, Mode.SERVICE):
                service = g.services.service[g.edge_ref[e]]
                while (
                    j < len(path)
                    and g.edge_mode[path[j]] == mode
                    and g.services.service[g.edge_ref[path[j]]] == service
                    and int(g.head[path[j - 1]]) not in self._terminal_place  # not yet alighted
                ):
                    j += 1
                legs.append(self._service_leg(path[i:j], nodes[i], nodes[j], mode, g.service_names[service]))
            elif mode == Mode.TRANSFER:
                while j < len(path) and g.edge_mode[path[j]] == Mode.TRANSFER:
                    j += 1
                name = self.place_names[int(g.edge_ref[e])]
                moves = j - i
                note = f"{moves} container move{'s' if moves > 1 else ''} (handling) at {name}"
                leg = self._leg(path[i:j], nodes[i : j + 1], mode, note=note)
                legs.append(Leg(**{**leg.__dict__, "from_": name, "to": name}))
            else:
                while (
                    j < len(path) and g.edge_mode[path[j]] == mode and not (g.edge_flags[path[j - 1]] & EdgeFlag.BORDER)
                ):
                    j += 1
                legs.extend(self._land_legs(path[i:j], nodes[i : j + 1], mode))
            i = j
        return Route(
            origin=origin,
            destination=destination,
            objective=objective,
            km=float(g.edge_km[path].sum()),
            hours=float(g.edge_hours[path].sum()),
            usd_per_teu=float(g.edge_usd[path].sum()),
            kg_co2e_per_teu=float(g.edge_co2[path].sum()),
            countries=self._countries(nodes),
            legs=tuple(legs),
            coordinates=tuple(zip(g.node_lat[nodes].tolist(), g.node_lon[nodes].tolist(), strict=True)),
            snap_km=snap,
            via=via,
        )

    def _leg(self, edges, nodes, mode, *, note="", hours_less=0.0, usd_less=0.0) -> Leg:
        g = self.graph
        synthetic = g.edge_flags[edges] & (EdgeFlag.HEALED | EdgeFlag.MISSING_LINE)
        return Leg(
            mode=Mode(mode).label,
            from_=self.label(int(nodes[0])),
            to=self.label(int(nodes[-1])),
            km=float(g.edge_km[edges].sum()),
            hours=float(g.edge_hours[edges].sum()) - hours_less,
            usd_per_teu=float(g.edge_usd[edges].sum()) - usd_less,
            kg_co2e_per_teu=float(g.edge_co2[edges].sum()),
            countries=self._countries(np.asarray(nodes)),
            synthetic_km=float(g.edge_km[edges][synthetic > 0].sum()),
            note=note,
        )

    def _service_leg(self, edges, start, end, mode, name) -> Leg:
        g = self.graph
        refs = g.edge_ref[edges]
        wait = float(g.services.wait_hours[refs].sum())
        deps = g.services.departures_per_week[refs].max()
        note = (
            f"expected wait {wait:.1f} h (half the interval at {deps:g} departures/week) and one "
            f"container move at each end included"
        )
        leg = self._leg(edges, np.array([start, end]), mode, note=note)
        countries = self._countries(np.concatenate([[start], g.head[edges]]))
        return Leg(**{**leg.__dict__, "service": name, "wait_hours": wait, "countries": countries})

    def _land_legs(self, edges, nodes, mode) -> list[Leg]:
        """A rail/road/sea run; if it ends on a border edge, split off a border leg."""
        g = self.graph
        last = int(edges[-1])
        if not g.edge_flags[last] & EdgeFlag.BORDER:
            return [self._leg(edges, nodes, mode)]
        b = int(g.edge_ref[last])
        t = g.borders
        dwell, fee = float(t.dwell_hours[b]), float(t.fee_usd_per_teu[b])
        gauge = int(t.gauge_change[b])
        g_hours, g_usd = float(t.gauge_change_hours[b]), float(t.gauge_change_usd_per_teu[b])
        run = self._leg(edges, nodes, mode, hours_less=dwell + g_hours, usd_less=fee + g_usd)
        a_code, b_code = g.countries[t.country_a[b]], g.countries[t.country_b[b]]
        name = g.crossing_names[t.crossing[b]] if t.crossing[b] >= 0 else f"{a_code}–{b_code} border"
        crossing = BorderCrossing(
            name=name,
            from_country=a_code,
            to_country=b_code,
            mode=Mode(mode).label,
            dwell_hours=dwell,
            fee_usd_per_teu=fee,
            gauge_change=GAUGE_CHANGE_KINDS[gauge] if gauge else None,
            gauge_change_hours=g_hours,
            gauge_change_usd_per_teu=g_usd,
        )
        note = f"{Mode(mode).label} crossing" + (
            f", gauge change by {GAUGE_CHANGE_KINDS[gauge].replace('_', ' ')}" if gauge else ""
        )
        border = Leg(
            mode="border",
            from_=name,
            to=name,
            km=0.0,
            hours=dwell + g_hours,
            usd_per_teu=fee + g_usd,
            kg_co2e_per_teu=0.0,
            countries=(a_code, b_code),
            border=crossing,
            note=note,
        )
        return [run, border]
