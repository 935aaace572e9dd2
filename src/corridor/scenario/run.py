"""Run a scenario (its own network, corridor comparisons, assignment) and diff two runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from corridor.compare import CorridorOption, comparison_table
from corridor.datapack import load_pack
from corridor.errors import ScenarioError
from corridor.flows.demand import MAX_TOTAL_TEU_PER_YEAR, Demand, DemandRow, read_demand
from corridor.flows.run import FlowResult
from corridor.scenario.apply import Applied, apply_scenario
from corridor.scenario.schema import Scenario

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
        """One row per (pair, corridor family): feasible, days, USD and kg CO2e per TEU, why not."""
        return comparison_table(self.comparisons)


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
    rows = tuple(DemandRow(r.origin, r.destination, r.teu_per_year * scale, r.user_class, r.line) for r in demand.rows)
    return Demand(rows, f"{demand.source} × {scale:g}")


def run_scenario(scenario: Scenario, *, gap: float = 1e-6, progress: Progress | None = None) -> ScenarioResult:
    """Apply ``scenario`` to a copy of the data pack, build its network in memory, compare and assign.

    A scenario that changes no figure of the pack and closes no crossing (only countries, or
    nothing) runs on the cached baseline network; anything else gets a network of its own.
    Every mistake in the scenario (an unknown name, a figure out of range, an unknown place in
    ``pairs``) raises ScenarioError here, before any network is built: the searches assume
    finite, non-negative edge costs.
    """
    from corridor.api import Network

    say = progress or (lambda _s, _f: None)
    base = load_pack()
    applied = apply_scenario(base, scenario)
    if applied.pack == base and not applied.closed_crossings:
        net = Network.load(progress=False)
    else:
        net = Network.from_pack(applied.pack, closed_crossings=applied.closed_crossings, progress=say)
    comparisons = {}
    for i, (o, d) in enumerate(applied.pairs):
        say(f"comparing corridors {o} → {d}", i / max(len(applied.pairs), 1))
        comparisons[(o, d)] = net.compare(o, d, objective=applied.objective, avoid=applied.closed_countries)
    say("assigning demand", 1.0)
    demand = _scaled(read_demand(applied.demand_set), applied.demand_scale)
    flows = net.assign(
        demand, gap=gap, avoid=applied.closed_countries, progress=lambda stage, _done, _of: say(stage, 1.0)
    )
    return ScenarioResult(scenario, applied, comparisons, flows)


@dataclass
class ScenarioDiff:
    """How B differs from A: corridor options per pair, routes and flows of the assignment."""

    a: str
    b: str
    corridors: pd.DataFrame  # per pair and family: Δdays, ΔUSD, ΔCO2e, feasibility change
    od: pd.DataFrame  # per demand pair: route in A and B, changed or not
    elements: pd.DataFrame  # per service/crossing/terminal: TEU in A and B, utilisation
    countries: pd.DataFrame  # TEU-km a year per country in A and B
    summary: dict


def diff_scenarios(a: ScenarioResult, b: ScenarioResult) -> ScenarioDiff:
    """Compare two scenario runs, B against A."""
    ta, tb = a.corridor_table(), b.corridor_table()
    keys = ["origin", "destination", "corridor"]
    corridors = ta.merge(tb, on=keys, how="outer", suffixes=("_a", "_b"))
    for metric in ("days", "usd_per_teu", "kg_co2e_per_teu"):
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
