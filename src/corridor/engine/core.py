"""The engine under every verb: the graph, the data pack, the router and the place index, loaded once.

A verb (route, compare, reach, assign, validate, a scenario run) is a function of an engine and
its options. The engine offers what they need — places resolved, options turned into weights,
routes and paths, the layers a map draws — and holds no state that a query changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from corridor.datapack import DataPack, load_pack, pack_hash
from corridor.emissions.report import route_emissions
from corridor.engine.arrays import build_arrays, edge_metrics, hierarchy_closed, valid_arrays
from corridor.errors import DataError, OptionsError
from corridor.network.base import BaseNetwork
from corridor.network.base_cache import load_base
from corridor.network.build import build_graph
from corridor.network.cache import cache_key, load_or_build
from corridor.network.graph import Graph
from corridor.network.places import PlaceIndex, PlaceQuery
from corridor.options import QueryOptions
from corridor.reliability.simulate import PlaceFacts, ReliabilityModel, ServiceFacts, simulate
from corridor.reliability.waits import Waits, pack_waits
from corridor.results import CrossingInfo, PlaceInfo, Route, RoutePath
from corridor.routing.fixed import RailHierarchies
from corridor.routing.landmarks import both_ways_layout, compute_landmarks, update_landmarks
from corridor.routing.options import country_codes
from corridor.routing.route import Router, Solution
from corridor.settings import Settings
from corridor.status import Closure, closures_on, parse_as_of
from corridor.timetables import hours_since_monday
from corridor.units import EdgeFlag, Layer

__all__ = ["Engine", "pack_crossings", "pack_places"]

Progress = Callable[[str, float], None]


def _quiet(_step: str, _fraction: float) -> None:
    """The default progress callback of the library: silence (the command line draws bars)."""


class Engine:
    """A loaded network: build it with :meth:`load` (the cache) or :meth:`from_pack` (in memory, on the cached base)."""

    def __init__(
        self,
        graph: Graph,
        pack: DataPack,
        landmark_dist: np.ndarray | None,
        rail_hierarchies: RailHierarchies | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        self.graph = graph
        self.pack = pack
        self.settings = settings  # where it was loaded from (its cache folder holds the base network), if known
        self.place_index = PlaceIndex.from_places(pack.places)
        self._closures: dict[date, dict[tuple[str, str], Closure]] = {}
        self._element_names = (
            {("crossing", c.id): c.name for c in pack.crossings}
            | {("place", p.id): p.name for p in pack.places}
            | {("link", x.id): x.name for x in pack.links}
        )
        self.reliability_model = reliability_model(pack, pack_waits(settings.data_pack if settings else None))
        self.router = Router(
            graph,
            self.place_index,
            tuple(p.name for p in pack.places),
            landmark_dist,
            rail_hierarchies,
            place_handling_hours=np.array([p.handling_hours for p in pack.places]),
            sea_wait_hours=pack.sea_wait_hours,
            label_radius_km=pack.param("leg_label_radius_km"),
            crossing_ids=tuple(c.id for c in pack.crossings),
            hierarchy_closed=hierarchy_closed(pack),
            town_cache_dir=settings.cache_dir if settings else None,
            carriage_caps_km=pack.road_carriage_caps_km(),
            own_terminal_places=frozenset(pack.own_terminal_places()),
            gateway_places=frozenset(
                i for i, p in enumerate(pack.places) if "border_crossing" in p.kinds and "rail" in p.layers
            ),
        )
        timetables = self.reliability_model.timetables
        if timetables is not None:
            self.router.set_timetables(
                {(t.service, t.from_place): t.departures_hours for t in timetables.services if t.headway_hours is None}
            )

    # --- building -----------------------------------------------------------------
    @classmethod
    def load(
        cls, settings: Settings | None = None, *, progress: Progress | None = None, rebuild: bool = False
    ) -> Engine:
        """The network of ``settings`` (its data pack, its cache folder) from the cache, building the cache
        first if it is missing or stale: from the cached base network (built first if need be), so a new
        data pack costs the pack's part of the build, the landmarks and the rail hierarchies.
        ``rebuild`` builds both the base and the network again."""
        settings = settings or Settings()
        pack = load_pack(settings.data_pack)
        say = progress or _quiet

        def build() -> dict[str, np.ndarray]:
            base = load_base(settings.cache_folder, progress=say, rebuild=rebuild)
            return build_arrays(pack, say, base=base, waits=pack_waits(settings.data_pack))

        arrays, _ = load_or_build(
            "network",
            cache_key(pack_hash(settings.data_pack)),
            build,
            cache_dir=settings.cache_folder,
            validate=valid_arrays,
            rebuild=rebuild,
        )
        landmark_dist = arrays.pop("landmark_dist")
        arrays.pop("landmarks")
        hierarchies = RailHierarchies({k: arrays.pop(k) for k in list(arrays) if k.startswith("rail_ch.")})
        try:
            graph = Graph.from_arrays(arrays)
        except (KeyError, ValueError) as exc:  # pragma: no cover - guarded by valid_arrays
            raise DataError(f"network cache is inconsistent ({exc}); run with rebuild=True") from exc
        return cls(graph, pack, landmark_dist, hierarchies, settings=settings)

    @classmethod
    def from_pack(
        cls,
        pack: DataPack,
        *,
        closed_crossings: Iterable[str] = (),
        progress: Progress | None = None,
        settings: Settings | None = None,
        base: BaseNetwork | None = None,
        reference: Engine | None = None,
    ) -> Engine:
        """A network joined in memory from a data pack (a scenario's) and the cached base network.

        The base (layers, countries, healing, straits: no figure of the pack) comes from the cache
        folder of ``settings`` (built and saved there first if missing); the network itself is never
        cached. ``closed_crossings`` (crossing ids) lose their border edges. No rail contraction
        hierarchy is built: every query uses the landmark search, which is exact.

        ``reference``: a network on the same base (the data pack's, which a sweep's worker holds) whose
        landmark bounds are brought up to date for the new figures instead of searched afresh when the joined
        graph has its layout (a scenario that changes figures, not the network's shape); same answers, a
        fraction of the cost.
        """
        say = progress or _quiet
        settings = settings or Settings()
        if base is None:  # a caller that runs many packs (a sweep) passes the base it holds
            base = load_base(settings.cache_folder, progress=say)
        graph = build_graph(pack, base=base, progress=say, waits=pack_waits(settings.data_pack))
        closed = [i for i, c in enumerate(pack.crossings) if c.id in set(closed_crossings)]
        if closed:
            border = np.flatnonzero(graph.edge_flags & EdgeFlag.BORDER)
            shut = border[np.isin(graph.borders.crossing[graph.edge_ref[border]], closed)]
            for values in (graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km):
                values[shut] = np.inf
        metrics = edge_metrics(graph)
        if reference is not None and reference.router.landmark_dist is not None and reference.same_layout(graph):
            say("updating landmark bounds", 0.80)
            table = update_landmarks(
                reference.landmark_layout, edge_metrics(reference.graph), metrics, reference.router.landmark_dist
            )
        else:
            _, table = compute_landmarks(
                graph.first_out, graph.head, graph.edge_tail(), metrics, graph.node_usable,
                candidates=graph.place_node, progress=lambda f: say("computing landmark bounds", 0.80 + 0.2 * f),
            )  # fmt: skip
        return cls(graph, pack, table, None, settings=settings)

    def same_layout(self, graph: Graph) -> bool:
        """Whether ``graph`` has this network's nodes and edges in the same slots (its figures may differ)."""
        mine = self.graph
        return (
            len(mine.head) == len(graph.head)
            and np.array_equal(mine.first_out, graph.first_out)
            and np.array_equal(mine.head, graph.head)
        )

    @functools.cached_property
    def landmark_layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The both-ways layout of this graph that its landmark bounds were searched on (kept: sweeps reuse it)."""
        return both_ways_layout(self.graph.first_out, self.graph.head, self.graph.edge_tail())

    # --- what the verbs need ----------------------------------------------------------
    def coefficients(self, options: QueryOptions) -> np.ndarray:
        """Weights on (hours, USD, kg CO2e, km) for the options' objective, the pack's defaults filling gaps."""
        return options.coefficients(
            self.pack.param("value_of_time_usd_per_teu_hour"), self.pack.param("carbon_price_usd_per_t_co2e")
        )

    def route(
        self, origin: PlaceQuery, destination: PlaceQuery, options: QueryOptions, *, reopen: Iterable[str] = ()
    ) -> Route:
        """The best route with its legs under checked options. ``reopen`` names elements (service names, sea
        passage tags, crossing, link or place ids) to use even where the day asked closes them: validation asks a
        published Suez route about the Suez route."""
        search = self._search(options)
        names = set(reopen)
        search["closures"] = {key: c for key, c in search["closures"].items() if key[1] not in names}
        return self.finish(self.router.solve(origin, destination, **search), options)

    def solve(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        options: QueryOptions,
        *,
        router: Router | None = None,
    ) -> Solution:
        """The best edge sequence under checked options, by ``router`` (default: the engine's own; a penalised
        view of it for alternatives); :meth:`finish` turns it into a Route."""
        return (router or self.router).solve(origin, destination, **self._search(options))

    def finish(self, sol: Solution, options: QueryOptions) -> Route:
        """The Route of a solution, with its true figures, legs, day, reliability and ISO 14083 emissions (for a TEU
        of ``options.cargo_tonnes_per_teu`` tonnes, by default the pack's ``teu_net_tonnes``)."""
        route = self.with_reliability(self._stamp(self.router.assemble(sol), options), options)
        found = route_emissions(
            route, self.graph, self.pack, sol.nodes, sol.edges, cargo_tonnes_per_teu=options.cargo_tonnes_per_teu
        )
        return replace(route, emissions=found)

    def with_reliability(self, route: Route, options: QueryOptions) -> Route:
        """The route with its transit-time distribution (``options.draws`` seeded draws; none when 0), timed from
        ``options.depart`` on the timetables when given."""
        if options.depart is not None and self.reliability_model.timetables is not None:
            self.reliability_model.timetables.check_day(options.depart.date())
        if options.draws <= 0:
            return route
        found = simulate(route, self.reliability_model, draws=options.draws, seed=options.seed, depart=options.depart)
        return replace(route, reliability=found)

    def path(self, origin: PlaceQuery, destination: PlaceQuery, options: QueryOptions) -> RoutePath:
        """The same search as :meth:`route`, answered with the line and totals only."""
        return self._stamp(self.router.path(origin, destination, **self._search(options)), options)

    def _stamp(self, answer: Any, options: QueryOptions) -> Any:
        """A route or path with the day and profile it answers for."""
        return replace(answer, as_of=self.as_of(options).isoformat(), profile=options.profile)

    def as_of(self, options: QueryOptions) -> date:
        """The day the options ask for, checked against the dates the pack covers (its as-of date by default)."""
        return parse_as_of(options.as_of, self.pack.covers)

    def closures(self, day: date) -> dict[tuple[str, str], Closure]:
        """What is closed or suspended on ``day``, by (kind, id) (kept per day: the status table is fixed)."""
        known = self._closures.get(day)
        if known is None:
            known = closures_on(self.pack.status, day, self._element_names)
            if len(self._closures) > 256:
                self._closures.clear()
            self._closures[day] = known
        return known

    def end_countries(self, origin: PlaceQuery, destination: PlaceQuery) -> tuple[str, str]:
        """The ISO codes of the countries the two ends lie in. Resolving them checks them: an unknown place or a
        point off the land layers is an error naming ``origin`` or ``destination``, before any search."""
        land = frozenset({"rail", "road"})
        g = self.graph
        ends = (
            self.router.resolve(origin, modes=land, max_snap_km=50.0),
            self.router.resolve(destination, modes=land, max_snap_km=50.0, option="destination"),
        )
        codes = [int(g.node_country[e.nodes[0]]) for e in ends]
        return (g.countries[codes[0]] if codes[0] >= 0 else "", g.countries[codes[1]] if codes[1] >= 0 else "")

    def family_route(self, origin: PlaceQuery, destination: PlaceQuery, options: QueryOptions) -> Route:
        """A corridor family's route: as :meth:`route`, but a via place the route would reach only after passing
        the destination is left out (a train through Kaunas does not run on to Klaipėda and back)."""
        search = self._search(options)
        sol = self.router.solve(origin, destination, **search)
        vias = sol.stops[1:-1]
        if vias:
            dest = self.router.pass_nodes(sol.stops[-1])
            passed = np.flatnonzero(np.isin(sol.nodes, dest))
            if len(passed):
                first_pass = int(passed[0])
                reached, at = [], 0
                for stop in vias:
                    hit = np.flatnonzero(np.isin(sol.nodes[at:], stop.nodes))
                    at = at + int(hit[0]) if len(hit) else len(sol.nodes)
                    reached.append(at)
                keep = [v for v, i in zip(options.via, reached, strict=True) if i <= first_pass]
                if len(keep) < len(vias):
                    sol = self.router.solve(origin, destination, **{**search, "via": keep})
        return self.finish(sol, options)

    def _search(self, options: QueryOptions) -> dict[str, Any]:
        return {
            "closures": self.closures(self.as_of(options)),
            "road_reach_km": options.road_reach_km(self.pack.param("road_carriage_max_km")),
            "via": list(options.via),
            "avoid": options.avoid,
            "modes": options.modes,
            "objective": options.objective,
            "coef": self.coefficients(options),
            "max_snap_km": options.max_snap_km,
            "depart_hours": None if options.depart is None else hours_since_monday(options.depart),
        }

    def layer_segments(self, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each edge of the ``rail``, ``road`` or ``sea`` layer once, as (lon_a, lat_a, lon_b, lat_b) in degrees."""
        codes = {"rail": Layer.RAIL, "road": Layer.ROAD, "sea": Layer.SEA}
        if layer not in codes:
            raise OptionsError(f"unknown layer {layer!r}; use one of {', '.join(codes)}", option="layer")
        g = self.graph
        tail, head = self.router.tail, g.head
        on = np.flatnonzero((g.node_layer[tail] == codes[layer]) & (g.node_layer[head] == codes[layer]) & (tail < head))
        a, b = tail[on], head[on]
        return g.node_lon[a], g.node_lat[a], g.node_lon[b], g.node_lat[b]

    def report(self) -> dict[str, Any]:
        """The healing report: components before and after, links added, place snapping."""
        return dict(self.graph.meta.get("report", {}))


def reliability_model(pack: DataPack, waits: Waits) -> ReliabilityModel:
    """What the Monte Carlo needs of a pack: its distributions and timetables, places by name, services by stop."""
    services: dict[tuple[str, str], ServiceFacts] = {}
    for s in pack.services:  # a stop's departures are those of the first row that calls it, as the build has it
        kind = "ferry" if s.mode == "ferry" else "train"
        facts = ServiceFacts(kind, s.departures_per_week or 0.0, s.timetable == "irregular")
        for place_id in (s.from_place, s.to_place):
            services.setdefault((s.service, place_id), facts)
    return ReliabilityModel(
        waits=waits,
        places={p.name: PlaceFacts(p.id, _is_port(p.kinds), p.handling_hours) for p in pack.places},
        services=services,
        liner_wait_hours=pack.sea_wait_hours,
        crossing_ids={c.name: c.id for c in pack.crossings},
        holds=ReliabilityModel.month_holds(waits.table, {s.service for s in pack.services}),
    )


def _is_port(kinds: Iterable[str]) -> bool:
    """Whether a place of these kinds is a port (a seaport or a ferry port): its dwell takes the ports' shape."""
    return bool({"seaport", "ferry_port"} & set(kinds))


def pack_crossings(
    pack: DataPack, *, country: str | None = None, mode: str | None = None, as_of: Any = None
) -> list[CrossingInfo]:
    """The data pack's border crossings, optionally those of one ISO-A2 country or one mode (rail, road), each
    with whether the status table has it open on ``as_of`` (default: the pack's as-of date; no network needed)."""
    code = next(iter(country_codes([country], "country")), None) if country else None
    if mode is not None and mode not in ("rail", "road"):
        raise OptionsError(f"unknown mode {mode!r}; a crossing is rail or road", option="mode")
    day = parse_as_of(as_of, pack.covers)
    shut = closures_on(pack.status, day, {("crossing", c.id): c.name for c in pack.crossings})
    out = []
    for c in pack.crossings:
        if (code is not None and code not in (c.country_a, c.country_b)) or (mode is not None and c.mode != mode):
            continue
        closure = shut.get(("crossing", c.id))
        info = CrossingInfo(
            id=c.id,
            name=c.name,
            country_a=c.country_a,
            country_b=c.country_b,
            mode=c.mode,
            dwell_hours=c.dwell_hours,
            fee_usd_per_teu=c.fee_usd_per_teu,
            gauge_change=None if c.gauge_change == "none" else c.gauge_change,
            gauge_change_hours=c.gauge_change_hours,
            open=closure is None,
            closed=closure.text() if closure else None,
            basis=c.basis,
            source=c.source,
        )
        out.append(info)
    return out


def pack_places(pack: DataPack, *, country: str | None = None, kind: str | None = None) -> list[PlaceInfo]:
    """The data pack's places, optionally filtered by ISO-A2 country and kind (no network needed)."""
    code = next(iter(country_codes([country], "country")), None) if country else None
    kinds = {k for p in pack.places for k in p.kinds}
    if kind is not None and kind not in kinds:
        raise OptionsError(f"unknown kind {kind!r}; expected one of {', '.join(sorted(kinds))}", option="kind")
    return [
        PlaceInfo(p.id, p.name, p.country, tuple(p.kinds), p.lat, p.lon, p.handling_hours, p.handling_usd_per_teu)
        for p in pack.places
        if (code is None or p.country == code) and (kind is None or kind in p.kinds)
    ]
