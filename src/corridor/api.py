"""The public Python API: load the network once, then ask for routes, comparisons, reach and flows.

``Network`` is a thin facade: each method checks its options once (``QueryOptions``) and hands
them to a verb, a function of the engine (``corridor.engine``) below it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.alternatives import Alternatives, find_alternatives
from corridor.compare import CorridorOption, compare_corridors
from corridor.constants import (
    DEFAULT_ASSIGN_GAP,
    DEFAULT_ASSIGN_METHOD,
    DEFAULT_COMPARE_OBJECTIVE,
    DEFAULT_DEMAND_SET,
    DEFAULT_DRAWS,
    DEFAULT_MAX_SNAP_KM,
    DEFAULT_OBJECTIVE,
    DEFAULT_PROFILE,
)
from corridor.datapack import DataPack, load_pack
from corridor.engine import Engine, pack_crossings, pack_places
from corridor.errors import OptionsError
from corridor.flows.assignment import assign_demand
from corridor.flows.calibrate import Calibration, calibrate
from corridor.flows.demand import Demand, read_demand
from corridor.flows.run import FlowResult
from corridor.network.graph import Graph
from corridor.network.places import PlaceIndex, PlaceQuery
from corridor.options import QueryOptions
from corridor.reach import ReachResult, reach
from corridor.results import CrossingInfo, PlaceInfo, Route, RoutePath
from corridor.routing.route import Router
from corridor.scale.skim import DEFAULT_SKIM_METRICS, skim
from corridor.settings import Settings
from corridor.sheet import quote_sheet
from corridor.validation.benchmarks import Benchmark, BenchmarkSet
from corridor.validation.run import validate as validate_engine

__all__ = ["CrossingInfo", "Network", "PlaceInfo", "list_crossings", "list_places", "validate"]

Progress = Callable[[str, float], None]


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
        transient=True,  # gone once built: stderr keeps only what the command says
    )
    task = None

    def update(step: str, fraction: float) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("building network cache", total=1.0)
        bar.update(task, completed=fraction, description=step)

    return update, bar.stop


class Network:
    """The world rail, road and sea network joined with the corridor data pack.

    Build it with ``Network.load()``: the first call converts the base layers into a cache
    (about a minute); later calls load that cache in about a second.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def graph(self) -> Graph:
        return self.engine.graph

    @property
    def pack(self) -> DataPack:
        return self.engine.pack

    @property
    def router(self) -> Router:
        return self.engine.router

    @property
    def place_index(self) -> PlaceIndex:
        return self.engine.place_index

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        cache_dir: str | Path | None = None,
        data_pack: str | Path | None = None,
        progress: bool | Progress = False,
        rebuild: bool = False,
    ) -> Network:
        """Load the network from the cache, building the cache first if it is missing or stale.

        Parameters
        ----------
        settings : where the cache lives and which data pack to read (``corridor.Settings``); or
        cache_dir, data_pack : the same given one by one (default: ``$CORRIDOR_CACHE_DIR`` or the
            user cache dir; the data pack shipped in the package).
        progress : a callback ``progress(step, fraction)`` while building, True for a bar on
            stderr, or False (the default) for none.
        rebuild : build the cache even if a valid one exists.
        """
        settings = _settings(settings, cache_dir, data_pack)
        close: Callable[[], None] = lambda: None  # noqa: E731
        say: Progress | None = progress if callable(progress) else None
        if progress is True and sys.stderr is not None:
            say, close = _rich_progress()
        try:
            engine = Engine.load(settings, progress=say, rebuild=rebuild)
        finally:
            close()
        return cls(engine)

    @classmethod
    def from_pack(
        cls,
        pack: DataPack,
        *,
        closed_crossings: Iterable[str] = (),
        progress: Progress | None = None,
        settings: Settings | None = None,
    ) -> Network:
        """A network built in memory from a data pack (a scenario's): the pack-independent base comes from
        its cache (built there first if missing); the network's own cache is never read or written."""
        return cls(Engine.from_pack(pack, closed_crossings=closed_crossings, progress=progress, settings=settings))

    # --- queries ------------------------------------------------------------------
    def route(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        via: Iterable[PlaceQuery] | str | None = None,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        objective: str = DEFAULT_OBJECTIVE,
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        as_of: date | str | None = None,
        profile: str = DEFAULT_PROFILE,
        depart: datetime | str | None = None,
        draws: int = DEFAULT_DRAWS,
        seed: int = 0,
        cargo_tonnes_per_teu: float | None = None,
    ) -> Route:
        """Best door-to-door route between two places, with its legs.

        Parameters
        ----------
        origin, destination : a place name (any case, diacritics optional), ``"lat,lon"`` or a
            ``(lat, lon)`` pair.
        via : places to pass through, in order: one place, or a list of them; a via may also name a scheduled
            service (ridden), a sea passage (sailed through) or a border crossing of ``crossings.csv`` (crossed
            there), by name or id.
        avoid : ISO-A2 country codes (a list, or comma text "RU,BY"); no node in them, nor a strait or
            canal they share, is ever used.
        modes : allowed modes among rail, road, sea, ferry, service (a list or comma text; default: all).
        objective : ``time`` (hours), ``cost`` (USD per TEU), ``co2`` (kg CO2e per TEU),
            ``generalized`` (hours × value of time + USD + t CO2e × carbon price) or ``distance`` (km).
        value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e : for ``generalized``;
            default to the data pack's values; finite, >= 0 and at most 1e6.
        max_snap_km : how far a coordinate may lie from the network (> 0, at most 1,000 km).
        as_of : the day asked for (a date or ``YYYY[-MM[-DD]]`` text; default: the data pack's as-of date):
            services, crossings, links, places and sea passages closed or suspended that day are not used.
        profile : ``intermodal`` (default: trucks only for pre- and on-carriage within the pack's
            ``road_carriage_max_km`` of an end or via place; in the EU within ``road_carriage_max_km_eu``, and none
            to a rail-served place when rail is allowed) or ``truck`` (road may carry the whole way).
        depart : when the container is ready at the origin (a datetime or ISO 8601 text; naive = UTC): the
            route is searched on time-dependent edges (a timetabled service is boarded at its next departure)
            and ``route.reliability`` gives arrival moments; outside the timetables' dates is an OptionsError.
        draws, seed : Monte Carlo draws (default 10,000; 0 for none) and their seed for ``route.reliability``,
            the transit-time distribution (planned, P10/P50/P90/P95, each leg's share of the spread).
        cargo_tonnes_per_teu : net cargo in the TEU, t (> 0, at most 30; default: the data pack's ``teu_net_tonnes``,
            10 t), for ``route.emissions``: its ISO 14083 tank-to-wheel and well-to-wheel kg CO2e by leg and hub,
            allocated by mass. ``route.kg_co2e_per_teu`` stays the well-to-wheel figure at the default weight.

        Raises
        ------
        UnknownPlaceError, CoordinateError, OptionsError : bad input; a wrong type or value of an option is
            an OptionsError whose ``option`` names it, raised before any search.
        NoRouteError : nothing connects the places under the constraints.
        """
        options = QueryOptions.make(
            via=via, avoid=avoid, modes=modes, objective=objective, max_snap_km=max_snap_km,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, as_of=as_of, profile=profile,
            depart=depart, draws=draws, seed=seed, cargo_tonnes_per_teu=cargo_tonnes_per_teu,
        )  # fmt: skip
        return self.engine.route(origin, destination, options)

    def alternatives(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        k: int = 3,
        via: Iterable[PlaceQuery] | str | None = None,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        objective: str = DEFAULT_OBJECTIVE,
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        as_of: date | str | None = None,
        profile: str = DEFAULT_PROFILE,
        draws: int = DEFAULT_DRAWS,
        seed: int = 0,
        rank: str = "objective",
    ) -> Alternatives:
        """Up to ``k`` (1–5) meaningfully different routes by the objective, best first, and the trade-off
        between days, USD and CO2: the best routes by time, cost and CO2 join them, and ``pareto`` marks the
        routes no other beats on all three; see ``corridor.alternatives``. Options as for :meth:`route` (no
        ``depart``: alternatives are searched on expected waits); each route carries its reliability.
        ``rank="p90"`` orders the routes by their transit P90 instead, the most reliable first."""
        options = QueryOptions.make(
            via=via, avoid=avoid, modes=modes, objective=objective, max_snap_km=max_snap_km,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, as_of=as_of, profile=profile,
            draws=draws, seed=seed,
        )  # fmt: skip
        return find_alternatives(self.engine, origin, destination, options, k=k, rank=rank)

    def quote_sheet(self, route: Route) -> str:
        """One printable HTML page about ``route`` for a customer: map, legs, days planned and P50/P90, cost by
        leg, emissions, the data pack's as-of date and the sources of the figures used; see ``corridor.sheet``."""
        return quote_sheet(route, self.pack)

    def path(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        via: Iterable[PlaceQuery] | str | None = None,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        objective: str = DEFAULT_OBJECTIVE,
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        as_of: date | str | None = None,
        profile: str = DEFAULT_PROFILE,
    ) -> RoutePath:
        """The same query as ``route`` answered with the line and totals only (no legs).

        Several times faster than ``route`` on long rail paths, for matrices and bulk work; the
        totals and the line are identical to ``route``'s.
        """
        options = QueryOptions.make(
            via=via, avoid=avoid, modes=modes, objective=objective, max_snap_km=max_snap_km,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, as_of=as_of, profile=profile,
        )  # fmt: skip
        return self.engine.path(origin, destination, options)

    def skim(
        self,
        origins: Iterable[PlaceQuery] | str,
        destinations: Iterable[PlaceQuery] | str | None = None,
        *,
        metrics: Iterable[str] | str = DEFAULT_SKIM_METRICS,
        objective: str = DEFAULT_OBJECTIVE,
        avoid: Iterable[str] | str | None = None,
        modes: Iterable[str] | str | None = None,
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        as_of: date | str | None = None,
        profile: str = DEFAULT_PROFILE,
        client: Any = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> pd.DataFrame:
        """Every origin × destination pair as ``path`` answers it, one search tree per origin: an OD skim.

        ``origins`` and ``destinations`` are lists of place names, ``"lat,lon"`` text or ``(lat, lon)`` pairs, or
        ``"all"`` (every place of the data pack); ``destinations`` None is the origins again. ``metrics`` are
        among ``days, hours, usd_per_teu, kg_co2e_per_teu, km``; the other options are ``path``'s (no via).
        ``client``: a Dask client (``corridor.cluster_client()``) to share the origins over its workers;
        ``progress(origins_done, origins)``.

        Returns a long DataFrame: ``origin, destination, feasible, <metrics…>, reason``, origin-major; an
        unreachable pair is infeasible with the NoRouteError text as its reason. See ``corridor.scale.skim``.
        """
        options = QueryOptions.make(
            avoid=avoid, modes=modes, objective=objective, max_snap_km=max_snap_km,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, as_of=as_of, profile=profile,
        )  # fmt: skip
        return skim(
            self.engine, origins, destinations, metrics=metrics, options=options, client=client, progress=progress
        )

    def compare(
        self,
        origin: PlaceQuery,
        destination: PlaceQuery,
        *,
        corridors: list[str] | str | None = None,
        objective: str = DEFAULT_COMPARE_OBJECTIVE,
        value_of_time_usd_per_teu_hour: float | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        avoid: Iterable[str] | str | None = None,
        as_of: date | str | None = None,
        draws: int = DEFAULT_DRAWS,
        seed: int = 0,
    ) -> list[CorridorOption]:
        """The best route through each corridor family of the data pack (Northern, Middle, Middle +
        Viking + Klaipėda, sea via Suez, sea via the Cape), side by side; see ``corridor.compare``.
        Each family's route carries its reliability (``draws`` seeded draws; 0 for none): P50 and P90 days."""
        options = QueryOptions.make(
            objective=objective, avoid=avoid, value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, as_of=as_of, draws=draws, seed=seed,
        )  # fmt: skip
        return compare_corridors(self.engine, origin, destination, options, corridors=corridors)

    def reach(
        self,
        origin: PlaceQuery,
        *,
        days: float | None = None,
        usd_per_teu: float | None = None,
        via: PlaceQuery | None = None,
        corridor: str | None = None,
    ) -> ReachResult:
        """Places and countries ``origin`` reaches within ``days`` (fastest) or ``usd_per_teu`` (cheapest),
        optionally through a gateway (``via``) and under a corridor family's rules; see ``corridor.reach``.
        ``origin`` and ``via`` are place names, 'lat,lon' text or (lat, lon) pairs."""
        return reach(self.engine, origin, days=days, usd_per_teu=usd_per_teu, via=via, corridor=corridor)

    def assign(
        self,
        demand: str | Path | Demand = DEFAULT_DEMAND_SET,
        *,
        method: str = DEFAULT_ASSIGN_METHOD,
        gap: float = DEFAULT_ASSIGN_GAP,
        max_seconds: float | None = None,
        value_of_time_usd_per_teu_hour: float | dict[str, float] | None = None,
        carbon_price_usd_per_t_co2e: float | None = None,
        rank_bottlenecks: bool = True,
        avoid: Iterable[str] | str | None = None,
        dispersion_per_usd: float | None = None,
        progress: Callable[[str, int, float], None] | None = None,
    ) -> FlowResult:
        """Share out a demand (TEU per year between places) over the corridors, with capacities.

        Parameters
        ----------
        demand : a shipped set by name (``corridor-2024``), a CSV or OMX file, or a ``Demand``.
        method : ``sue`` (default: each demand row split into its shipper segments, and each segment's boxes
            shared over its routes by logit on their cost, with the queues), ``ue`` (user equilibrium: every box
            takes its cheapest route given the queues) or ``so`` (system optimum: least total cost).
        gap : target relative gap (for ``sue``: the mean change of link flows relative to the flows).
        dispersion_per_usd : the logit dispersion of ``sue`` (default: the pack's, as calibrated).
        value_of_time_usd_per_teu_hour : one value, or one per demand class; default the pack's.
        carbon_price_usd_per_t_co2e : default the pack's.
        rank_bottlenecks : re-assign with each capacity raised to rank the bottlenecks.
        progress : ``progress(stage, done, total_or_gap)`` for the routing and assignment stages.

        Returns a ``FlowResult`` with ``.links``, ``.bottlenecks``, ``.od``, ``.gap_history`` and ``.fit`` (the
        pack's observed counts against the flows).
        """
        return assign_demand(
            self.engine, demand, method=method, gap=gap, max_seconds=max_seconds,
            value_of_time_usd_per_teu_hour=value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=carbon_price_usd_per_t_co2e, rank_bottlenecks=rank_bottlenecks,
            avoid=avoid, dispersion_per_usd=dispersion_per_usd, progress=progress,
        )  # fmt: skip

    def calibrate(
        self,
        demand: str | Path | Demand = DEFAULT_DEMAND_SET,
        *,
        max_evaluations: int = 400,
        progress: Callable[[int, float], None] | None = None,
    ) -> Calibration:
        """Fit the route-choice behaviour (dispersion, a value-of-time factor, segment shares) to the data pack's
        observed counts, holding some out; see ``corridor.flows.calibrate``."""
        dem = demand if isinstance(demand, Demand) else read_demand(demand)
        return calibrate(self.engine, dem, max_evaluations=max_evaluations, progress=progress)

    def validate(
        self,
        benchmarks: str | Path | BenchmarkSet | Iterable[Benchmark] | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> pd.DataFrame:
        """The model against published figures, one row per benchmark; see ``corridor.validation``."""
        return validate_engine(self.engine, benchmarks, progress=progress)

    def layer_segments(self, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each edge of the ``rail``, ``road`` or ``sea`` layer once, as (lon_a, lat_a, lon_b, lat_b)
        in degrees: what a map draws."""
        return self.engine.layer_segments(layer)

    def places(self, *, country: str | None = None, kind: str | None = None) -> list[PlaceInfo]:
        """The data pack's places, optionally filtered by ISO-A2 country and kind."""
        return pack_places(self.pack, country=country, kind=kind)

    def crossings(
        self, *, country: str | None = None, mode: str | None = None, as_of: date | str | None = None
    ) -> list[CrossingInfo]:
        """The data pack's border crossings (any of them may be a ``via``), optionally those of one ISO-A2 country
        or mode, each saying whether it is open on ``as_of`` (default: the pack's as-of date)."""
        return pack_crossings(self.pack, country=country, mode=mode, as_of=as_of)

    def report(self) -> dict[str, Any]:
        """The healing report: components before and after, links added, place snapping."""
        return self.engine.report()


def _settings(settings: Settings | None, cache_dir: str | Path | None, data_pack: str | Path | None) -> Settings:
    """One Settings value from either form ``Network.load`` takes."""
    if settings is not None and (cache_dir is not None or data_pack is not None):
        raise OptionsError("give settings, or cache_dir and data_pack, not both", option="settings")
    return settings or Settings(
        Path(cache_dir) if cache_dir is not None else None, Path(data_pack) if data_pack is not None else None
    )


def list_crossings(
    pack: DataPack | None = None,
    *,
    country: str | None = None,
    mode: str | None = None,
    as_of: date | str | None = None,
    settings: Settings | None = None,
) -> list[CrossingInfo]:
    """The border crossings of ``pack`` (default: the data pack of ``settings``; no network needed), optionally
    filtered by country and mode, each saying whether it is open on ``as_of``."""
    if pack is None:
        pack = load_pack((settings or Settings()).data_pack)
    return pack_crossings(pack, country=country, mode=mode, as_of=as_of)


def list_places(
    pack: DataPack | None = None,
    *,
    country: str | None = None,
    kind: str | None = None,
    settings: Settings | None = None,
) -> list[PlaceInfo]:
    """The places of ``pack`` (default: the data pack of ``settings``; no network needed), optionally
    filtered by country and kind."""
    if pack is None:
        pack = load_pack((settings or Settings()).data_pack)
    return pack_places(pack, country=country, kind=kind)


def validate(
    network: Network,
    benchmarks: str | Path | BenchmarkSet | Iterable[Benchmark] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """``network.validate(benchmarks)``: the model against published figures, one row per benchmark."""
    return network.validate(benchmarks, progress=progress)
