"""The routing front door: places or coordinates in, a Route with its legs out."""

from __future__ import annotations

import copy
import difflib
import itertools
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from corridor.constants import SEA_PASSAGE_NAMES
from corridor.errors import CoordinateError, NoRouteError, OptionsError, UnknownPlaceError
from corridor.network.gazetteer import load_gazetteer
from corridor.network.geo import chord_to_km, haversine_km, km_to_chord, to_unit_xyz
from corridor.network.graph import GAUGE_CHANGE_KINDS, Graph
from corridor.network.places import PlaceIndex, PlaceQuery, check_coordinates, normalise_name, parse_coordinates
from corridor.network.towns import resolve_place_name
from corridor.results import BorderCrossing, Leg, Route, RoutePath
from corridor.routing.closures import RAIL_KINDS, closure_masks
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
from corridor.routing.timed import TimedEdges, timed_path
from corridor.status import Closure
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
    edges: np.ndarray | None = None  # a sea passage: the route must sail one of these edges (it is then passed)


@dataclass(frozen=True)
class Solution:
    """What a search found: the resolved stops and the edges (and nodes) of the best path through them."""

    stops: tuple[Endpoint, ...]
    objective: str
    edges: np.ndarray
    nodes: np.ndarray  # len(edges) + 1
    snap_km: tuple[float, float]
    breaks: tuple[int, ...] = ()  # indices into ``edges`` where the path leaves a via place: a leg ends there
    repair_closed: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # crossing edges its repair closed


_RAIL, _ROAD, _SEA, _FERRY, _SERVICE, _TRANSFER = (int(m) for m in Mode)
_NO_EDGES = np.zeros(0, np.int64)
_SYNTHETIC = int(EdgeFlag.HEALED | EdgeFlag.MISSING_LINE)
_MODE_LABEL = {int(m): m.label for m in Mode}  # plain lookups: enum calls are slow in the per-leg code
_SEA_LAYER = int(Layer.SEA)
_MASKS_KEPT = 32  # masks a router keeps (by closures, avoided countries or both; then it starts afresh)


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
        crossing_ids: tuple[str, ...] = (),
        hierarchy_closed: frozenset[tuple[str, str]] = frozenset(),
        town_cache_dir: Path | None = None,
        carriage_caps_km: Mapping[str, float] | None = None,
        own_terminal_places: frozenset[int] = frozenset(),
        gateway_places: frozenset[int] = frozenset(),
    ) -> None:
        self.graph = graph
        # border-crossing places with a rail terminal (Brest, Dostyk…): as a via, a train passes them, so no truck
        # carries from them (across the border by road, say) when rail is allowed
        self.gateway_places = gateway_places
        # per country code index: the most a truck may carry from a stop there, over any query's reach (inf: no cap)
        self.carriage_cap_km = np.full(len(graph.countries), np.inf)
        for code, km in (carriage_caps_km or {}).items():
            if code in graph.countries:
                self.carriage_cap_km[graph.countries.index(code)] = km
        # places (indices) an intermodal chain reaches and leaves by their own rail terminal when rail is allowed:
        # no truck carries to them from another terminal
        self.own_terminal_places = own_terminal_places
        self.town_cache_dir = town_cache_dir  # where the town index and the gazetteer are cached (None: the default)
        self.hierarchy_closed = hierarchy_closed  # rail-relevant elements the rail hierarchies were built without
        self.crossing_ids = crossing_ids  # crossings.csv ids, indexed like the border table's ``crossing``
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
        self.metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km]).astype(
            np.float64, copy=False
        )  # one float64[4, m] block (vstack's own copy; no second one)
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
        # the border edges from one country into another, every crossing (a repair closes a way back into a country)
        sides = np.column_stack([t.country_a[ref], t.country_b[ref]])
        self._border_edges: dict[tuple[int, int], np.ndarray] = {}
        for key in {(int(a), int(b)) for a, b in sides.tolist()}:
            self._border_edges[key] = on_border[(sides[:, 0] == key[0]) & (sides[:, 1] == key[1])]
        self._edge_service = np.full(graph.edge_count, -1, np.int64)
        on_service = self._service_edges = np.flatnonzero(np.isin(graph.edge_mode, [Mode.FERRY, Mode.SERVICE]))
        self._edge_service[on_service] = graph.services.service[graph.edge_ref[on_service]]
        # sea nodes of straits and canals carry every shore country (mid-Øresund is DK and SE); node_country
        # holds only one, so avoid also excludes these
        self._strait_nodes = {
            code: np.asarray(nodes, np.int64) for code, nodes in graph.meta.get("strait_nodes", {}).items()
        }
        self._trees: dict[tuple[int, ...], tuple[np.ndarray, cKDTree]] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._masks: dict[Any, tuple[np.ndarray, np.ndarray]] = {}  # see ``_kept``
        self._pass_nodes = self._place_pass_nodes()
        self._named_vias = self._via_names()
        self.timed = TimedEdges(np.zeros(graph.edge_count + 1, np.int64), np.zeros(0), np.zeros(graph.edge_count))
        self.edge_factor: np.ndarray | None = None  # weights scaled per edge (see ``penalised``); None: as they are
        self.closed_edges = _NO_EDGES  # edges a penalised view closes besides (see ``penalised``)

    def penalised(self, edge_factor: np.ndarray, closed_edges: np.ndarray = _NO_EDGES) -> Router:
        """A view of this router whose searches weigh each edge by ``edge_factor`` (float64, one per edge, each at
        least 1): the penalty method of alternative routes. It shares the graph, buffers and caches; it searches
        with the landmark A* only (the rail hierarchies hold the unscaled weights). Solutions it finds are
        assembled, with their true figures, by the router itself. A route it finds that enters a country twice is
        repaired with the first ban that gives one entering no country twice, not the cheapest of the bans: the
        penalised weights are a device to find a different route, not costs worth a further search.
        ``closed_edges`` are closed besides: the crossings earlier repairs of the same alternatives closed, so a
        search does not find, and repair, the same detour again."""
        factor = np.asarray(edge_factor, np.float64)
        if factor.shape != (self.graph.edge_count,) or not (factor >= 1.0).all():
            raise ValueError("edge_factor must hold one factor of at least 1 per edge")
        view = copy.copy(self)
        view.edge_factor = factor
        view.rail_hierarchies = None
        view.closed_edges = np.asarray(closed_edges, np.int64)
        return view

    def _via_names(self) -> dict[str, tuple[str, np.ndarray]]:
        """Name (case-folded) → (display name, nodes) of what a via may name besides a place: a scheduled service
        (its stops on the line: reached by riding it) or a sea passage of the sea layer (``suez``, ``babalmandab``:
        reached by sailing through it)."""
        g = self.graph
        out: dict[str, tuple[str, np.ndarray]] = {}
        rides = np.flatnonzero(self._edge_service >= 0)
        rides = rides[~self._is_terminal[self.tail[rides]] & ~self._is_terminal[g.head[rides]]]
        for k, name in enumerate(g.service_names):
            mine = rides[self._edge_service[rides] == k]
            if len(mine):
                out[name.casefold()] = (
                    name,
                    np.unique(np.concatenate([self.tail[mine], g.head[mine]])).astype(np.int64),
                )
        self._passage_edges: dict[str, np.ndarray] = {}
        on_sea = np.flatnonzero((g.edge_mode == Mode.SEA) & (g.edge_ref >= 0))
        for k, tag in enumerate(g.meta.get("passages", [])):
            mine = on_sea[g.edge_ref[on_sea] == k]
            if len(mine) and str(tag).casefold() not in out:
                name = SEA_PASSAGE_NAMES.get(str(tag), str(tag))
                out[str(tag).casefold()] = (name, np.unique(self.tail[mine]).astype(np.int64))
                out.setdefault(name.casefold(), out[str(tag).casefold()])
                self._passage_edges[str(tag).casefold()] = self._passage_edges[name.casefold()] = mine.astype(np.int64)
        # a border crossing of crossings.csv, by its name or id as place names are matched (case, diacritics and
        # punctuation aside): passed by crossing on one of its border edges; a pack place's name wins
        self._crossing_keys: dict[str, str] = {}
        on_border = np.flatnonzero(g.edge_flags & EdgeFlag.BORDER)
        crossing = g.borders.crossing[g.edge_ref[on_border]]
        for c, name in enumerate(g.crossing_names):
            mine = on_border[crossing == c].astype(np.int64)
            if not len(mine):
                continue
            key = f"crossing {name}".casefold()
            out[key] = (name, np.unique(self.tail[mine]).astype(np.int64))
            self._passage_edges[key] = mine
            for label in (name, self.crossing_ids[c] if c < len(self.crossing_ids) else ""):
                folded = normalise_name(label)
                if folded and folded not in self.place_index.keys:
                    self._crossing_keys.setdefault(folded, key)
        return out

    def _place_pass_nodes(self) -> list[np.ndarray]:
        """Per place, the nodes a route passes it through: its terminal, the layer nodes its transfers join and its
        stops on services. A via place is reached at any of them, so a train passing through it is not unloaded."""
        g = self.graph
        out = []
        for t in g.place_node.tolist():
            lo, hi = int(g.first_out[t]), int(g.first_out[t + 1])
            heads = g.head[lo:hi]
            out.append(np.unique(np.concatenate(([t], heads))).astype(np.int64))
        return out

    # --- masks kept per key (avoided countries, the day's closures, both) ----------
    def _kept(self, key: Any, build: Callable[[], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """``build()``'s pair of masks, kept under ``key`` (at most ``_MASKS_KEPT`` pairs; then the router starts
        afresh)."""
        cached = self._masks.get(key)
        if cached is None:
            cached = build()
            with self._lock:
                if len(self._masks) >= _MASKS_KEPT:
                    self._masks.clear()
                self._masks[key] = cached
        return cached

    # --- what is closed on the day asked ----------------------------------------------
    def closure_masks(self, closures: Mapping[tuple[str, str], Closure]) -> tuple[np.ndarray, np.ndarray]:
        """(node_closed, edge_closed) for the elements closed on a day: services (by name or segment id), crossings,
        links, sea passages and places (their terminal)."""
        key = frozenset(closures)
        return self._kept(("closed", key), lambda: closure_masks(self.graph, self.crossing_ids, key))

    def _open_on(
        self, closures: Mapping[tuple[str, str], Closure], avoid: frozenset[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(node_ok, edge_blocked) with the countries ``avoid`` names avoided and the day's closures, read-only."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            node_closed, edge_closed = self.closure_masks(closures)
            node_ok, _, blocked = self.masks(avoid, frozenset())
            out = (node_ok & ~node_closed, blocked | edge_closed)
            for mask in out:
                mask.flags.writeable = False
            return out

        return self._kept(("open", frozenset(closures), avoid), build)

    def _with_closed_edges(self, blocked: np.ndarray) -> np.ndarray:
        """``blocked`` with the edges a penalised view closes besides (see ``penalised``)."""
        if not len(self.closed_edges):
            return blocked
        out = blocked.copy()
        out[self.closed_edges] = True
        return out

    def road_reach(self, stops: tuple[Endpoint, ...], reach_km: float, *, rail: bool = True) -> np.ndarray:
        """Road nodes within ``reach_km`` (great circle) of a stop, or within the cap of the stop's country where
        that is less (``carriage_caps_km``: the EU's): where pre- and on-carriage by truck may go. With ``rail``
        allowed, none near a stop that is one of ``own_terminal_places``: its own rail terminal serves it."""
        g = self.graph
        idx, tree = self._tree((int(Layer.ROAD),))
        near = np.zeros(g.node_count, np.bool_)
        points = to_unit_xyz(np.array([s.lat for s in stops]), np.array([s.lon for s in stops]))
        for point, stop in zip(points, stops, strict=True):
            if rail and stop.place in self.own_terminal_places:
                continue
            code = int(g.node_country[stop.nodes[0]]) if len(stop.nodes) else -1
            km = min(reach_km, float(self.carriage_cap_km[code])) if code >= 0 else reach_km
            near[idx[np.asarray(tree.query_ball_point(point, km_to_chord(km)), np.int64)]] = True
        return near

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
        label = None  # a town's name ("Poznań (PL)"), shown instead of its coordinates
        if coords is None:
            # only text can be a name (a pair is always coordinates): a pack place, else a town (loaded lazily)
            i = resolve_place_name(self.place_index, str(text), towns_dir=self.town_cache_dir)
            if isinstance(i, int):  # a pack place: its terminal
                node = int(g.place_node[i])
                lat, lon = float(g.node_lat[node]), float(g.node_lon[node])
                return Endpoint(self.place_names[i], np.array([node]), np.zeros(1), i, lat, lon)
            coords, label = (i.lat, i.lon), i.label  # a town is a point, snapped like 'lat,lon'
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
                f"{f'{label} at ' if label else ''}{lat:g},{lon:g} is more than {max_snap_km:g} km from any usable "
                f"{' or '.join(allowed)} network node",
                lat=lat,
                lon=lon,
                snap_distance_km=max_snap_km,
            )
        return Endpoint(label or f"{lat:g},{lon:g}", np.array(nodes), np.array(snaps), None, lat, lon)

    # --- searching -------------------------------------------------------------------
    def _buffers(self) -> SearchBuffers:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            buffers = self._local.buffers = SearchBuffers(self.graph.node_count)
        return buffers

    def masks(self, avoid: frozenset[str], modes: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(node_ok, mode_ok, edge_blocked) for avoided countries (their nodes, and the straits and canals
        they share) and allowed modes; the two masks of a set of avoided countries are kept, read-only."""
        mode_ok = np.zeros(len(Mode), np.bool_)
        for name in modes:
            mode_ok[Mode.parse(name)] = True
        mode_ok[Mode.TRANSFER] = True
        if not avoid:
            return self.all_nodes, mode_ok, self.no_block
        avoid = frozenset(avoid)
        node_ok, blocked = self._kept(("avoid", avoid), lambda: self._avoid_masks_of(avoid))
        return node_ok, mode_ok, blocked

    def _avoid_masks_of(self, avoid: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """(node_ok, edge_blocked) of ``masks`` for a non-empty set of avoided countries, read-only (they are kept)."""
        g = self.graph
        avoided = np.zeros(len(g.countries) + 1, np.bool_)  # by country index; the last: nodes of no country (-1)
        avoided[[c for c in (g.country_index(code) for code in avoid) if c >= 0]] = True
        node_ok = ~avoided[g.node_country]
        for code in avoid & self._strait_nodes.keys():
            node_ok[self._strait_nodes[code]] = False
        blocked = self.no_block
        rows = [i for i, via in enumerate(g.service_via) if via and set(via.split(";")) & avoid]
        if rows:
            blocked = self.no_block.copy()
            service_edges = self._service_edges
            blocked[service_edges[np.isin(g.edge_ref[service_edges], rows)]] = True
        node_ok.flags.writeable = False
        if blocked is not self.no_block:  # the shared no-block array is left as it is
            blocked.flags.writeable = False
        return node_ok, blocked

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
        closures: Mapping[tuple[str, str], Closure] | None = None,
        road_reach_km: float | None = None,
        depart_hours: float | None = None,
        carriage_at_vias: bool = True,
    ) -> Solution:
        """Best edge sequence origin → via… → destination; raises NoRouteError when none exists.

        ``closures`` (from the status table, for the day asked) block their services, crossings, links, passages and
        places; ``road_reach_km`` keeps trucks within that distance of a stop (pre- and on-carriage), None lets
        road be a trunk mode (``carriage_at_vias`` False: near the two ends only, not near via places — for a via
        that is a gateway a train passes, such as a border crossing). ``depart_hours`` (hours after 00:00 UTC of
        a Monday) searches on time-dependent edges: a timetabled service is boarded at its next departure (see
        ``routing.timed``). A route that enters a country twice (where neither a stop nor ``via`` asks for it)
        is searched again with the crossings it came back by, or those it first entered by, closed; where neither
        gives a route that enters no country twice, also with the countries it detoured through closed; a route
        that enters no country twice is kept before a cheaper one that does; up to four times.
        """
        ends = [(origin, "origin"), *((v, "via") for v in via), (destination, "destination")]
        stops = [
            self._named_via(str(t)) if o == "via" and self._is_named_via(t)
            else self._resolve_stop(t, modes=modes, max_snap_km=max_snap_km, option=o)
            for t, o in ends
        ]  # fmt: skip
        stops = [self._passing(s) if k not in (0, len(stops) - 1) else s for k, s in enumerate(stops)]
        avoid = frozenset(avoid)
        node_ok, mode_ok, blocked = self.masks(avoid, modes)
        blocked = self._with_closed_edges(blocked)
        for stop in stops:
            if not node_ok[stop.nodes].any():
                country = self.graph.countries[self.graph.node_country[stop.nodes[0]]]
                raise OptionsError(
                    f"{stop.label} lies in {country}, which avoid={','.join(sorted(avoid))} excludes",
                    option="avoid",
                )
        open_node_ok, open_blocked = node_ok, blocked
        # the rail hierarchy answers unmasked rail-only fixed-objective queries (built without the pack date's closed
        # crossings and lines); a network without one (None: built in memory by Engine.from_pack) answers every
        # query with the landmark search
        rail_closed = frozenset(k for k in (closures or {}) if k[0] in RAIL_KINDS)
        places_closed = any(k[0] == "place" for k in (closures or {}))
        fixed_rail = modes == {"rail"} and not avoid and objective in FIXED_OBJECTIVES
        fixed_rail = fixed_rail and rail_closed == self.hierarchy_closed and not places_closed
        hierarchies = self.rail_hierarchies if fixed_rail and depart_hours is None else None
        clock = depart_hours

        def constrained() -> tuple[np.ndarray, np.ndarray]:
            """The masks with the day's closures and the truck radius (not needed by the rail hierarchy)."""
            ok, shut = open_node_ok, open_blocked
            if closures:
                ok, shut = self._open_on(closures, avoid)
                shut = self._with_closed_edges(shut)
            if road_reach_km is not None and "road" in modes:
                g = self.graph
                # a via passed through (a sea passage, a crossing) grants no truck; nor, when rail is allowed, does a
                # border-crossing place on the way: a train passes it, no truck carries on from it
                vias = tuple(s for s in stops[1:-1] if s.edges is None) if carriage_at_vias else ()
                if "rail" in modes:
                    vias = tuple(s for s in vias if s.place not in self.gateway_places)
                near = (stops[0], *vias, stops[-1])
                ok = ok & ((g.node_layer != Layer.ROAD) | self.road_reach(near, road_reach_km, rail="rail" in modes))
            return ok, shut

        if hierarchies is None:
            node_ok, blocked = constrained()
        protected = {int(c) for s in stops for c in self.graph.node_country[s.nodes] if c >= 0}
        try:
            sol = self._search_stops(
                stops, objective, coef, node_ok, mode_ok, blocked, hierarchies, avoid, modes, clock
            )
        except NoRouteError as exc:
            if closures:
                self._explain(exc, stops, objective, coef, open_node_ok, mode_ok, open_blocked, closures)
            raise
        repair_closed = _NO_EDGES
        for _ in range(4):
            options = self._detour_bans(sol.nodes, sol.edges, protected)
            if not options:
                break
            if hierarchies is not None:  # the repair searches with the landmark search: it needs the masks
                node_ok, blocked = constrained()
                hierarchies = None
            tried: list[tuple[bool, float, int, Solution, np.ndarray, np.ndarray]] = []
            closing: list[np.ndarray] = []  # per try, the crossing edges it closed
            for countries, crossing_edges in options:  # the crossings first: the least change to the route
                if countries and any(not detours for detours, *_ in tried):
                    break  # closing a crossing gave a route that enters no country twice: no country is closed
                closed = node_ok & ~np.isin(self.graph.node_country, list(countries)) if countries else node_ok
                shut = blocked
                if len(crossing_edges):
                    shut = blocked.copy()
                    shut[crossing_edges] = True
                try:
                    found = self._search_stops(stops, objective, coef, closed, mode_ok, shut, None, avoid, modes, clock)
                except NoRouteError:
                    continue
                cost = float(coef @ self.metrics.take(found.edges, axis=1).sum(axis=1))
                detours = bool(self._detour_bans(found.nodes, found.edges, protected))
                tried.append((detours, cost, len(tried), found, closed, shut))
                closing.append(crossing_edges)
                if not detours and self.edge_factor is not None:
                    break  # a penalised view takes the first ban that gives a route entering no country twice
            if not tried:
                break
            _, _, k, sol, node_ok, blocked = min(tried)  # a route that enters no country twice first, then the cheapest
            repair_closed = np.concatenate([repair_closed, closing[k]])
        return replace(sol, repair_closed=repair_closed) if len(repair_closed) else sol

    def _resolve_stop(self, text: PlaceQuery, *, modes: frozenset[str], max_snap_km: float, option: str) -> Endpoint:
        """``resolve``; an unknown via also gets suggestions among the services, sea passages and crossings it could
        name."""
        try:
            return self.resolve(text, modes=modes, max_snap_km=max_snap_km, option=option)
        except UnknownPlaceError as exc:
            if option != "via" or not isinstance(text, str):
                raise
            names = sorted({name for name, _ in self._named_vias.values()})
            close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
            if not close:
                raise
            error = UnknownPlaceError(text, [*exc.suggestions, *close][:5], hint=exc.hint)
            error.option = "via"
            raise error from None

    def _via_key(self, text: object) -> str | None:
        """The key in ``_named_vias`` of a via text that names a service, a sea passage or a crossing, else None."""
        if not isinstance(text, str):
            return None
        if text.casefold() in self._named_vias:
            return text.casefold()
        return self._crossing_keys.get(normalise_name(text))

    def _is_named_via(self, text: object) -> bool:
        return self._via_key(text) is not None

    def _named_via(self, text: str) -> Endpoint:
        """A scheduled service, a sea passage or a border crossing as a via: reached at any of its nodes, i.e. by
        riding it, by sailing through it or by crossing the border there."""
        key = self._via_key(text)
        assert key is not None
        name, nodes = self._named_vias[key]
        lat, lon = float(self.graph.node_lat[nodes[0]]), float(self.graph.node_lon[nodes[0]])
        return Endpoint(name, nodes, np.zeros(len(nodes)), None, lat, lon, self._passage_edges.get(key))

    def pass_nodes(self, stop: Endpoint) -> np.ndarray:
        """The nodes at which a route passes a stop: a place's terminal, layer nodes and service stops."""
        return self._pass_nodes[stop.place] if stop.place is not None else stop.nodes

    def assemble(self, sol: Solution) -> Route:
        """The Route (legs, borders, countries) of a solution."""
        return self._assemble(sol)

    def _passing(self, stop: Endpoint) -> Endpoint:
        """A via place reached at any node it is passed through (terminal, layer node, service stop)."""
        if stop.place is None:
            return stop
        nodes = self._pass_nodes[stop.place]
        return Endpoint(stop.label, nodes, np.zeros(len(nodes)), stop.place, stop.lat, stop.lon)

    def _search_stops(
        self, stops, objective, coef, node_ok, mode_ok, blocked, hierarchies, avoid, modes, clock=None
    ) -> Solution:
        """The best path through the stops in order, each leg searched from where the last one ended (and, with a
        ``clock``, when it ended)."""
        edges: list[np.ndarray] = []
        first_node = last_node = -1
        no_u_turn = blocked
        for a, b in itertools.pairwise(stops):
            sources = a.nodes if last_node < 0 else np.array([last_node])
            targets, passage = b.nodes, None
            if b.edges is not None:  # a sea passage: reach the start of one of its open edges, then sail it
                passage = b.edges[~no_u_turn[b.edges] & mode_ok[self.graph.edge_mode[b.edges]]]
                passage = passage[node_ok[self.graph.head[passage]]]
                targets = np.unique(self.tail[passage])
            if hierarchies is not None:
                result = self._hierarchy_segment(hierarchies, objective, sources, targets)
            elif len(targets) and clock is not None:
                result, clock = self._timed_segment(coef, sources, targets, node_ok, mode_ok, no_u_turn, clock)
            elif len(targets):
                result = self._search_segment(coef, sources, targets, node_ok, mode_ok, no_u_turn)
            else:
                result = SearchResult(np.inf, np.zeros(0, np.int64), -1, -1, 0)
            if not np.isfinite(result.cost):
                raise self._no_route(a.label, b.label, avoid, modes, tuple(s.label for s in stops[1:-1]))
            first_node = result.source if first_node < 0 else first_node
            last_node = result.target
            if passage is not None:
                sail = int(passage[self.tail[passage] == last_node][0])
                clock = None if clock is None else clock + float(self.metrics[0, sail])
                result = SearchResult(
                    result.cost, np.append(result.edges, sail), result.source, int(self.graph.head[sail]), 0
                )
                last_node = result.target
            edges.append(result.edges)
            no_u_turn = self._no_u_turn(blocked, result.edges)
        path = np.concatenate(edges) if len(edges) > 1 else edges[0]
        snap = (
            float(stops[0].snap_km[np.flatnonzero(stops[0].nodes == first_node)[0]]),
            float(stops[-1].snap_km[np.flatnonzero(stops[-1].nodes == last_node)[0]]),
        )
        nodes = np.concatenate(([first_node], self.graph.head[path])).astype(np.int64)
        breaks = tuple(int(x) for x in np.cumsum([len(e) for e in edges[:-1]]))
        return Solution(tuple(stops), objective, path, nodes, snap, breaks)

    def _no_u_turn(self, blocked: np.ndarray, arrived: np.ndarray) -> np.ndarray:
        """``blocked`` plus the reverse of the ride a segment arrived by on a service: a scheduled train or ship that
        passes a via place goes on from there, it does not turn back (to go back, a container alights with its
        moves). On the layers a vehicle may turn (a ship calling at a port leaves the way it came)."""
        g = self.graph
        if not len(arrived) or g.edge_mode[int(arrived[-1])] not in (_FERRY, _SERVICE):
            return blocked
        last = int(arrived[-1])
        tail, head = int(self.tail[last]), int(g.head[last])
        lo, hi = int(g.first_out[head]), int(g.first_out[head + 1])
        back = lo + np.flatnonzero((g.head[lo:hi] == tail) & (g.edge_mode[lo:hi] == g.edge_mode[last]))
        if not len(back):
            return blocked
        out = blocked.copy()
        out[back] = True
        return out

    def _detour_bans(
        self, nodes: np.ndarray, edges: np.ndarray, protected: set[int]
    ) -> list[tuple[set[int], np.ndarray]]:
        """Ways to close a path's first re-entry into a country (X–Y–X), as (countries, edges) to close: first the
        crossings from Y back into X, and those from the country before X's first visit into X (see
        :meth:`_crossing_edges`), so a way through X's exclave (Kaliningrad) or a loop out and in (Kartaly–Orsk)
        closes without closing a country; then the countries it detoured through (Y), and X itself. A country a
        stop lies in is never closed. Empty when no country is entered twice."""
        g = self.graph
        codes = g.node_country[nodes]
        known = np.flatnonzero(codes >= 0)
        if not len(known):
            return []
        starts = known[np.concatenate(([True], codes[known][1:] != codes[known][:-1]))]  # node index of each run
        runs = codes[starts].tolist()
        seen: dict[int, int] = {}
        for k, c in enumerate(runs):
            if c in seen:
                back = edges[int(starts[k - 1]) : int(starts[k])]  # from the detour's first node into X again
                bans = [(set(runs[seen[c] + 1 : k]) - protected - {c}, _NO_EDGES), ({c} - protected, _NO_EDGES)]
                options = [(b, e) for b, e in bans if b]
                crossings: list[tuple[set[int], np.ndarray]] = [(set(), self._crossing_edges(back))]  # back into X
                if seen[c] > 0:  # and the way into X's first visit (into an exclave the route only passes through)
                    crossings.append(
                        (set(), self._crossing_edges(edges[int(starts[seen[c] - 1]) : int(starts[seen[c]])]))
                    )
                return [*crossings, *options]
            seen[c] = k
        return []

    def _crossing_edges(self, edges: np.ndarray) -> np.ndarray:
        """Every border edge from the country to the country of the last border edge among ``edges`` (all crossings
        between the two, that way); the last of ``edges`` when none of them is a border edge."""
        g = self.graph
        border = edges[(g.edge_flags[edges] & EdgeFlag.BORDER) != 0]
        if not len(border):
            return edges[-1:]
        ref = int(g.edge_ref[border[-1]])
        return self._border_edges[int(g.borders.country_a[ref]), int(g.borders.country_b[ref])]

    def _explain(self, exc, stops, objective, coef, node_ok, mode_ok, blocked, closures) -> None:
        """Add to a NoRouteError the closed elements the best route would need were they open."""
        try:
            sol = self._search_stops(stops, objective, coef, node_ok, mode_ok, blocked, None, frozenset(), frozenset())
        except NoRouteError:
            return
        needed = self.closed_on_path(sol.edges, sol.nodes, closures)
        if needed:
            exc.constraints["closed"] = [c.to_dict() for c in needed]
            exc.args = (f"{exc.args[0]}: the best route would need {'; '.join(c.text() for c in needed)}",)

    def closed_on_path(
        self, edges: np.ndarray, nodes: np.ndarray, closures: Mapping[tuple[str, str], Closure]
    ) -> list[Closure]:
        """The closures (of ``closures``) whose elements a path uses, in the order met."""
        node_closed, edge_closed = self.closure_masks(closures)
        hit_edges = edges[edge_closed[edges]]
        found: list[Closure] = []
        g = self.graph
        for e in hit_edges.tolist():
            for key in self._edge_elements(e):
                if key in closures and closures[key] not in found:
                    found.append(closures[key])
        for n in nodes[node_closed[nodes]].tolist():
            key = ("place", g.place_ids[int(np.flatnonzero(g.place_node == n)[0])])
            if key in closures and closures[key] not in found:
                found.append(closures[key])
        return found

    def _edge_elements(self, e: int) -> list[tuple[str, str]]:
        """The (kind, id) elements an edge belongs to."""
        g = self.graph
        out = []
        if self._edge_service[e] >= 0:
            row = int(g.edge_ref[e])
            out += [("service", g.service_names[int(self._edge_service[e])]), ("service", g.service_ids[row])]
        if g.edge_flags[e] & EdgeFlag.BORDER:
            c = int(g.borders.crossing[g.edge_ref[e]])
            if c >= 0 and c < len(self.crossing_ids):
                out.append(("crossing", self.crossing_ids[c]))
        if g.edge_mode[e] == Mode.SEA and g.edge_ref[e] >= 0:
            out.append(("passage", str(g.meta.get("passages", [])[int(g.edge_ref[e])])))
        for link, link_edges in g.meta.get("link_edges", {}).items():
            if e in link_edges:
                out.append(("link", link))
        return out

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

    def _timed_segment(self, coef, sources, targets, node_ok, mode_ok, blocked, clock) -> tuple[SearchResult, float]:
        g = self.graph
        return timed_path(
            g.first_out, g.head, self.tail, self.metrics, g.edge_mode, coef, self.timed,
            sources=sources, targets=targets, start_hours=clock, mode_ok=mode_ok, node_ok=node_ok,
            edge_blocked=blocked, buffers=self._buffers(),
        )  # fmt: skip

    def set_timetables(self, departures: Mapping[tuple[str, str], np.ndarray]) -> None:
        """Give the boarding edges of timetabled services their weekly departures, by (service name, place id):
        what a search with a departure time waits on."""
        g = self.graph
        board = np.flatnonzero((self._edge_service >= 0) & self._is_terminal[self.tail])
        counts = np.zeros(g.edge_count, np.int64)
        found: dict[int, np.ndarray] = {}
        for e in board.tolist():
            place = self._terminal_place[int(self.tail[e])]
            key = (g.service_names[int(self._edge_service[e])], g.place_ids[place])
            if key in departures and len(departures[key]):
                found[e] = np.sort(np.asarray(departures[key], float))
                counts[e] = len(found[e])
        ptr = np.zeros(g.edge_count + 1, np.int64)
        np.cumsum(counts, out=ptr[1:])
        times = np.zeros(int(ptr[-1]))
        for e, deps in found.items():
            times[ptr[e] : ptr[e + 1]] = deps
        expected = np.zeros(g.edge_count)
        on = np.array(sorted(found), np.int64)
        if len(on):
            expected[on] = g.services.wait_hours[g.edge_ref[on]]
        self.timed = TimedEdges(ptr, times, expected)

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
            edge_factor=self.edge_factor,
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
        """A place name for terminals and nodes within ``label_radius_km`` of a place, else the nearest town of the
        offline gazetteer ("12 km NE of Kostanay")."""
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
            code = int(g.node_country[node])
            country = g.countries[code] if code >= 0 else None
            near = self.place_names[i] if d[i] <= self.label_radius_km else None
            text = near or load_gazetteer(self.town_cache_dir).label(lat, lon, country=country)
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
        hours, usd, co2, km = self.metrics.take(sol.edges, axis=1).sum(axis=1).tolist()
        return {
            "origin": sol.stops[0].label,
            "destination": sol.stops[-1].label,
            "objective": sol.objective,
            "km": km,
            "hours": hours,
            "usd_per_teu": usd,
            "kg_co2e_per_teu": co2,
        }

    def _runs(self, path: np.ndarray, breaks: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
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
            # a land leg ends where it passes a via place (a ride on a service goes on: the via is one of its stops)
            at_via = np.array([b for b in breaks if 0 < b < len(path)], np.int64)
            cont[at_via] &= ~((mode[at_via] == _RAIL) | (mode[at_via] == _ROAD) | (mode[at_via] == _SEA))
        starts = np.flatnonzero(~cont)
        return starts, np.append(starts[1:], len(path))

    def _assemble(self, sol: Solution) -> Route:
        g = self.graph
        path, nodes = sol.edges, sol.nodes
        legs: list[Leg] = []
        starts, ends = self._runs(path, sol.breaks)
        via_at = {b: stop.label for b, stop in zip(sol.breaks, sol.stops[1:-1], strict=True)}  # where a via is passed
        if len(path):  # per-run (hours, usd, co2, km) and synthetic km, in one pass each
            sums = np.add.reduceat(self.metrics.take(path, axis=1), starts, axis=1).T.tolist()
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
                "from_name": (at_place[k - 1] if k > 0 else None) or via_at.get(i),
                "to_name": (at_place[k + 1] if k + 1 < len(at_place) else None) or via_at.get(j),
            }
            if mode in (_FERRY, _SERVICE):
                name = g.service_names[int(self._edge_service[e])]
                legs.append(self._service_leg(path[i:j], nodes[i : j + 1], mode, name, run))
            elif mode == _TRANSFER:
                name = at_place[k] or ""  # a transfer run always starts at a place
                moves = j - i
                note = f"{moves} container move{'s' if moves > 1 else ''} (handling) at {name}"
                if self.sea_wait_hours and g.node_layer[g.head[path[j - 1]]] == _SEA_LAYER:
                    note += f", expected wait {self.sea_wait_hours:.0f} h for the next liner sailing"
                legs.append(self._leg(nodes[i : j + 1], mode, run, note=note, from_name=name, to_name=name))
            else:
                legs.extend(self._land_legs(path[i:j], nodes[i : j + 1], mode, run, **ends_at))
        origin_wait, terminal_hours = 0.0, (0.0, 0.0)
        if len(path):
            if run_modes[0] in (_FERRY, _SERVICE):  # boards at the origin: the first departure's expected wait
                origin_wait = float(g.services.wait_hours[g.edge_ref[path[0]]])
            elif run_modes[0] == _TRANSFER and g.node_layer[g.head[path[ends[0] - 1]]] == _SEA_LAYER:
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
        line=None,
        **extra,
    ) -> Leg:
        """A leg over ``nodes`` from its run's sums ((hours, usd, co2, km), synthetic km); its line follows
        ``line`` (node ids) when given, else ``nodes``."""
        (hours, usd, co2, km), synthetic_km = run
        g = self.graph
        along = nodes if line is None else line
        return Leg(
            mode=_MODE_LABEL[int(mode)],
            from_=from_name or self.label(int(nodes[0])),
            to=to_name or self.label(int(nodes[-1])),
            km=km,
            hours=hours - hours_less,
            usd_per_teu=usd - usd_less,
            kg_co2e_per_teu=co2,
            countries=countries if countries is not None else self._countries(nodes),
            synthetic_km=synthetic_km,
            note=note,
            coordinates=tuple(zip(g.node_lat[along].tolist(), g.node_lon[along].tolist(), strict=True)),
            **extra,
        )

    def _service_leg(self, edges, nodes, mode, name, run) -> Leg:
        g = self.graph
        refs = g.edge_ref[edges]
        wait = float(g.services.wait_hours[refs].sum())
        deps = g.services.departures_per_week[refs].max()
        headway = 168.0 / deps if deps > 0 else 0.0
        timed = bool(len(edges)) and self.timed.ptr[int(edges[0]) + 1] > self.timed.ptr[int(edges[0])]
        if timed:
            why = "the mean over the week of the wait for the next departure of its timetable"
        elif headway:  # the build's H/2·(1 + CV²): the headway CV it rests on, read back
            cv = float(np.sqrt(max(2.0 * wait / headway - 1.0, 0.0)))
            why = f"H/2·(1 + CV²) for mean headway {headway:.0f} h and headway CV {cv:.2g}" + (
                ", departures at irregular intervals" if cv > 0.05 else ", evenly spaced departures"
            )
        else:
            why = "no departures given"
        note = f"expected wait {wait:.1f} h ({why}) and one container move at each end included"
        ends = nodes[[0, -1]]
        leg = self._leg(
            ends, mode, run, note=note, countries=self._countries(nodes), service=name, wait_hours=wait, line=nodes
        )
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
        here = int(g.head[last])
        if t.crossing[b] >= 0:
            name = g.crossing_names[t.crossing[b]]
        else:  # a border crossed anywhere (no border checks): named after the nearest town
            town = load_gazetteer(self.town_cache_dir).label(float(g.node_lat[here]), float(g.node_lon[here]))
            name = f"{a_code}–{b_code} border ({town})"
        crossing = BorderCrossing(
            name=name,
            from_country=a_code,
            to_country=b_code,
            mode=_MODE_LABEL[int(mode)],
            dwell_hours=dwell,
            fee_usd_per_teu=fee,
            gauge_change=GAUGE_CHANGE_KINDS[gauge] if gauge else None,
            gauge_change_hours=g_hours,
            gauge_change_usd_per_teu=g_usd,
        )
        note = f"{_MODE_LABEL[int(mode)]} crossing" + (
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
            coordinates=((float(g.node_lat[here]), float(g.node_lon[here])),),
        )
        return [moving, border]
