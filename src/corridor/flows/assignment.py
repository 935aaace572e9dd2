"""``assign``, the verb: a demand shared out over the corridors of an engine's network.

Reads the demand, resolves its places, builds the assignable corridor network from routes in
the corridor variants, and assigns it (``flows.run.assign_corridor``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.constants import (
    ASSIGN_METHODS,
    CARBON_PRICE_MAX_USD_PER_T_CO2E,
    DEFAULT_ASSIGN_GAP,
    DEFAULT_ASSIGN_METHOD,
    DEFAULT_DEMAND_SET,
    VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR,
)
from corridor.errors import OptionsError
from corridor.flows.calibrate import behaviour_of_pack, segment_demand
from corridor.flows.counts import read_counts
from corridor.flows.demand import Demand, read_demand
from corridor.flows.fit import fit_counts
from corridor.flows.network import build_corridor_network, corridor_variants, resolve_demand_places
from corridor.flows.run import FlowResult, RouteChoiceRules, assign_corridor, demand_pairs, land_only_rows
from corridor.flows.segments import land_groups, read_segments
from corridor.options import QueryOptions
from corridor.routing.options import check_number, country_codes

if TYPE_CHECKING:
    from corridor.engine import Engine

__all__ = ["assign_demand"]


def _value_of_time(value: float | dict[str, float] | None) -> float | dict[str, float] | None:
    """A value of time (USD per TEU-hour), or one per demand class, each finite and within bounds."""
    option = "value_of_time_usd_per_teu_hour"
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: check_number(v, option, high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR) for k, v in value.items()}
    return check_number(value, option, high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR)


def assign_demand(
    engine: Engine,
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
    """Share out ``demand`` (TEU per year between places) over the corridors, with capacities.

    See ``Network.assign`` for the parameters. Options are checked before the demand is read. With method
    ``sue`` each demand row is split into its OD group's shipper segments (``segments.csv``: share, value of
    time, avoided countries; a land-market box pays to ship from its origin's country) and each
    segment's boxes are shared over its routes by logit (``dispersion_per_usd``; None: the pack's
    ``route_choice_dispersion_per_usd``). The result carries the fit to the pack's counts.
    """
    vot_given = _value_of_time(value_of_time_usd_per_teu_hour)
    if carbon_price_usd_per_t_co2e is not None:
        carbon_price_usd_per_t_co2e = check_number(
            carbon_price_usd_per_t_co2e, "carbon_price_usd_per_t_co2e", high=CARBON_PRICE_MAX_USD_PER_T_CO2E
        )
    closed = country_codes(avoid, "avoid")
    if method not in ASSIGN_METHODS:
        raise OptionsError(f"unknown method {method!r}; use one of {', '.join(ASSIGN_METHODS)}", option="method")
    if dispersion_per_usd is not None:
        dispersion_per_usd = check_number(dispersion_per_usd, "dispersion_per_usd", high=1.0, allow_zero=False)
    dem = demand if isinstance(demand, Demand) else read_demand(demand)
    zones = resolve_demand_places(engine.router, dem)  # names or 'lat,lon'; errors name the line
    default_vot = engine.pack.param("value_of_time_usd_per_teu_hour")
    vot = default_vot if vot_given is None else vot_given
    price = engine.pack.param("carbon_price_usd_per_t_co2e")
    price = price if carbon_price_usd_per_t_co2e is None else carbon_price_usd_per_t_co2e
    routing = QueryOptions.make(
        objective="generalized",
        value_of_time_usd_per_teu_hour=vot if not isinstance(vot, dict) else default_vot,
        carbon_price_usd_per_t_co2e=price,
    )
    cn = build_corridor_network(
        engine.graph,
        engine.pack,
        engine.router,
        demand_pairs(dem),
        zones=zones,
        coef=engine.coefficients(routing),
        variants=tuple((name, countries | closed) for name, countries in corridor_variants(engine.pack)),
        progress=(lambda done, total: progress("routing demand pairs", done, total)) if progress else None,
    )
    rules = None
    if method == "sue":
        segments = read_segments()
        behaviour = behaviour_of_pack(engine, segments)
        if dispersion_per_usd is not None:
            behaviour = replace(behaviour, dispersion_per_usd=dispersion_per_usd)
        dem, segment_vot, segment_avoid = segment_demand(dem, segments, behaviour)
        if vot_given is None:  # each segment's own value of time; a class of the user's the pack's default
            vot = {c: segment_vot.get(c, default_vot * behaviour.value_of_time_factor) for c in dem.classes}
        rules = RouteChoiceRules(
            dict.fromkeys(dem.classes, behaviour.dispersion_per_usd),
            {c: a | closed for c, a in segment_avoid.items()},
            land_only_rows(dem, land_groups(segments)),
            behaviour.land_sea_usd_per_teu,
        )
    result = assign_corridor(
        cn,
        dem,
        value_of_time_usd_per_teu_hour=vot,
        carbon_price_usd_per_t_co2e=price,
        method=method,
        gap=gap,
        max_seconds=max_seconds,
        rank_bottlenecks=rank_bottlenecks,
        progress=(lambda it, g: progress("assigning", it, g)) if progress else None,
        rules=rules,
    )
    flows = result.links["teu_per_year"].to_numpy()
    result.fit = tuple(fit_counts(cn, engine.pack, read_counts(pack=engine.pack), flows))
    return result
