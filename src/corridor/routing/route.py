"""The routing front door: places or coordinates in, a Route with its legs out."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from corridor.errors import CoordinateError, NoRouteError, OptionsError, UnknownPlaceError
from corridor.network.geo import chord_to_km, haversine_km, km_to_chord, to_unit_xyz
from corridor.network.graph import GAUGE_CHANGE_KINDS, Graph
from corridor.network.places import PlaceIndex, PlaceQuery, check_coordinates, parse_coordinates
from corridor.results import BorderCrossing, Leg, Route, RoutePath
from corridor.routing.fixed import FIXED_OBJECTIVES, RailHierarchies
from corridor.routing.options import (
    CARBON_PRICE_MAX_USD_PER_T_CO2E,
    OBJECTIVES,
    ROUTABLE_MODES,
    VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR,
    check_number,
    check_objective,
)
from corridor.routing.search import SearchBuffers, SearchResult, shortest_path
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["OBJECTIVES", "ROUTABLE_MODES", "Endpoint", "Router", "Solution", "objective_coefficients"]


def objective_coefficients(
    objective: str, *, value_of_time_usd_per_teu_hour: float, carbon_price_usd_per_t_co2e: float
) -> np.ndarray:
    """Weights on (hours, usd, co2, km) for an objective name; the value of time and carbon price
    must be finite and >= 0 (a NaN weight would silently cut every edge)."""
    check_objective(objective)
    if objective == "time":
        return np.array([1.0, 0.0, 0.0, 0.0])
    if objective == "cost":
        return np.array([0.0, 1.0, 0.0, 0.0])
    if objective == "co2":
        return np.array([0.0, 0.0, 1.0, 0.0])
    if objective == "distance":
        return np.array([0.0, 0.0, 0.0, 1.0])
    vot = check_number(
        value_of_time_usd_per_teu_hour, "value_of_time_usd_per_teu_hour", high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR
    )
    price = check_number(
        carbon_price_usd_per_t_co2e, "carbon_price_usd_per_t_co2e", high=CARBON_PRICE_MAX_USD_PER_T_CO2E
    )
    return np.array([vot, 1.0, price / 1000.0, 0.0])


@dataclass(frozen=True)
class Endpoint:
    """A resolved origin, via or destination: candidate nodes with their access costs."""

    label: str
    nodes: np.ndarray
    snap_km: np.ndarray
    place: int | None
    lat: float
    lon: float


@dataclass(frozen=True)
class Solution:
    """What a search found: the resolved stops and the edges (and nodes) of the best path through them."""

    stops: tuple[Endpoint, ...]
    objective: str
    edges: np.ndarray
    nodes: np.ndarray  # len(edges) + 1
    snap_km: tuple[float, float]


_RAIL, _ROAD, _SEA, _FERRY, _SERVICE, _TRANSFER = (int(m) for m in Mode)
_SYNTHETIC = int(EdgeFlag.HEALED | EdgeFlag.MISSING_LINE)


class Router:
    """Answers route queries on one Graph; safe to share across threads."""

    def __init__(
        self,
        graph: Graph,
        place_index: PlaceIndex,
        place_names: tuple[str, ...],
        landmark_dist: np.ndarray | None,
        rail_hierarchies: RailHierarchies | None = None,
        place_handling_hours: np.ndarray | None = None,
        sea_wait_hours: float = 0.0,
        *,
        label_radius_km: float,
    ) -> None:
        self.graph = graph
        self.label_radius_km = label_radius_km  # a leg end this close to a place is named after it
        self.sea_wait_hours = sea_wait_hours
        self.place_handling_hours = (
            np.zeros(len(place_names)) if place_handling_hours is None else np.asarray(place_handling_hours, float)
        )
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
        self._labels: dict[int, str] = {}
        self._is_terminal = np.zeros(graph.node_count, np.bool_)
        self._is_terminal[graph.place_node] = True
        # border edges that cost something (dwell, fee or a gauge change) end a land leg and get a border leg of
        # their own; free crossings (inside the EU customs union) only show in the countries
        self._border_stop = np.zeros(graph.edge_count, np.bool_)
        on_border = np.flatnonzero(graph.edge_flags & EdgeFlag.BORDER)
        t, ref = graph.borders, graph.edge_ref[on_border]
        costly = (t.dwell_hours[ref] > 0) | (t.fee_usd_per_teu[ref] > 0) | (t.gauge_change[ref] > 0)
        self._border_stop[on_border[costly]] = True
        self._edge_service = np.full(graph.edge_count, -1, np.int64)
        on_service = np.flatnonzero(np.isin(graph.edge_mode, [Mode.FERRY, Mode.SERVICE]))
        self._edge_service[on_service] = graph.services.service[graph.edge_ref[on_service]]
        # sea nodes of straits and canals carry every shore country (mid-Øresund is DK and SE); node_country
        # holds only one, so avoid also excludes these
        self._strait_nodes = {
            code: np.asarray(nodes, np.int64) for code, nodes in graph.meta.get("strait_nodes", {}).items()
        }
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

    def resolve(
        self, text: PlaceQuery, *, modes: frozenset[str], max_snap_km: float, option: str = "origin"
    ) -> Endpoint:
        """A place name, 'lat,lon' or a (lat, lon) pair as an Endpoint (coordinates snap to the nearest usable land
        node). A CoordinateError or UnknownPlaceError names the ``option`` (origin, via, destination) that held it."""
        try:
            return self._resolve(text, modes=modes, max_snap_km=max_snap_km)
        except (CoordinateError, UnknownPlaceError) as exc:
            exc.option = exc.option or option
            raise

    def _resolve(self, text: PlaceQuery, *, modes: frozenset[str], max_snap_km: float) -> Endpoint:
        coords = parse_coordinates(text) if isinstance(text, str) else check_coordinates(text)
        g = self.graph
        if coords is None:
            i = self.place_index.find(str(text))  # only text can be a name: a pair is always coordinates
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
            allowed: list[str] = [m for m in ("rail", "road") if m in modes] or ["rail or road (none allowed by modes)"]
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
        """(node_ok, mode_ok, edge_blocked) for avoided countries (their nodes, and the straits and canals
        they share) and allowed modes."""
        g = self.graph
        mode_ok = np.zeros(len(Mode), np.bool_)
        for name in modes:
            mode_ok[Mode.parse(name)] = True
        mode_ok[Mode.TRANSFER] = True
        if not avoid:
            return self.all_nodes, mode_ok, self.no_block
        codes = [g.country_index(c) for c in avoid]
        node_ok = ~np.isin(g.node_country, [c for c in codes if c >= 0])
        for code in avoid & self._strait_nodes.keys():
            node_ok[self._strait_nodes[code]] = False
        blocked = self.no_block
        rows = [i for i, via in enumerate(g.service_via) if via and set(via.split(";")) & avoid]
        if rows:
            blocked = self.no_block.copy()
            service_edges = np.flatnonzero(np.isin(g.edge_mode, [Mode.FERRY, Mode.SERVICE]))
            blocked[service_edges[np.isin(g.edge_ref[service_edges], rows)]] = True
        return node_ok, mode_ok, blocked

    def solve(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        via: tuple[PlaceQuery, ...] = (),
        avoid: frozenset[str] = frozenset(),
        modes: frozenset[str] = frozenset(ROUTABLE_MODES),
        objective: str = "time",
        coef: np.ndarray,
        max_snap_km: float = 50.0,
    ) -> Solution:
        """Best edge sequence origin → via… → destination; raises NoRouteError when none exists."""
        ends = [(origin, "origin"), *((v, "via") for v in via), (destination, "destination")]
        stops = [self.resolve(t, modes=modes, max_snap_km=max_snap_km, option=o) for t, o in ends]
        node_ok, mode_ok, blocked = self.masks(avoid, modes)
        for stop in stops:
            if not node_ok[stop.nodes].any():
                country = self.graph.countries[self.graph.node_country[stop.nodes[0]]]
                raise OptionsError(
                    f"{stop.label} lies in {country}, which avoid={','.join(sorted(avoid))} excludes",
                    option="avoid",
                )
        # the rail hierarchy answers unmasked rail-only fixed-objective queries; a network without one (None:
        # built in memory by Engine.from_pack) answers every query with the landmark search
        fixed_rail = modes == {"rail"} and not avoid and objective in FIXED_OBJECTIVES
        hierarchies = self.rail_hierarchies if fixed_rail else None
        edges: list[np.ndarray] = []
        first_node = last_node = -1
        for a, b in itertools.pairwise(stops):
            sources = a.nodes if last_node < 0 else np.array([last_node])
            if hierarchies is not None:
                result = self._hierarchy_segment(hierarchies, objective, sources, b.nodes)
            else:
                result = self._search_segment(coef, sources, b.nodes, node_ok, mode_ok, blocked)
            if not np.isfinite(result.cost):
                raise self._no_route(a.label, b.label, avoid, modes, tuple(s.label for s in stops[1:-1]))
            first_node = result.source if first_node < 0 else first_node
            last_node = result.target
            edges.append(result.edges)
        path = np.concatenate(edges) if len(edges) > 1 else edges[0]
        snap = (
            float(stops[0].snap_km[np.flatnonzero(stops[0].nodes == first_node)[0]]),
            float(stops[-1].snap_km[np.flatnonzero(stops[-1].nodes == last_node)[0]]),
        )
        nodes = np.concatenate(([first_node], self.graph.head[path])).astype(np.int64)
        return Solution(tuple(stops), objective, path, nodes, snap)

    def route(self, origin: PlaceQuery, destination: PlaceQuery, **options) -> Route:
        """Best route with its legs, borders and countries (options as for ``solve``)."""
        return self._assemble(self.solve(origin, destination, **options))

    def path(self, origin: PlaceQuery, destination: PlaceQuery, **options) -> RoutePath:
        """Best route's line and totals only, without legs: the cheap answer for bulk queries."""
        sol = self.solve(origin, destination, **options)
        g = self.graph
        return RoutePath(
            **self._totals(sol),
            nodes=sol.nodes,
            coordinates=np.column_stack((g.node_lat[sol.nodes], g.node_lon[sol.nodes])),
            snap_km=sol.snap_km,
        )

    def _hierarchy_segment(
        self, hierarchies: RailHierarchies, objective: str, sources: np.ndarray, targets: np.ndarray
    ) -> SearchResult:
        queries = getattr(self._local, "hierarchy_queries", None)
        if queries is None:
            queries = self._local.hierarchy_queries = {}
        if objective not in queries:
            queries[objective] = hierarchies.new_query(objective)
        cost, edges, source, target = hierarchies.segment(
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
        """A place name for terminals and nodes within ``label_radius_km`` of a place, else 'lat,lon'."""
        known = self._labels.get(node)
        if known is not None:
            return known
        g = self.graph
        if node in self._terminal_place:
            text = self.place_names[self._terminal_place[node]]
        else:
            lat, lon = float(g.node_lat[node]), float(g.node_lon[node])
            terminals = g.place_node
            d = haversine_km(lat, lon, g.node_lat[terminals], g.node_lon[terminals])
            i = int(np.argmin(d))
            text = self.place_names[i] if d[i] <= self.label_radius_km else f"{lat:.3f},{lon:.3f}"
        if len(self._labels) < 100_000:  # leg ends repeat across queries; bounded memory
            self._labels[node] = text
        return text

    def _countries(self, nodes: np.ndarray) -> tuple[str, ...]:
        """ISO codes of the countries the nodes pass through, in order, without repeats."""
        codes = self.graph.node_country[nodes]
        codes = codes[codes >= 0]
        if not len(codes):
            return ()
        keep = np.empty(len(codes), np.bool_)
        keep[0] = True
        np.not_equal(codes[1:], codes[:-1], out=keep[1:])
        return tuple(self.graph.countries[c] for c in codes[keep].tolist())

    def _totals(self, sol: Solution) -> dict:
        """Ends, objective and the summed metrics of a solution: the fields a Route and a RoutePath share."""
        hours, usd, co2, km = self.metrics[:, sol.edges].sum(axis=1).tolist()
        return {
            "origin": sol.stops[0].label,
            "destination": sol.stops[-1].label,
            "objective": sol.objective,
            "km": km,
            "hours": hours,
            "usd_per_teu": usd,
            "kg_co2e_per_teu": co2,
        }

    def _runs(self, path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end indices (into ``path``) of the runs that become legs.

        A run continues while the mode stays the same and: transfers at one place group together; a rail, road or
        sea run ends after a border edge; a ferry or train ride ends when the service changes or the container has
        alighted at a terminal.
        """
        g = self.graph
        if len(path) == 0:  # both ends snapped to the same node
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        mode = g.edge_mode[path]
        cont = np.zeros(len(path), np.bool_)
        if len(path) > 1:
            prev, cur = path[:-1], path[1:]
            m = mode[1:]
            land = (m == _RAIL) | (m == _ROAD) | (m == _SEA)
            ride = (m == _FERRY) | (m == _SERVICE)
            not_after_border = ~self._border_stop[prev]
            same_service = (self._edge_service[cur] == self._edge_service[prev]) & ~self._is_terminal[g.head[prev]]
            cont[1:] = (m == mode[:-1]) & ((m == _TRANSFER) | (land & not_after_border) | (ride & same_service))
        starts = np.flatnonzero(~cont)
        return starts, np.append(starts[1:], len(path))

    def _assemble(self, sol: Solution) -> Route:
        g = self.graph
        path, nodes = sol.edges, sol.nodes
        legs: list[Leg] = []
        starts, ends = self._runs(path)
        if len(path):  # per-run (hours, usd, co2, km) and synthetic km, in one pass each
            sums = np.add.reduceat(self.metrics[:, path], starts, axis=1).T.tolist()
            synthetic = (g.edge_flags[path] & _SYNTHETIC) > 0
            synthetic_km = np.add.reduceat(np.where(synthetic, self.metrics[3, path], 0.0), starts).tolist()
        run_modes = g.edge_mode[path[starts]].tolist() if len(path) else []
        # a leg next to a transfer starts or ends at that place, even where its node lies outside the place's radius
        # (a port's sea-lane node, a rail yard a few km out)
        at_place = [
            self.place_names[int(g.edge_ref[path[i]])] if m == _TRANSFER else None
            for i, m in zip(starts.tolist(), run_modes, strict=True)
        ]
        for k, (i, j) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            e = int(path[i])
            mode = run_modes[k]
            run = (sums[k], synthetic_km[k])
            ends_at = {
                "from_name": at_place[k - 1] if k > 0 else None,
                "to_name": at_place[k + 1] if k + 1 < len(at_place) else None,
            }
            if mode in (_FERRY, _SERVICE):
                name = g.service_names[int(self._edge_service[e])]
                legs.append(self._service_leg(path[i:j], nodes[i : j + 1], mode, name, run))
            elif mode == _TRANSFER:
                name = at_place[k] or ""  # a transfer run always starts at a place
                moves = j - i
                note = f"{moves} container move{'s' if moves > 1 else ''} (handling) at {name}"
                if self.sea_wait_hours and g.node_layer[g.head[path[j - 1]]] == Layer.SEA:
                    note += f", expected wait {self.sea_wait_hours:.0f} h for the next liner sailing"
                legs.append(self._leg(nodes[i : j + 1], mode, run, note=note, from_name=name, to_name=name))
            else:
                legs.extend(self._land_legs(path[i:j], nodes[i : j + 1], mode, run, **ends_at))
        origin_wait, terminal_hours = 0.0, (0.0, 0.0)
        if len(path):
            if run_modes[0] in (_FERRY, _SERVICE):  # boards at the origin: the first departure's expected wait
                origin_wait = float(g.services.wait_hours[g.edge_ref[path[0]]])
            elif run_modes[0] == _TRANSFER and g.node_layer[g.head[path[ends[0] - 1]]] == Layer.SEA:
                origin_wait = self.sea_wait_hours  # loads onto a ship at the origin port
            first, last = sol.stops[0].place, sol.stops[-1].place
            terminal_hours = (
                float(self.place_handling_hours[first]) if first is not None else 0.0,
                float(self.place_handling_hours[last]) if last is not None else 0.0,
            )
        return Route(
            **self._totals(sol),
            countries=self._countries(nodes),
            legs=tuple(legs),
            coordinates=tuple(zip(g.node_lat[nodes].tolist(), g.node_lon[nodes].tolist(), strict=True)),
            snap_km=sol.snap_km,
            via=tuple(s.label for s in sol.stops[1:-1]),
            origin_wait_hours=origin_wait,
            terminal_hours=terminal_hours,
        )

    def _leg(
        self,
        nodes,
        mode,
        run,
        *,
        note="",
        hours_less=0.0,
        usd_less=0.0,
        from_name=None,
        to_name=None,
        countries=None,
        **extra,
    ) -> Leg:
        """A leg over ``nodes`` from its run's sums ((hours, usd, co2, km), synthetic km)."""
        (hours, usd, co2, km), synthetic_km = run
        return Leg(
            mode=Mode(mode).label,
            from_=from_name or self.label(int(nodes[0])),
            to=to_name or self.label(int(nodes[-1])),
            km=km,
            hours=hours - hours_less,
            usd_per_teu=usd - usd_less,
            kg_co2e_per_teu=co2,
            countries=countries if countries is not None else self._countries(nodes),
            synthetic_km=synthetic_km,
            note=note,
            **extra,
        )

    def _service_leg(self, edges, nodes, mode, name, run) -> Leg:
        g = self.graph
        refs = g.edge_ref[edges]
        wait = float(g.services.wait_hours[refs].sum())
        deps = g.services.departures_per_week[refs].max()
        interval = 168.0 / deps if deps > 0 else 0.0
        why = (
            f"a whole mean interval at {deps:g} departures/week: no fixed timetable, departures at random"
            if interval and wait > 0.75 * interval
            else f"half the interval at {deps:g} departures/week"
        )
        note = f"expected wait {wait:.1f} h ({why}) and one container move at each end included"
        ends = nodes[[0, -1]]
        leg = self._leg(ends, mode, run, note=note, countries=self._countries(nodes), service=name, wait_hours=wait)
        return leg

    def _land_legs(self, edges, nodes, mode, run, *, from_name=None, to_name=None) -> list[Leg]:
        """A rail/road/sea run; if it ends on a border edge, split off a border leg."""
        g = self.graph
        last = int(edges[-1])
        if not self._border_stop[last]:
            return [self._leg(nodes, mode, run, from_name=from_name, to_name=to_name)]
        b = int(g.edge_ref[last])
        t = g.borders
        dwell, fee = float(t.dwell_hours[b]), float(t.fee_usd_per_teu[b])
        gauge = int(t.gauge_change[b])
        g_hours, g_usd = float(t.gauge_change_hours[b]), float(t.gauge_change_usd_per_teu[b])
        moving = self._leg(nodes, mode, run, hours_less=dwell + g_hours, usd_less=fee + g_usd, from_name=from_name)
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
        return [moving, border]
