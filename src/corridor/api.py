"""The public Python API: load the network once, then ask for routes and places."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from corridor.compare import CorridorOption, compare_corridors
from corridor.datapack import DataPack, load_pack, pack_hash
from corridor.errors import DataError, OptionsError
from corridor.flows.demand import Demand, read_demand
from corridor.flows.network import VARIANTS, build_corridor_network, resolve_demand_places
from corridor.flows.run import FlowResult, assign_corridor, demand_pairs
from corridor.network.build import build_graph
from corridor.network.cache import cache_key, has_schema, in_range, is_csr, is_permutation, load_or_build, non_negative
from corridor.network.graph import GAUGE_CHANGE_KINDS, BorderTable, Graph, ServiceTable
from corridor.network.places import PlaceIndex, PlaceQuery
from corridor.reach import ReachResult, reach
from corridor.results import Route, RoutePath
from corridor.routing.ch import ContractionHierarchy
from corridor.routing.fixed import FIXED_OBJECTIVES, RailHierarchies, build_rail_hierarchies
from corridor.routing.landmarks import compute_landmarks
from corridor.routing.options import (
    CARBON_PRICE_MAX_USD_PER_T_CO2E,
    MAX_SNAP_KM_LIMIT,
    VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR,
    check_number,
    check_objective,
    country_codes,
    route_modes,
    via_places,
)
from corridor.routing.route import Router, objective_coefficients
from corridor.routing.search import METRICS
from corridor.units import EdgeFlag, Layer, Mode

__all__ = ["Network", "PlaceInfo", "list_places"]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PlaceInfo:
    """A data-pack place as listed by ``Network.places``."""

    id: str
    name: str
    country: str
    kinds: tuple[str, ...]
    lat: float
    lon: float
    handling_hours: float
    handling_usd_per_teu: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "kinds": list(self.kinds)}


def _rich_progress() -> tuple[Progress, Callable[[], None]]:
    """A progress callback drawing a rich bar on stderr, and a function that closes it."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = None

    def update(step: str, fraction: float) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("building network cache", total=1.0)
        bar.update(task, completed=fraction, description=step)

    return update, bar.stop


def _normalise_codes(values: Iterable[str] | str | None, option: str) -> frozenset[str]:
    """ISO-A2 codes from a comma list or an iterable; OptionsError naming ``option`` otherwise."""
    return country_codes(values, option)


class Network:
    """The world rail, road and sea network joined with the corridor data pack.

    Build it with ``Network.load()``: the first call converts the base layers into a cache
    (about a minute, with a progress bar); later calls load that cache in about a second.
    """

    def __init__(
        self,
        graph: Graph,
        pack: DataPack,
        landmark_dist: np.ndarray | None,
        rail_hierarchies: RailHierarchies | None = None,
    ) -> None:
        self.graph = graph
        self.pack = pack
        self.place_index = PlaceIndex.from_places(pack.places)
        self.router = Router(
            graph,
            self.place_index,
            tuple(p.name for p in pack.places),
            landmark_dist,
            rail_hierarchies,
            place_handling_hours=np.array([p.handling_hours for p in pack.places]),
            sea_wait_hours=pack.sea_wait_hours,
        )

    @classmethod
    def load(
        cls,
        *,
        cache_dir: str | Path | None = None,
        data_pack: str | Path | None = None,
        progress: bool | Progress = True,
        rebuild: bool = False,
    ) -> Network:
        """Load the network from the cache, building the cache first if it is missing or stale.

        Parameters
        ----------
        cache_dir : where the cache lives (default: ``$CORRIDOR_CACHE_DIR`` or the user cache dir).
        data_pack : a data-pack directory (default: the one shipped in the package).
        progress : True for a progress bar on stderr while building, False for none, or a
            callback ``progress(step, fraction)``.
        rebuild : build the cache even if a valid one exists.
        """
        pack = load_pack(data_pack)
        key = cache_key(pack_hash(data_pack))
        close: Callable[[], None] = lambda: None  # noqa: E731
        if progress is True:
            say, close = _rich_progress() if sys.stderr is not None else (lambda s, f: None, close)
        elif progress is False:
            say = lambda _s, _f: None  # noqa: E731
        else:
            say = progress
        directory = Path(cache_dir) if cache_dir is not None else None
        try:
            arrays, _ = load_or_build(
                "network",
                key,
                lambda: _build_arrays(pack, say),
                cache_dir=directory,
                validate=_valid_arrays,
                rebuild=rebuild,
            )
        finally:
            close()
        landmark_dist = arrays.pop("landmark_dist")
        arrays.pop("landmarks")
        hierarchies = RailHierarchies({k: arrays.pop(k) for k in list(arrays) if k.startswith("rail_ch.")})
        try:
            graph = Graph.from_arrays(arrays)
        except (KeyError, ValueError) as exc:  # pragma: no cover - guarded by _valid_arrays
            raise DataError(f"network cache is inconsistent ({exc}); run with rebuild=True") from exc
        return cls(graph, pack, landmark_dist, hierarchies)

    @classmethod
    def from_pack(
        cls, pack: DataPack, *, closed_crossings: Iterable[str] = (), progress: Progress | None = None
    ) -> Network:
        """A network built in memory from a data pack (a scenario's), never touching the cache.

        ``closed_crossings`` (crossing ids) lose their border edges. No rail contraction
        hierarchy is built: every query uses the landmark search, which is exact.
        """
        say = progress or (lambda _s, _f: None)
        graph = build_graph(pack, progress=say)
        closed = [i for i, c in enumerate(pack.crossings) if c.id in set(closed_crossings)]
        if closed:
            border = np.flatnonzero(graph.edge_flags & EdgeFlag.BORDER)
            shut = border[np.isin(graph.borders.crossing[graph.edge_ref[border]], closed)]
            for values in (graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km):
                values[shut] = np.inf
        tail = graph.edge_tail()
        metrics = _edge_metrics(graph)
        _, table = compute_landmarks(
            graph.first_out, graph.head, tail, metrics, graph.node_usable, candidates=graph.place_node,
            progress=lambda f: say("computing landmark bounds", 0.80 + 0.2 * f),
        )  # fmt: skip
        return cls(graph, pack, table, None)

    # --- queries ------------------------------------------------------------------
    def route(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        via: Iterable[PlaceQuery] | str | None = None,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        objective: str = "time",
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = 50.0,
    ) -> Route:
        """Best door-to-door route between two places, with its legs.

        Parameters
        ----------
        origin, destination : a place name (any case, diacritics optional), ``"lat,lon"`` or a
            ``(lat, lon)`` pair.
        via : places to pass through, in order: one place, or a list of them.
        avoid : ISO-A2 country codes (a list, or comma text "RU,BY"); no node in them, nor a strait or
            canal they share, is ever used.
        modes : allowed modes among rail, road, sea, ferry, service (a list or comma text; default: all).
        objective : ``time`` (hours), ``cost`` (USD per TEU), ``co2`` (kg CO2e per TEU),
            ``generalized`` (hours × value of time + USD + t CO2e × carbon price) or ``distance`` (km).
        value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e : for ``generalized``;
            default to the data pack's values; finite, >= 0 and at most 1e6.
        max_snap_km : how far a coordinate may lie from the network (> 0, at most 1,000 km).

        Raises
        ------
        UnknownPlaceError, CoordinateError, OptionsError : bad input; a wrong type or value of an option is
            an OptionsError whose ``option`` names it, raised before any search.
        NoRouteError : nothing connects the places under the constraints.
        """
        options = self._options(
            via, avoid, modes, objective, value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e, max_snap_km
        )
        return self.router.route(origin, destination, **options)

    def path(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        via: Iterable[PlaceQuery] | str | None = None,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        objective: str = "time",
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = 50.0,
    ) -> RoutePath:
        """The same query as ``route`` answered with the line and totals only (no legs).

        Several times faster than ``route`` on long rail paths, for matrices and bulk work; the
        totals and the line are identical to ``route``'s.
        """
        options = self._options(
            via, avoid, modes, objective, value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e, max_snap_km
        )
        return self.router.path(origin, destination, **options)

    def _options(self, via, avoid, modes, objective, vot, price, max_snap_km) -> dict[str, Any]:
        """Check and normalise the query options shared by ``route`` and ``path``: every wrong type or
        value is an OptionsError naming the option, raised before any search."""
        via_list = via_places(via)
        avoid_set = _normalise_codes(avoid, "avoid")
        mode_set = route_modes(modes)
        check_objective(objective)
        if objective != "generalized" and (vot is not None or price is not None):
            raise OptionsError(
                "value of time and carbon price apply only to objective 'generalized'", option="objective"
            )
        max_snap_km = check_number(max_snap_km, "max_snap_km", high=MAX_SNAP_KM_LIMIT, allow_zero=False)
        coef = objective_coefficients(
            objective,
            value_of_time_usd_per_teu_hour=self.pack.param("value_of_time_usd_per_teu_hour") if vot is None else vot,
            carbon_price_usd_per_t_co2e=self.pack.param("carbon_price_usd_per_t_co2e") if price is None else price,
        )
        return {
            "via": via_list,
            "avoid": avoid_set,
            "modes": mode_set,
            "objective": objective,
            "coef": coef,
            "max_snap_km": max_snap_km,
        }

    def compare(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        corridors: list[str] | str | None = None,
        objective: str = "generalized",
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        avoid: Iterable[str] | str | None = None,
    ) -> list[CorridorOption]:
        """The best route through each corridor family of the data pack (Northern, Middle, Middle +
        Viking + Klaipėda, sea via Suez, sea via the Cape), side by side; see ``corridor.compare``."""
        return compare_corridors(
            self,
            origin,
            destination,
            corridors=corridors,
            objective=objective,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e,
            avoid=_normalise_codes(avoid, "avoid"),
        )

    def reach(
        self,
        origin: PlaceQuery,
        *,
        days: float | None = None,
        usd_per_teu: float | None = None,
        via: str | None = None,
        corridor: str | None = None,
    ) -> ReachResult:
        """Places and countries ``origin`` reaches within ``days`` (fastest, at most 120) or ``usd_per_teu``
        (cheapest, at most 100,000), optionally through a gateway (``via``, whose route counts against the
        budget) and under a corridor family's rules; see ``corridor.reach``."""
        return reach(self, origin, days=days, usd_per_teu=usd_per_teu, via=via, corridor=corridor)

    def assign(
        self,
        demand: str | Path | Demand = "corridor-2024",
        *,
        method: str = "ue",
        gap: float = 1e-6,
        max_seconds: float | None = None,
        value_of_time_usd_per_teu_hour: float | dict[str, float] | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        rank_bottlenecks: bool = True,
        avoid: Iterable[str] | str | None = None,
        progress: Callable[[str, int, float], None] | None = None,
    ) -> FlowResult:
        """Share out a demand (TEU per year between places) over the corridors, with capacities.

        Parameters
        ----------
        demand : a shipped set by name (``corridor-2024``), a CSV or OMX file, or a ``Demand``.
        method : ``ue`` (user equilibrium: every box takes its cheapest route given the queues) or
            ``so`` (system optimum: least total cost).
        gap : target relative gap.
        value_of_time_usd_per_teu_hour : one value, or one per demand class; default the pack's.
        carbon_price_usd_per_t_co2e : default the pack's.
        rank_bottlenecks : re-assign with each capacity raised to rank the bottlenecks.
        progress : ``progress(stage, done, total_or_gap)`` for the routing and assignment stages.

        Returns a ``FlowResult`` with ``.links``, ``.bottlenecks``, ``.od`` and ``.gap_history``.
        """
        value_of_time_usd_per_teu_hour = _value_of_time(value_of_time_usd_per_teu_hour)
        if carbon_price_usd_per_t_co2e is not None:
            carbon_price_usd_per_t_co2e = check_number(
                carbon_price_usd_per_t_co2e, "carbon_price_usd_per_t_co2e", high=CARBON_PRICE_MAX_USD_PER_T_CO2E
            )
        dem = demand if isinstance(demand, Demand) else read_demand(demand)
        zones = resolve_demand_places(self.router, dem)  # names or 'lat,lon'; errors name the line
        default_vot = self.pack.param("value_of_time_usd_per_teu_hour")
        vot = default_vot if value_of_time_usd_per_teu_hour is None else value_of_time_usd_per_teu_hour
        price = self.pack.param("carbon_price_usd_per_t_co2e")
        price = price if carbon_price_usd_per_t_co2e is None else carbon_price_usd_per_t_co2e
        route_vot = vot if not isinstance(vot, dict) else default_vot
        coef = objective_coefficients(
            "generalized", value_of_time_usd_per_teu_hour=route_vot, carbon_price_usd_per_t_co2e=price
        )
        closed = _normalise_codes(avoid, "avoid")
        cn = build_corridor_network(
            self.graph,
            self.pack,
            self.router,
            demand_pairs(dem),
            zones=zones,
            coef=coef,
            variants=tuple((name, countries | closed) for name, countries in VARIANTS),
            progress=(lambda done, total: progress("routing demand pairs", done, total)) if progress else None,
        )
        return assign_corridor(
            cn,
            dem,
            value_of_time_usd_per_teu_hour=vot,
            carbon_price_usd_per_t_co2e=price,
            method=method,
            gap=gap,
            max_seconds=max_seconds,
            rank_bottlenecks=rank_bottlenecks,
            progress=(lambda it, g: progress("assigning", it, g)) if progress else None,
        )

    def places(self, *, country: str | None = None, kind: str | None = None) -> list[PlaceInfo]:
        """The data pack's places, optionally filtered by ISO-A2 country and kind."""
        return list_places(self.pack, country=country, kind=kind)

    def report(self) -> dict[str, Any]:
        """The healing report: components before and after, links added, place snapping."""
        return dict(self.graph.meta.get("report", {}))


def _value_of_time(value: float | dict[str, float] | None) -> float | dict[str, float] | None:
    """A value of time (USD per TEU-hour), or one per demand class, each finite and within bounds."""
    option = "value_of_time_usd_per_teu_hour"
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: check_number(v, option, high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR) for k, v in value.items()}
    return check_number(value, option, high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR)


def list_places(
    pack: DataPack | None = None, *, country: str | None = None, kind: str | None = None
) -> list[PlaceInfo]:
    """The data pack's places (no network needed), optionally filtered by country and kind."""
    pack = pack if pack is not None else load_pack()
    code = next(iter(_normalise_codes([country], "country")), None) if country else None
    kinds = {k for p in pack.places for k in p.kinds}
    if kind is not None and kind not in kinds:
        raise OptionsError(f"unknown kind {kind!r}; expected one of {', '.join(sorted(kinds))}", option="kind")
    return [
        PlaceInfo(p.id, p.name, p.country, tuple(p.kinds), p.lat, p.lon, p.handling_hours, p.handling_usd_per_teu)
        for p in pack.places
        if (code is None or p.country == code) and (kind is None or kind in p.kinds)
    ]


def _edge_metrics(graph) -> np.ndarray:
    """(hours, USD, kg CO2e, km) per edge, checked: the searches assume no NaN and no negative cost
    (a negative one would corrupt their heaps), so a pack that slipped through fails here, not there."""
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
    bad = np.isnan(metrics) | (metrics < 0)
    if bad.any():
        row, edge = (int(i[0]) for i in np.nonzero(bad))
        name = ("hours", "usd_per_teu", "kg_co2e_per_teu", "km")[row]
        raise DataError(f"the data pack gives edge {edge} a {name} of {metrics[row, edge]}; figures must be >= 0")
    return metrics


def _build_arrays(pack: DataPack, say: Progress) -> dict[str, np.ndarray]:
    graph = build_graph(pack, progress=say)
    tail = graph.edge_tail()
    metrics = _edge_metrics(graph)
    landmarks, table = compute_landmarks(
        graph.first_out,
        graph.head,
        tail,
        metrics,
        graph.node_usable,
        candidates=graph.place_node,
        progress=lambda f: say("computing landmark bounds", 0.80 + 0.1 * f),
    )
    hierarchies = build_rail_hierarchies(
        graph, metrics, progress=lambda f: say("contracting the rail layer", 0.90 + 0.1 * f)
    )
    say("done", 1.0)
    return {**graph.to_arrays(), "landmarks": landmarks, "landmark_dist": table, **hierarchies}


def _valid_arrays(arrays: dict[str, np.ndarray]) -> bool:
    """Whether a loaded network cache is complete and every index in it lies in range.

    The router's compiled kernels index these arrays without bounds checks, so a damaged or
    crafted file must be rejected here (and rebuilt), never queried. A few vectorised passes.
    """
    if not has_schema(arrays, _network_schema()):
        return False
    names = {key: json.loads(str(arrays[key])) for key in _NAME_ARRAYS}
    if not all(isinstance(value, list) for value in names.values()):
        return False
    meta = json.loads(str(arrays["meta"]))
    if not isinstance(meta, dict) or not _valid_strait_nodes(meta.get("strait_nodes", {}), len(arrays["node_lat"])):
        return False
    return _valid_graph(arrays, names) and _valid_landmarks(arrays) and _valid_rail_hierarchies(arrays)


def _valid_strait_nodes(strait_nodes: object, node_count: int) -> bool:
    """Country code → sea node ids of straits and canals, every id a node of the graph."""
    if not isinstance(strait_nodes, dict):
        return False
    for code, nodes in strait_nodes.items():
        if not (isinstance(code, str) and len(code) == 2 and isinstance(nodes, list)):
            return False
        if not all(isinstance(n, int) and 0 <= n < node_count for n in nodes):
            return False
    return True


_NAME_ARRAYS = ("place_ids", "countries", "crossing_names", "service_names", "service_ids", "service_via")


def _network_schema() -> dict[str, tuple[str, int]]:
    """Name → (dtype, ndim) of every array in the network cache ("i": any signed integer, "U": text)."""
    floats = ("node_lat", "node_lon", "edge_km", "edge_hours", "edge_usd", "edge_co2")
    schema = {name: ("float64", 1) for name in floats}
    schema |= {"node_layer": ("int8", 1), "node_country": ("int16", 1), "first_out": ("int64", 1)}
    schema |= {"node_usable": ("bool", 1), "node_usable_in_layer": ("bool", 1), "head": ("int32", 1)}
    schema |= {"edge_mode": ("int8", 1), "edge_flags": ("int8", 1), "edge_ref": ("int32", 1)}
    schema |= {"place_node": ("int32", 1)} | {name: ("U", 0) for name in (*_NAME_ARRAYS, "meta")}
    schema |= {f"borders.{f.name}": ("float64", 1) for f in fields(BorderTable)}
    schema |= {"borders.country_a": ("int16", 1), "borders.country_b": ("int16", 1)}
    schema |= {"borders.gauge_change": ("int8", 1), "borders.crossing": ("int32", 1)}
    schema |= {f"services.{f.name}": ("float64", 1) for f in fields(ServiceTable)}
    schema |= {"services.service": ("int32", 1)}
    schema |= {"landmarks": ("int32", 1), "landmark_dist": ("float32", 3), "rail_ch.edge_ids": ("i", 1)}
    ch_dtypes = {"rank": "int32", "first_out": "int64", "head": "int32", "weight": "float64", "arc": "int32"}
    for objective in FIXED_OBJECTIVES:
        for f in fields(ContractionHierarchy):
            dtype = "int64" if f.name.startswith("arc_") else ch_dtypes[f.name.split("_", 1)[-1]]
            schema[f"rail_ch.{objective}.{f.name}"] = (dtype, 1)
    return schema


def _valid_graph(arrays: dict[str, np.ndarray], names: dict[str, list]) -> bool:
    """Sizes agree, the CSR is well formed and every node, mode, country, table and name index is in range."""
    n, m = arrays["node_lat"].size, arrays["head"].size
    borders, services = arrays["borders.crossing"].size, arrays["services.service"].size
    rows = {"node_": n, "edge_": m, "borders.": borders, "services.": services}
    countries = len(names["countries"])
    return (
        all(value.size == size for key, value in arrays.items() for p, size in rows.items() if key.startswith(p))
        and len(names["service_ids"]) == len(names["service_via"]) == services
        and arrays["place_node"].size == len(names["place_ids"])
        and is_csr(arrays["first_out"], n, m)
        and in_range(arrays["head"], 0, n)
        and in_range(arrays["place_node"], 0, n)
        and in_range(arrays["node_layer"], 0, len(Layer))
        and in_range(arrays["node_country"], -1, countries)
        and in_range(arrays["edge_mode"], 0, len(Mode))
        and all(non_negative(arrays[key]) for key in ("edge_km", "edge_hours", "edge_usd", "edge_co2"))
        and in_range(arrays["borders.country_a"], 0, countries)
        and in_range(arrays["borders.country_b"], 0, countries)
        and in_range(arrays["borders.gauge_change"], 0, len(GAUGE_CHANGE_KINDS))
        and in_range(arrays["borders.crossing"], -1, len(names["crossing_names"]))
        and in_range(arrays["services.service"], 0, len(names["service_names"]))
        and _valid_edge_refs(arrays, borders, services, len(names["place_ids"]))
    )


def _valid_edge_refs(arrays: dict[str, np.ndarray], borders: int, services: int, places: int) -> bool:
    """Border edges point into the border table, ferry and service edges into the service table, transfers to a
    place."""
    ref, mode = arrays["edge_ref"], arrays["edge_mode"]
    border = (arrays["edge_flags"] & EdgeFlag.BORDER) != 0
    service = (mode == Mode.FERRY) | (mode == Mode.SERVICE)
    transfer = mode == Mode.TRANSFER
    return (
        in_range(ref, 0, borders, where=border)
        and in_range(ref, 0, services, where=service)
        and in_range(ref, 0, places, where=transfer)
    )


def _valid_landmarks(arrays: dict[str, np.ndarray]) -> bool:
    """Landmarks are nodes, and the bound table is node × metric × landmark."""
    n, landmarks = arrays["node_lat"].size, arrays["landmarks"]
    return in_range(landmarks, 0, n) and arrays["landmark_dist"].shape == (n, len(METRICS), landmarks.size)


def _valid_rail_hierarchies(arrays: dict[str, np.ndarray]) -> bool:
    """The rail nodes come first, sub-edges map to graph edges, and each hierarchy is sound."""
    layer, edge_ids = arrays["node_layer"], arrays["rail_ch.edge_ids"]
    rail = int(np.count_nonzero(layer == Layer.RAIL))
    if not (bool(np.all(layer[:rail] == Layer.RAIL)) and in_range(edge_ids, 0, arrays["head"].size)):
        return False
    for objective in FIXED_OBJECTIVES:
        ch = {f.name: arrays[f"rail_ch.{objective}.{f.name}"] for f in fields(ContractionHierarchy)}
        if not _valid_hierarchy(ch, rail, edge_ids.size):
            return False
    return True


def _valid_hierarchy(ch: dict[str, np.ndarray], nodes: int, sub_edges: int) -> bool:
    """Ranks are a permutation; both upward graphs are CSR over ranks whose arcs go up (so a query ends) and point
    into the arc table; each arc is an original sub-edge or a shortcut of two arcs."""
    arcs, second = ch["arc_first"].size, ch["arc_second"]
    if not (is_permutation(ch["rank"], nodes) and second.size == arcs and in_range(second, -1, arcs)):
        return False
    for side in ("fwd", "bwd"):
        first_out, head = ch[f"{side}_first_out"], ch[f"{side}_head"]
        weight, arc = ch[f"{side}_weight"], ch[f"{side}_arc"]
        if not (
            weight.size == arc.size == head.size
            and is_csr(first_out, nodes, head.size)
            and in_range(head, 0, nodes)
            and in_range(arc, 0, arcs)
            and non_negative(weight)
            and bool(np.all(head > np.repeat(np.arange(nodes), np.diff(first_out))))
        ):
            return False
    original = second < 0
    return in_range(ch["arc_first"], 0, sub_edges, where=original) and in_range(
        ch["arc_first"], 0, arcs, where=~original
    )
