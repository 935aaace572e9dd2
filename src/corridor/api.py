"""The public Python API: load the network once, then ask for routes and places."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corridor.compare import CorridorOption, compare_corridors
from corridor.datapack import DataPack, load_pack, pack_hash
from corridor.errors import DataError, InputError, OptionsError, UnknownPlaceError
from corridor.flows.demand import Demand, read_demand
from corridor.flows.network import VARIANTS, build_corridor_network
from corridor.flows.run import FlowResult, assign_corridor, demand_pairs
from corridor.network.build import build_graph
from corridor.network.cache import cache_key, load_or_build
from corridor.network.graph import Graph
from corridor.network.places import PlaceIndex, PlaceQuery
from corridor.reach import ReachResult, reach
from corridor.results import Route, RoutePath
from corridor.routing.fixed import RailHierarchies, build_rail_hierarchies
from corridor.routing.landmarks import compute_landmarks
from corridor.routing.route import ROUTABLE_MODES, Router, objective_coefficients
from corridor.units import EdgeFlag

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
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = values.split(",")
    codes = frozenset(v.strip().upper() for v in values if v and v.strip())
    bad = sorted(c for c in codes if len(c) != 2 or not c.isalpha())
    if bad:
        raise OptionsError(f"{option}: {', '.join(bad)} is not an ISO 3166-1 alpha-2 code (e.g. RU, BY)", option=option)
    return codes


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
        metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
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
        via : places to pass through, in order.
        avoid : ISO-A2 country codes; no node in them is ever used.
        modes : allowed modes among rail, road, sea, ferry, service (default: all).
        objective : ``time`` (hours), ``cost`` (USD per TEU), ``co2`` (kg CO2e per TEU),
            ``generalized`` (hours × value of time + USD + t CO2e × carbon price) or ``distance`` (km).
        value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e : for ``generalized``;
            default to the data pack's values.
        max_snap_km : how far a coordinate may lie from the network.

        Raises
        ------
        UnknownPlaceError, CoordinateError, OptionsError : bad input.
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
        """Check and normalise the query options shared by ``route`` and ``path``."""
        one_pair = isinstance(via, tuple) and len(via) == 2 and all(isinstance(v, int | float) for v in via)
        via_list = [via] if isinstance(via, str) or one_pair else list(via or [])
        avoid_set = _normalise_codes(avoid, "avoid")
        if modes is None:
            mode_set = frozenset(ROUTABLE_MODES)
        else:
            items = modes.split(",") if isinstance(modes, str) else list(modes)
            mode_set = frozenset(m.strip().lower() for m in items if m.strip())
            unknown = sorted(mode_set - set(ROUTABLE_MODES))
            if unknown:
                raise OptionsError(
                    f"unknown mode {', '.join(unknown)}; expected some of {', '.join(ROUTABLE_MODES)}", option="modes"
                )
            if not mode_set:
                raise OptionsError("modes is empty; allow at least one mode", option="modes")
        if objective != "generalized" and (vot is not None or price is not None):
            raise OptionsError(
                "value of time and carbon price apply only to objective 'generalized'", option="objective"
            )
        if max_snap_km <= 0:
            raise OptionsError("max_snap_km must be > 0", option="max_snap_km")
        coef = objective_coefficients(
            objective,
            value_of_time_usd_per_teu_hour=self.pack.param("value_of_time_usd_per_teu_hour") if vot is None else vot,
            carbon_price_usd_per_t_co2e=self.pack.param("carbon_price_usd_per_t_co2e") if price is None else price,
        )
        return {
            "via": tuple(via_list),
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
        corridors: list[str] | None = None,
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
        """Places and countries ``origin`` reaches within ``days`` (fastest) or ``usd_per_teu`` (cheapest),
        optionally through a gateway (``via``) and under a corridor family's rules; see ``corridor.reach``."""
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
        dem = demand if isinstance(demand, Demand) else read_demand(demand)
        for row in dem.rows:
            for place in (row.origin, row.destination):
                try:
                    self.place_index.find(place)
                except UnknownPlaceError as exc:
                    where = f"{dem.source}: line {row.line}: " if row.line else f"{dem.source}: "
                    raise InputError(f"{where}{exc}") from None
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


def _build_arrays(pack: DataPack, say: Progress) -> dict[str, np.ndarray]:
    graph = build_graph(pack, progress=say)
    tail = graph.edge_tail()
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
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
    try:
        n = len(arrays["node_lat"])
        m = len(arrays["head"])
        return (
            len(arrays["first_out"]) == n + 1
            and int(arrays["first_out"][-1]) == m
            and all(len(arrays[k]) == m for k in ("edge_km", "edge_hours", "edge_usd", "edge_co2", "edge_mode"))
            and arrays["landmark_dist"].shape[0] == n
            and (m == 0 or int(arrays["head"].max()) < n)
        )
    except (KeyError, IndexError, ValueError):
        return False
