"""The assignable corridor network: a small graph distilled from the routing network.

For every demand pair the router finds the best route in each corridor variant of the data
pack's ``flow_variants.csv`` (as shipped: no restriction; Russia and Belarus avoided; the land
bridge avoided altogether; through Khorgos; through Małaszewicze; through Aktau, the Trans-Caspian
route). Each route is
cut at the elements that have a capacity in the data pack:

* a **service** segment (ferry or train) — departures per week × TEU per departure × 52;
* a named **crossing** — trains per day × TEU per train × 365 (its queue's time scale is one
  train's processing: the gauge change where there is one, else the dwell of that direction; with a
  gauge change the queue replaces the crossing's dwell, an observed wait, rather than adding to it);
  one without a published capacity is a link of its own too, uncongested, so that flows through it
  can be read and counted;
* a **terminal** a container is handled at (origin, destination, or a change of mode) —
  the place's TEU per year; each terminal is split into an inbound and an outbound node
  joined by its capacity link.

The stretches between them become uncongested links carrying the routing module's
generalized cost. The union over all routes is the network the assignment shares out demand
on, so corridors compete where their routes meet.

A demand place is a data-pack place (its demand passes the place's terminal) or ``lat,lon``
(resolved as ``Network.route`` resolves it: snapped to the nearest rail or road node within
``DEMAND_SNAP_KM``; its demand enters and leaves the network there, with no terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from corridor.datapack import DataPack
from corridor.errors import CoordinateError, CorridorError, DemandError, UnknownPlaceError
from corridor.flows.demand import Demand
from corridor.network.graph import Graph
from corridor.routing.route import ROUTABLE_MODES, Router, Solution
from corridor.status import Closure, closures_on
from corridor.units import EdgeFlag, Mode

__all__ = [
    "DEMAND_SNAP_KM",
    "CorridorNetwork",
    "Zone",
    "build_corridor_network",
    "corridor_variants",
    "resolve_demand_places",
]

#: How far a ``lat,lon`` demand place may lie from the rail or road network (as ``Network.route``'s default).
DEMAND_SNAP_KM = 50.0


def corridor_variants(pack: DataPack) -> tuple[tuple[str, frozenset[str]], ...]:
    """(name, countries avoided) of each corridor variant routed for every pair (``flow_variants.csv``): how
    alternatives enter the assignable network."""
    return tuple((v.name, frozenset(v.avoid)) for v in pack.flow_variants)


_SERVICE, _CROSSING, _TERMINAL, _PATH = "service", "crossing", "terminal", "path"


@dataclass(frozen=True)
class Zone:
    """A resolved demand place: a data-pack place (``place`` its index) or a point (``place`` None)."""

    place: int | None
    lat: float
    lon: float

    @property
    def key(self) -> str:
        """A point's identity in the assignable network (one zone per distinct point)."""
        return f"{self.lat:.6f},{self.lon:.6f}"


def resolve_place(router: Router, text: str) -> Zone:
    """A demand place resolved like ``Network.route`` resolves its origin: a name, or ``lat,lon`` snapped to the
    rail or road network within DEMAND_SNAP_KM. Raises UnknownPlaceError or CoordinateError."""
    end = router.resolve(text, modes=frozenset(ROUTABLE_MODES), max_snap_km=DEMAND_SNAP_KM)
    return Zone(end.place, end.lat, end.lon)


def resolve_demand_places(router: Router, demand: Demand) -> dict[str, Zone]:
    """Every origin and destination of ``demand`` resolved; an unusable one is a DemandError naming its line."""
    zones: dict[str, Zone] = {}
    for row in demand.rows:
        for field_name, text in (("origin", row.origin), ("destination", row.destination)):
            if text in zones:
                continue
            try:
                zones[text] = resolve_place(router, text)
            except (UnknownPlaceError, CoordinateError) as exc:
                line = row.line or None
                where = f"{demand.source}: line {line}: " if line else f"{demand.source}: "
                raise DemandError(f"{where}{exc}", path=demand.source, line=line, field=field_name) from None
    return zones


@dataclass(frozen=True)
class _Route:
    """One routed path of a pair, as the assignable links it passes in order, the countries it crosses, and whether
    it leaves its origin's country by sea (a deep-sea liner edge before its first node abroad: a box that ships by
    sea from home, not by the land corridors; the pack's ferries and feeders are not deep sea)."""

    links: np.ndarray
    countries: frozenset[str]
    leaves_by_sea: bool = False


@dataclass
class CorridorNetwork:
    """Links of the assignable network (arrays of equal length) and the zones of the demand."""

    tail: np.ndarray
    head: np.ndarray
    kind: np.ndarray  # object: "path" | "service" | "crossing" | "terminal"
    name: np.ndarray  # object: what the link stands for
    hours: np.ndarray  # free-flow hours
    usd_per_teu: np.ndarray
    kg_co2e_per_teu: np.ndarray
    km: np.ndarray
    capacity_teu_per_year: np.ndarray  # inf: uncongested
    wait_scale_hours: np.ndarray  # scale of the queueing delay on capacitated links
    node_count: int
    zone_origin: dict[str, int]  # place name or "lat,lon" → the node its demand leaves from (before any terminal)
    zone_destination: dict[str, int]  # place name or "lat,lon" → the node its demand arrives at (after any terminal)
    geometry: list[np.ndarray] = field(repr=False)  # (n, 2) lat, lon per link
    country_km: list[dict[str, float]] = field(repr=False, default_factory=list)  # km per country code per link
    unroutable: list[tuple[str, str, str]] = field(default_factory=list)  # (origin, destination, why)
    #: each pair's distinct routes over the corridor variants: the route set stochastic assignment chooses among
    routes: dict[tuple[str, str], list[_Route]] = field(default_factory=dict)

    @property
    def link_count(self) -> int:
        return len(self.tail)


def _eliminated(key: tuple[str, str]) -> Closure:
    """The closure that takes one element out of a search for the next best route round it (link elimination)."""
    return Closure(key[0], key[1], "closed", None, None, "route set: the next best route without this element")


def _leaves_by_sea(g: Graph, edges: np.ndarray, nodes: np.ndarray) -> bool:
    """Whether a path (its edges and the nodes they join) sails a deep-sea edge before it first reaches a node in
    another country than its first node's (open-sea nodes are in none)."""
    home = g.node_country[nodes[0]]
    countries = g.node_country[nodes[1:]]
    abroad = np.flatnonzero((countries != home) & (countries >= 0))
    until = int(abroad[0]) + 1 if len(abroad) else len(edges)
    return bool((g.edge_mode[edges[:until]] == Mode.SEA).any())


class _Builder:
    def __init__(self, graph: Graph, pack: DataPack, router: Router) -> None:
        self.g, self.pack, self.router = graph, pack, router
        self.node_of: dict[tuple[str, int | str], int] = {}
        self.zone_origin: dict[str, int] = {}
        self.zone_destination: dict[str, int] = {}
        self.links: dict[tuple[int, int, str], dict] = {}
        self.trail: list[tuple[int, int, str]] = []  # the link keys the route being added passes, in order
        self.routes: dict[tuple[str, str], list[tuple[tuple[int, int, str], ...]]] = {}
        self.route_countries: dict[tuple[tuple[int, int, str], ...], frozenset[str]] = {}
        self.route_by_sea: dict[tuple[tuple[int, int, str], ...], bool] = {}
        self.place_of_node = {int(n): i for i, n in enumerate(graph.place_node)}
        self.is_place = np.zeros(graph.node_count, np.bool_)
        placed = np.asarray(graph.place_node, np.int64)
        self.is_place[placed[placed >= 0]] = True
        riding = np.isin(graph.edge_mode, [Mode.FERRY, Mode.SERVICE]) & (graph.edge_km > 0)
        self.maybe_element = riding | ((graph.edge_flags & EdgeFlag.BORDER) != 0)
        crossing_capacity = {}
        for i, c in enumerate(pack.crossings):
            if c.capacity_trains_per_day and c.teu_per_train:
                crossing_capacity[i] = c.capacity_trains_per_day * c.teu_per_train * 365.0
        self.crossing_capacity = crossing_capacity

    # nodes: graph nodes keep one assignable node; a terminal has an inbound and an outbound node;
    # a point zone has a node its demand leaves from and another it arrives at, so no path passes through it
    def node(self, graph_node: int | str, side: str = "") -> int:
        key = (side, graph_node)
        if key not in self.node_of:
            self.node_of[key] = len(self.node_of)
        return self.node_of[key]

    def zone(self, name: str, zone: Zone) -> tuple[int, int]:
        """(node a route from the zone starts at, node a route to it ends at); records where its demand enters."""
        if zone.place is not None:
            inbound, outbound = self.terminal(zone.place)
            self.zone_origin[name], self.zone_destination[name] = inbound, outbound
            return outbound, inbound
        leave, arrive = self.node(zone.key, "zone-origin"), self.node(zone.key, "zone-destination")
        self.zone_origin[name], self.zone_destination[name] = leave, arrive
        return leave, arrive

    def zone_links(self, name: str, node: int, side: str) -> tuple[tuple[int, int, str], ...]:
        """The terminal link a pair's demand passes at its origin (before ``node``) or end (after it), if any."""
        if side == "origin":
            key = (self.zone_origin[name], node, _TERMINAL)
        else:
            key = (node, self.zone_destination[name], _TERMINAL)
        return (key,) if key in self.links else ()

    def terminal(self, place: int) -> tuple[int, int]:
        t = int(self.g.place_node[place])
        a, b = self.node(t, "in"), self.node(t, "out")
        p = self.pack.places[place]
        capacity = p.capacity_teu_per_year or np.inf
        self.add(a, b, _TERMINAL, p.name, 0.0, 0.0, 0.0, 0.0, capacity, max(p.handling_hours, 1.0), None)
        return a, b

    def country_km(self, edges: np.ndarray | None) -> dict[str, float]:
        """km per country of the edges (by the country of each edge's start; "open sea" outside any)."""
        if edges is None or not len(edges):
            return {}
        g = self.g
        codes = g.node_country[self.router.tail[edges]]
        out: dict[str, float] = {}
        for code, km in zip(codes.tolist(), g.edge_km[edges].tolist(), strict=True):
            if km > 0:
                key = g.countries[code] if code >= 0 else "open sea"
                out[key] = out.get(key, 0.0) + km
        return out

    def add(self, a, b, kind, name, hours, usd, co2, km, capacity, wait_scale, nodes, edges=None) -> None:
        key = (a, b, kind if kind != _PATH else _PATH)
        self.trail.append(key)
        cost = hours + usd  # only to keep the cheapest parallel stretch; any fixed weighting would do
        old = self.links.get(key)
        if old is None or (kind == _PATH and cost < old["hours"] + old["usd"]):
            coords = np.column_stack((self.g.node_lat[nodes], self.g.node_lon[nodes])) if nodes is not None else None
            self.links[key] = {
                "kind": kind,
                "name": name,
                "hours": hours,
                "usd": usd,
                "co2": co2,
                "km": km,
                "capacity": capacity,
                "wait": wait_scale,
                "coords": coords,
                "country_km": self.country_km(edges),
            }

    def element(self, e: int) -> tuple[str, str, float, float, float] | None:
        """(kind, name, capacity TEU/yr, queue wait scale h, hours the queue stands for) if edge ``e`` has a capacity
        (or is a named crossing), else None.

        The last figure is the part of the edge's hours that the queue replaces: at a capacitated crossing with a
        gauge change, the crossing's dwell. That dwell is an observed wait for the gauge change (Brest's 48 h is
        the 2018 queue at Małaszewicze), and the queue, whose service is the gauge change, is the wait at the
        assigned flow; charging both would count one queue twice. A crossing without a gauge change keeps its
        dwell (the checks are then the service the queue scales with)."""
        g = self.g
        mode = int(g.edge_mode[e])
        if mode in (Mode.FERRY, Mode.SERVICE) and g.edge_km[e] > 0:
            row = int(g.edge_ref[e])
            deps = float(g.services.departures_per_week[row])
            per = float(g.services.capacity_teu_per_departure[row])
            if deps > 0 and per > 0:
                service = g.service_names[int(g.services.service[row])]
                return _SERVICE, f"{service} ({g.service_ids[row]})", deps * per * 52.0, 168.0 / deps, 0.0
        if g.edge_flags[e] & EdgeFlag.BORDER:
            row = int(g.edge_ref[e])
            c = int(g.borders.crossing[row])
            if c >= 0:  # a named crossing is a link of its own (uncongested without a capacity): counts name it
                capacity = self.crossing_capacity.get(c, np.inf)
                dwell = float(g.borders.dwell_hours[row])  # this direction's
                if g.borders.gauge_change[row] > 0:  # the queue's service is one train's gauge change
                    one_train = float(g.borders.gauge_change_hours[row])
                    waited = dwell if np.isfinite(capacity) else 0.0
                else:  # the checks are the service
                    one_train, waited = dwell, 0.0
                return _CROSSING, g.crossing_names[c], capacity, max(one_train, 1.0), waited
        return None

    def stops(self, edges: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Positions in a path of the edges that may be elements (a service ride or a border edge) or that end at a
        place's node: the only ones ``add_route`` cuts at (the others are passed in one piece)."""
        return np.flatnonzero(self.maybe_element[edges] | self.is_place[nodes[1:]])

    def capacitated_elements(self, edges: np.ndarray) -> list[tuple[str, str]]:
        """The (kind, id) closure keys of the service segments and crossings with a capacity a path passes, in
        order. (Taking a port out gives the same detour as taking out the sailing from it.)"""
        g, keys = self.g, []
        for e in edges[self.maybe_element[edges]].tolist():
            found = self.element(e)
            if found is not None and np.isfinite(found[2]):
                row = int(g.edge_ref[e])
                if found[0] == _SERVICE:
                    keys.append(("service", g.service_ids[row]))
                else:
                    keys.append(("crossing", self.pack.crossings[int(g.borders.crossing[row])].id))
        return list(dict.fromkeys(keys))

    def add_route(
        self, edges: np.ndarray, nodes: np.ndarray, start: int, end: int, pair: tuple[str, str] | None = None
    ) -> bool:
        """Cut one routed path (from assignable node ``start`` to ``end``) at its capacitated elements and
        terminals and add the pieces; record it as one of ``pair``'s routes (its links, in order, and countries).
        True when the route is new to the pair."""
        self.trail = []
        metrics = self.router.metrics
        start_node, start_i = start, 0  # the piece being built starts at assignable node start_node, path index i

        def close(i_end: int, end_node: int) -> None:
            nonlocal start_node, start_i
            if i_end > start_i:
                seg = edges[start_i:i_end]
                hours, usd, co2, km = metrics[:, seg].sum(axis=1)
                piece = nodes[start_i : i_end + 1]
                self.add(start_node, end_node, _PATH, "", hours, usd, co2, km, np.inf, 0.0, piece, edges=seg)
            elif start_node != end_node:  # touching elements: a zero link keeps the graph connected
                self.add(start_node, end_node, _PATH, "", 0.0, 0.0, 0.0, 0.0, np.inf, 0.0, nodes[i_end : i_end + 1])

        for i in self.stops(edges, nodes).tolist():
            e, head_node = int(edges[i]), int(nodes[i + 1])
            found = self.element(e)
            if found is not None:
                kind, name, capacity, wait, waited = found
                a, b = self.node(int(nodes[i])), self.node(head_node)
                close(i, a)
                hours, usd, co2, km = metrics[:, e]
                hours = hours - waited  # the queue is the wait (see ``element``)
                here = slice(i, i + 1)
                self.add(a, b, kind, name, hours, usd, co2, km, capacity, wait, nodes[i : i + 2], edges=edges[here])
                start_node, start_i = b, i + 1
            elif head_node in self.place_of_node and i + 1 < len(edges):  # handled at a terminal mid-route
                t_in, t_out = self.terminal(self.place_of_node[head_node])
                close(i + 1, t_in)
                start_node, start_i = t_out, i + 1
        close(len(edges), end)
        if pair is not None:
            keys = self.zone_links(pair[0], start, "origin") + tuple(self.trail) + self.zone_links(pair[1], end, "end")
            known = self.routes.setdefault(pair, [])
            if keys not in known:
                known.append(keys)
                g = self.g
                codes = np.unique(g.node_country[nodes])
                self.route_countries[keys] = frozenset(g.countries[c] for c in codes.tolist() if c >= 0)
                self.route_by_sea[keys] = _leaves_by_sea(g, edges, nodes)
                return True
        return False

    def build(self, unroutable) -> CorridorNetwork:
        keys = list(self.links)
        rows = [self.links[k] for k in keys]
        index = {k: i for i, k in enumerate(keys)}
        return CorridorNetwork(
            tail=np.array([k[0] for k in keys], np.int64),
            head=np.array([k[1] for k in keys], np.int64),
            kind=np.array([r["kind"] for r in rows], dtype=object),
            name=np.array([r["name"] for r in rows], dtype=object),
            hours=np.array([r["hours"] for r in rows], float),
            usd_per_teu=np.array([r["usd"] for r in rows], float),
            kg_co2e_per_teu=np.array([r["co2"] for r in rows], float),
            km=np.array([r["km"] for r in rows], float),
            capacity_teu_per_year=np.array([r["capacity"] for r in rows], float),
            wait_scale_hours=np.array([r["wait"] for r in rows], float),
            node_count=len(self.node_of),
            zone_origin=dict(self.zone_origin),
            zone_destination=dict(self.zone_destination),
            geometry=[r["coords"] if r["coords"] is not None else np.zeros((0, 2)) for r in rows],
            country_km=[r["country_km"] for r in rows],
            unroutable=unroutable,
            routes={
                pair: [
                    _Route(np.array([index[k] for k in ks], np.int64), self.route_countries[ks], self.route_by_sea[ks])
                    for ks in found
                ]
                for pair, found in self.routes.items()
            },
        )


def build_corridor_network(
    graph: Graph,
    pack: DataPack,
    router: Router,
    pairs: Iterable[tuple[str, str]],
    *,
    coef: np.ndarray,
    variants: tuple[tuple[str, frozenset[str]], ...] | None = None,
    zones: dict[str, Zone] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CorridorNetwork:
    """The assignable network for these place pairs (data-pack names or ``lat,lon``).

    ``coef`` weighs (hours, USD, kg CO2e, km) into the generalized cost the routes minimise.
    ``zones`` are the places already resolved (``resolve_demand_places``, whose errors name the
    demand's lines); others are resolved here. ``variants`` are (name, countries avoided), by default
    the pack's (``corridor_variants``). Pairs with no route in any variant are listed in ``unroutable``.
    """
    if variants is None:
        variants = corridor_variants(pack)
    builder = _Builder(graph, pack, router)
    pairs = list(dict.fromkeys(pairs))
    # the routes of the pack's date, as an intermodal chain: what is closed then is not used, trucks only near ends
    closures = closures_on(pack.status, pack.covers[1])
    reach_km = pack.param("road_carriage_max_km")
    known = dict(zones or {})
    vias = {v.name: tuple(pack.place(p).name for p in v.via) for v in pack.flow_variants}
    unroutable: list[tuple[str, str, str]] = []
    for k, (origin, destination) in enumerate(pairs):
        for text in (origin, destination):
            if text not in known:
                known[text] = resolve_place(router, text)
        o, d = known[origin], known[destination]
        start, _ = builder.zone(origin, o)
        _, end = builder.zone(destination, d)
        found: list[tuple[Solution, tuple[str, ...], frozenset[str]]] = []  # distinct routes and their variant
        ask = partial(
            router.solve, _query(pack, o), _query(pack, d), objective="generalized", coef=coef,
            road_reach_km=reach_km, carriage_at_vias=False,
        )  # fmt: skip
        for name, avoid in variants:
            via = vias.get(name, ())
            if via and (
                (o.place is not None and pack.places[o.place].name in via)
                or (d.place is not None and pack.places[d.place].name in via)
            ):
                via = ()  # a pair that starts or ends at the variant's place is its unrestricted route
            sol = _solve(ask, via, avoid, closures)
            if sol is None:
                continue
            if builder.add_route(sol.edges, sol.nodes, start, end, (origin, destination)):
                found.append((sol, via, avoid))
        # link elimination: each distinct route of a variant that avoids countries again without each of its
        # capacitated elements in turn, so that boxes avoiding those countries, whose routes are few, have the next
        # best way round a service or crossing they would fill
        # each element once per pair, by the first route through it: the detour round it found under that route's
        # variant stands for the others' (a search per variant would double the build for few new routes)
        eliminated: set[tuple[str, str]] = set()
        for sol, via, avoid in [f for f in found if f[2]]:
            for key in builder.capacitated_elements(sol.edges):
                if key in eliminated:
                    continue
                eliminated.add(key)
                alt = _solve(ask, via, avoid, {**closures, key: _eliminated(key)})
                if alt is not None:
                    builder.add_route(alt.edges, alt.nodes, start, end, (origin, destination))
        if not found:
            unroutable.append((origin, destination, "no route in any corridor variant"))
        if progress is not None:
            progress(k + 1, len(pairs))
    return builder.build(unroutable)


def _solve(
    ask: Callable[..., Solution], via: tuple[str, ...], avoid: frozenset[str], closures: dict[tuple[str, str], Closure]
) -> Solution | None:
    """A pair's best route (``ask``: the router's solve for the pair, as an intermodal chain by generalized cost)
    through ``via``, avoiding ``avoid``, with ``closures``; None where there is none."""
    try:
        return ask(via=via, avoid=avoid, closures=closures)
    except CorridorError:
        return None


def _query(pack: DataPack, zone: Zone) -> str | tuple[float, float]:
    """What the router is asked for a zone: the data-pack place's name, or the point."""
    return pack.places[zone.place].name if zone.place is not None else (zone.lat, zone.lon)
