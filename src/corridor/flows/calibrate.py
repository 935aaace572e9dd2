"""Calibration: the few behavioural parameters of route choice fitted to observed counts, never a factor per link.

What is fitted: the logit dispersion (one, per USD per TEU), a factor on every segment's value of time, and the
segment shares of each OD group (``segments.csv``). The cost a box of a land market sees on top of a route that
ships from its origin's country (``land_market_sea_usd_per_teu``) is not fitted: the 2024 counts only push it up
without bound (every such box on the land corridors), while what bounds it — how many of these shippers go to sea
when the land corridors close — is not in them; it stays the pack's estimate. The search starts from the pack's
sourced estimates (the ``*_start`` parameters and each segment's ``start_share``); the pack holds the fit reached
from them (the parameters without ``_start`` and ``share``), which assignments use. Everything else — the
network, its costs, capacities and queues, the demand — stays as the data pack has it. The objective is the WAPE
over the counts in scope that are not held out (``counts.csv``: ``scope = matched``, ``holdout = no``); the
held-out counts are reported apart, so the fit is not only tuning, and counts wider than the demand are listed in
neither. The route sets are built once (each pair's routes in the corridor variants); each trial is one
stochastic equilibrium on them. Nelder–Mead searches on transformed parameters (logs, and softmax for shares);
the dispersion stays in the pack's range, at most ``MAX_DISPERSION_PER_USD``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import minimize

from corridor.flows.counts import Count, read_counts
from corridor.flows.demand import Demand, read_demand
from corridor.flows.fit import CountFit, FitSummary, fit_counts, fit_summaries, summarise
from corridor.flows.network import CorridorNetwork, build_corridor_network, corridor_variants, resolve_demand_places
from corridor.flows.run import (
    RouteChoiceRules,
    assignable_network,
    class_demands,
    demand_pairs,
    land_only_rows,
    solve_assignment,
)
from corridor.flows.segments import Segment, land_groups, read_segments, segments_by_class, split_demand
from corridor.options import QueryOptions

if TYPE_CHECKING:
    from corridor.engine import Engine

__all__ = ["Behaviour", "Calibration", "behaviour_of_pack", "calibrate", "segment_demand", "starting_behaviour"]

#: The SUE gap each calibration trial is solved to.
TRIAL_GAP = 1e-4
#: The largest dispersion a fit may reach: the top of ``route_choice_dispersion_per_usd``'s range in the pack (a
#: route US$1 per TEU dearer than the cheapest gets e times fewer boxes: as good as deterministic choice).
MAX_DISPERSION_PER_USD = 1.0


@dataclass(frozen=True)
class Behaviour:
    """Route-choice parameters: dispersion per USD per TEU, a factor on the segments' values of time, each OD
    group's segment shares, and what a box of a land market sees on top of a route that ships from its origin's
    country (USD per TEU: the preference for the land corridors it was counted on, beyond their cost)."""

    dispersion_per_usd: float
    value_of_time_factor: float
    shares: dict[str, dict[str, float]] = field(default_factory=dict)
    land_sea_usd_per_teu: float = np.inf

    def to_dict(self) -> dict[str, Any]:
        return {
            "dispersion_per_usd": self.dispersion_per_usd,
            "value_of_time_factor": self.value_of_time_factor,
            "land_sea_usd_per_teu": self.land_sea_usd_per_teu,
            "shares": {g: {s: round(v, 4) for s, v in by.items()} for g, by in self.shares.items()},
        }


def behaviour_of_pack(engine: Engine, segments: dict[str, tuple[Segment, ...]]) -> Behaviour:
    """The behaviour the data pack holds, the one assignments use: its dispersion and value-of-time factor
    parameters (as calibrated) and the segments' shares."""
    return Behaviour(
        dispersion_per_usd=engine.pack.param("route_choice_dispersion_per_usd"),
        value_of_time_factor=engine.pack.param("value_of_time_factor"),
        shares={g: {s.name: s.share for s in segs} for g, segs in segments.items()},
        land_sea_usd_per_teu=engine.pack.param("land_market_sea_usd_per_teu"),
    )


def starting_behaviour(engine: Engine, segments: dict[str, tuple[Segment, ...]]) -> Behaviour:
    """Where calibration starts: the pack's estimates (``route_choice_dispersion_start_per_usd``,
    ``value_of_time_factor_start``, each segment's ``start_share``), so that ``corridor calibrate`` reproduces the
    fit the pack holds; a parameter without its start row starts from the pack's value (``land_market_sea_usd_per_teu``
    has none: it is not fitted)."""
    params = engine.pack.parameters
    held = behaviour_of_pack(engine, segments)

    def start(name: str, fallback: float) -> float:
        return params[name].value if name in params else fallback

    return Behaviour(
        dispersion_per_usd=start("route_choice_dispersion_start_per_usd", held.dispersion_per_usd),
        value_of_time_factor=start("value_of_time_factor_start", held.value_of_time_factor),
        shares={g: {s.name: s.start_share for s in segs} for g, segs in segments.items()},
        land_sea_usd_per_teu=held.land_sea_usd_per_teu,
    )


def segment_demand(
    demand: Demand, segments: dict[str, tuple[Segment, ...]], behaviour: Behaviour
) -> tuple[Demand, dict[str, float], dict[str, frozenset[str]]]:
    """The demand split into its groups' segments (``split_demand``) at the behaviour's shares, with each
    segment's value of time (the segment's × the behaviour's factor) and avoided countries, by class."""
    shared = {
        g: tuple(replace(s, share=behaviour.shares.get(g, {}).get(s.name, s.share)) for s in segs)
        for g, segs in segments.items()
    }
    split = split_demand(demand, shared)
    by_class = segments_by_class(segments)
    vot = {c: by_class[c].value_of_time_usd_per_teu_hour * behaviour.value_of_time_factor for c in by_class}
    avoid = {c: by_class[c].avoid for c in by_class}
    return split, vot, avoid


@dataclass(frozen=True)
class Calibration:
    """The initial and fitted behaviour, every count at the fitted behaviour, and the fit of the fitted and the
    held-out counts apart."""

    initial: Behaviour
    fitted: Behaviour
    fits: tuple[CountFit, ...]
    initial_fits: tuple[CountFit, ...]
    evaluations: int
    seconds: float

    @property
    def fitted_summary(self) -> FitSummary:
        return summarise([f for f in self.fits if f.role == "fitted"])

    @property
    def holdout_summary(self) -> FitSummary:
        return summarise([f for f in self.fits if f.role == "held out"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "initial": self.initial.to_dict(),
            "fitted": self.fitted.to_dict(),
            "fit": [f.to_dict() for f in self.fits],
            "fit_summary": fit_summaries(self.fits),
            "initial_fit_summary": fit_summaries(self.initial_fits),
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 2),
        }


class _Problem:
    """The fixed parts of a calibration: route sets, demand, segments, counts; ``flows(behaviour)`` solves one."""

    def __init__(self, engine: Engine, demand: Demand, segments, counts: Sequence[Count], cn: CorridorNetwork):
        self.engine, self.demand, self.segments, self.counts, self.cn = engine, demand, segments, counts, cn
        carbon = engine.pack.param("carbon_price_usd_per_t_co2e") / 1000.0
        self.network = assignable_network(cn, cn.capacity_teu_per_year, carbon)
        self.default_vot = engine.pack.param("value_of_time_usd_per_teu_hour")
        self.land_groups = land_groups(segments)

    def flows(self, behaviour: Behaviour) -> np.ndarray:
        demand, vot, avoid = segment_demand(self.demand, self.segments, behaviour)
        vot = {c: vot.get(c, self.default_vot * behaviour.value_of_time_factor) for c in demand.classes}
        land = land_only_rows(demand, self.land_groups)  # per trial: a zero share drops its rows
        rules = RouteChoiceRules(
            dict.fromkeys(demand.classes, behaviour.dispersion_per_usd), avoid, land, behaviour.land_sea_usd_per_teu
        )
        classes = class_demands(self.cn, demand, vot)
        return solve_assignment(self.cn, self.network, classes, "sue", TRIAL_GAP, rules, max_iterations=2000).flows

    def fits(self, behaviour: Behaviour) -> list[CountFit]:
        return fit_counts(self.cn, self.engine.pack, self.counts, self.flows(behaviour))


def _pack_vector(b: Behaviour, groups: list[tuple[str, list[str]]]) -> np.ndarray:
    x = [np.log(b.dispersion_per_usd), np.log(b.value_of_time_factor)]
    for g, names in groups:
        shares = np.array([max(b.shares[g][n], 1e-6) for n in names])
        x.extend(np.log(shares[1:] / shares[0]).tolist())
    return np.array(x)


def _unpack(x: np.ndarray, groups: list[tuple[str, list[str]]], base: Behaviour) -> Behaviour:
    shares = {g: dict(v) for g, v in base.shares.items()}
    at = 2
    for g, names in groups:
        logits = np.concatenate(([0.0], x[at : at + len(names) - 1]))
        at += len(names) - 1
        w = np.exp(logits - logits.max())
        shares[g] = dict(zip(names, (w / w.sum()).tolist(), strict=True))
    dispersion = min(float(np.exp(x[0])), MAX_DISPERSION_PER_USD)  # the pack's range: (0, 1]
    return Behaviour(dispersion, float(np.exp(x[1])), shares, base.land_sea_usd_per_teu)


def calibrate(
    engine: Engine,
    demand: str | Demand = "corridor-2024",
    *,
    counts: Sequence[Count] | None = None,
    segments: dict[str, tuple[Segment, ...]] | None = None,
    max_evaluations: int = 400,
    progress: Callable[[int, float], None] | None = None,
) -> Calibration:
    """Fit dispersion, value-of-time factor and segment shares to the counts not held out (see the module)."""
    start = time.perf_counter()
    dem = demand if isinstance(demand, Demand) else read_demand(demand)
    segments = read_segments() if segments is None else segments
    counts = read_counts(pack=engine.pack) if counts is None else tuple(counts)
    zones = resolve_demand_places(engine.router, dem)
    coef = engine.coefficients(QueryOptions.make(objective="generalized"))
    cn = build_corridor_network(
        engine.graph, engine.pack, engine.router, demand_pairs(dem), zones=zones, coef=coef,
        variants=corridor_variants(engine.pack),
    )  # fmt: skip
    problem = _Problem(engine, dem, segments, counts, cn)
    initial = starting_behaviour(engine, segments)
    used = {r.group for r in dem.rows}
    groups = [(g, [s.name for s in segs]) for g, segs in segments.items() if g in used and len(segs) > 1]
    fitted_counts = [c for c in counts if c.scope_matched and not c.holdout]
    observed = np.array([c.teu_per_year for c in fitted_counts])
    evaluations = 0
    best = [np.inf]

    def objective(x: np.ndarray) -> float:
        nonlocal evaluations
        evaluations += 1
        fits = fit_counts(cn, engine.pack, fitted_counts, problem.flows(_unpack(x, groups, initial)))
        model = np.array([f.model_teu_per_year for f in fits])
        wape = float(np.abs(model - observed).sum() / observed.sum())
        best[0] = min(best[0], wape)
        if progress is not None:
            progress(evaluations, best[0])
        return wape

    x0 = _pack_vector(initial, groups)
    found = minimize(
        objective, x0, method="Nelder-Mead",
        options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-5, "adaptive": True},
    )  # fmt: skip
    fitted = _unpack(found.x, groups, initial)
    return Calibration(
        initial=initial,
        fitted=fitted,
        fits=tuple(problem.fits(fitted)),
        initial_fits=tuple(problem.fits(initial)),
        evaluations=evaluations,
        seconds=time.perf_counter() - start,
    )
