"""Run a scenario (its own network, corridor comparisons, assignment) and diff two runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from corridor.compare import CorridorOption, compare_corridors, comparison_table
from corridor.datapack import load_pack
from corridor.engine import Engine
from corridor.errors import ScenarioError
from corridor.flows.assignment import assign_demand
from corridor.flows.demand import MAX_TOTAL_TEU_PER_YEAR, Demand, read_demand
from corridor.flows.run import FlowResult
from corridor.options import QueryOptions
from corridor.scenario.apply import Applied, apply_scenario
from corridor.scenario.schema import Scenario
from corridor.settings import Settings

__all__ = ["ScenarioDiff", "ScenarioResult", "diff_scenarios", "run_scenario"]

Progress = Callable[[str, float], None]


@dataclass
class ScenarioResult:
    """One scenario's corridor comparisons (per pair) and its assignment of the demand."""

    scenario: Scenario
    applied: Applied
    comparisons: dict[tuple[str, str], list[CorridorOption]]
    flows: FlowResult

    @property
    def name(self) -> str:
        return self.scenario.name

    def corridor_table(self) -> pd.DataFrame:
        """One row per (pair, corridor family): feasible, days, P50 and P90 transit days, USD and kg CO2e per TEU,
        why not."""
        return comparison_table(self.comparisons)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``scenario run --json`` and ``POST /scenario/run``."""
        return {
            "scenario": self.name,
            "chain": list(self.applied.names),
            "corridors": frame_records(self.corridor_table()),
            "flows": self.flows.summary,
            "bottlenecks": frame_records(self.flows.bottlenecks),
        }


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready rows, through pandas' JSON writer (missing and non-finite numbers as null)."""
    return json.loads(frame.to_json(orient="records"))


def _scaled(demand: Demand, scale: float) -> Demand:
    """The demand times ``scale``, held to the same bounds as a demand file (the scale is the fault)."""
    if scale == 1.0:
        return demand
    total = sum(r.teu_per_year for r in demand.rows) * scale
    if not total <= MAX_TOTAL_TEU_PER_YEAR:
        raise ScenarioError(
            f"demand.scale {scale:g}: {demand.source} would carry {total:.3g} TEU a year, over the "
            f"{MAX_TOTAL_TEU_PER_YEAR:.0e} a demand may hold",
            field="demand.scale",
        )
    rows = tuple(replace(r, teu_per_year=r.teu_per_year * scale) for r in demand.rows)
    return Demand(rows, f"{demand.source} × {scale:g}")


def run_scenario(
    scenario: Scenario,
    *,
    gap: float = 1e-6,
    progress: Progress | None = None,
    engine: Engine | None = None,
    settings: Settings | None = None,
) -> ScenarioResult:
    """Apply ``scenario`` to a copy of the data pack, join its network in memory, compare and assign.

    A scenario that changes no figure of the pack and closes no crossing (only countries, or
    nothing) runs on the baseline network — ``engine`` if given (a server's loaded network), else
    the cached one of ``settings``; anything else gets a network of its own, joined from the scenario's pack
    and the base network cached in the folder of ``settings`` (default: the one ``engine`` was loaded
    from). The scenario applies to
    the data pack of ``engine``, else of ``settings``.
    Every mistake in the scenario (an unknown name, a figure out of range, an unknown place in
    ``pairs``) raises ScenarioError here, before any network is built: the searches assume
    finite, non-negative edge costs.
    """
    say = progress or (lambda _s, _f: None)
    settings = settings or (engine.settings if engine is not None else None) or Settings()
    base = engine.pack if engine is not None else load_pack(settings.data_pack)
    applied = apply_scenario(base, scenario)
    if applied.pack != base or applied.closed_crossings:
        engine = Engine.from_pack(
            applied.pack, closed_crossings=applied.closed_crossings, progress=say, settings=settings, reference=engine
        )
    elif engine is None:
        engine = Engine.load(settings)
    options = QueryOptions.make(objective=applied.objective, avoid=applied.closed_countries)
    comparisons = {}
    for i, (o, d) in enumerate(applied.pairs):
        say(f"comparing corridors {o} → {d}", i / max(len(applied.pairs), 1))
        comparisons[(o, d)] = compare_corridors(engine, o, d, options)
    say("assigning demand", 1.0)
    demand = _scaled(read_demand(applied.demand_set), applied.demand_scale)
    flows = assign_demand(
        engine, demand, gap=gap, avoid=applied.closed_countries, progress=lambda stage, _done, _of: say(stage, 1.0)
    )
    return ScenarioResult(scenario, applied, comparisons, flows)


@dataclass
class ScenarioDiff:
    """How B differs from A: corridor options per pair, routes and flows of the assignment."""

    a: str
    b: str
    corridors: pd.DataFrame  # per pair and family: Δdays, ΔP50 and ΔP90 transit days, ΔUSD, ΔCO2e, feasibility change
    od: pd.DataFrame  # per demand pair: route in A and B, changed or not
    elements: pd.DataFrame  # per service/crossing/terminal: TEU in A and B, utilisation
    countries: pd.DataFrame  # TEU-km a year per country in A and B
    summary: dict

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``scenario compare --json`` and ``POST /scenario/compare``."""
        tables = ("corridors", "od", "elements", "countries")
        return {"summary": self.summary} | {name: frame_records(getattr(self, name)) for name in tables}


def diff_scenarios(a: ScenarioResult, b: ScenarioResult) -> ScenarioDiff:
    """Compare two scenario runs, B against A."""
    ta, tb = a.corridor_table(), b.corridor_table()
    keys = ["origin", "destination", "corridor"]
    corridors = ta.merge(tb, on=keys, how="outer", suffixes=("_a", "_b"))
    for metric in ("days", "p50_days", "p90_days", "usd_per_teu", "kg_co2e_per_teu"):
        corridors[f"delta_{metric}"] = corridors[f"{metric}_b"] - corridors[f"{metric}_a"]
    od = a.flows.od.merge(b.flows.od, on=["origin", "destination", "class"], how="outer", suffixes=("_a", "_b"))
    od["route_changed"] = od["route_a"] != od["route_b"]
    columns = ["origin", "destination", "class", "teu_per_year_a", "teu_per_year_b", "route_a", "route_b"]
    od = od[[*columns, "route_changed"]]

    def elements(result: FlowResult) -> pd.DataFrame:
        links = result.links[result.links["kind"] != "path"]
        return links.groupby(["kind", "name"], as_index=False).agg(
            teu_per_year=("teu_per_year", "sum"), utilisation=("utilisation", "max")
        )

    el = elements(a.flows).merge(elements(b.flows), on=["kind", "name"], how="outer", suffixes=("_a", "_b"))
    el = el.fillna({"teu_per_year_a": 0.0, "teu_per_year_b": 0.0})
    el["delta_teu_per_year"] = el["teu_per_year_b"] - el["teu_per_year_a"]
    el = el.sort_values("delta_teu_per_year", key=abs, ascending=False, kind="stable").reset_index(drop=True)

    def binding(result: FlowResult) -> str:
        b_ = result.bottlenecks
        return str(b_["name"].iloc[0]) if len(b_) else "none"

    countries = a.flows.countries().merge(b.flows.countries(), on="country", how="outer", suffixes=("_a", "_b"))
    countries = countries.fillna({"teu_km_per_year_a": 0.0, "teu_km_per_year_b": 0.0})
    countries["delta_teu_km_per_year"] = countries["teu_km_per_year_b"] - countries["teu_km_per_year_a"]
    countries = countries.sort_values("delta_teu_km_per_year", key=abs, ascending=False, kind="stable")
    countries = countries.reset_index(drop=True)
    summary = {
        "a": a.name,
        "b": b.name,
        "teu_hours_per_year_a": a.flows.summary["teu_hours_per_year"],
        "teu_hours_per_year_b": b.flows.summary["teu_hours_per_year"],
        "binding_capacity_a": binding(a.flows),
        "binding_capacity_b": binding(b.flows),
        "od_pairs_rerouted": int(od["route_changed"].sum()),
    }
    return ScenarioDiff(a.name, b.name, corridors, od, el, countries, summary)
