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
from corridor.errors import OptionsError, ScenarioError
from corridor.flows.assignment import assign_demand
from corridor.flows.demand import MAX_TOTAL_TEU_PER_YEAR, Demand, read_demand
from corridor.flows.run import FlowResult
from corridor.options import QueryOptions
from corridor.scenario import readable
from corridor.scenario.apply import Applied, apply_scenario
from corridor.scenario.changes import (
    MIN_DAYS,
    MIN_SHARE,
    MIN_TEU_PER_YEAR,
    CorridorChange,
    FlowChange,
    corridor_changes,
    corridor_frame,
    flow_changes,
    pair_names,
)
from corridor.scenario.readable import Pair, is_number
from corridor.scenario.schema import Scenario
from corridor.settings import Settings

__all__ = ["CorridorChange", "FlowChange", "ScenarioDiff", "ScenarioResult", "diff_scenarios", "run_scenario"]

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


@dataclass(frozen=True, eq=False)
class ScenarioDiff:
    """How B differs from A: the corridor answers of the pairs both ask, the pairs only one asks, the changes in
    words (largest first; those under the thresholds counted in one line), routes and flows of the assignment.

    The frames hold raw numbers (``to_dict`` keeps them); the ``*_rows`` methods and ``summary_lines`` give the
    same as text for people, with units.
    """

    a: str
    b: str
    corridors: pd.DataFrame  # per pair both ask and family: A, B and B − A of days, P50, P90, USD, CO2e
    od: pd.DataFrame  # per demand pair: route in A and B, changed or not
    elements: pd.DataFrame  # per service/crossing/terminal: TEU in A and B, utilisation
    countries: pd.DataFrame  # TEU-km a year per country in A and B
    summary: dict[str, Any]
    pairs_both: tuple[Pair, ...] = ()
    pairs_only_a: tuple[Pair, ...] = ()
    pairs_only_b: tuple[Pair, ...] = ()
    corridor_changes: tuple[CorridorChange, ...] = ()  # at or above the thresholds, largest first
    smaller_corridor_changes: tuple[CorridorChange, ...] = ()
    flow_changes: tuple[FlowChange, ...] = ()  # at or above min_teu_per_year, largest first
    smaller_flow_changes: tuple[FlowChange, ...] = ()
    min_days: float = MIN_DAYS
    min_share: float = MIN_SHARE
    min_teu_per_year: float = MIN_TEU_PER_YEAR

    def summary_lines(self) -> list[str]:
        """Which is A and B, TEU-hours, binding capacity, rerouted demand pairs and the pairs asked, a line each."""
        pairs = {"both": self.pairs_both, "only_a": self.pairs_only_a, "only_b": self.pairs_only_b}
        return readable.summary_lines(self.summary, **pairs)

    def corridor_lines(self) -> list[str]:
        """A sentence per changed corridor answer, largest first, and one line for the smaller changes."""
        smaller = self._smaller_corridors_line()
        return [c.text for c in self.corridor_changes] + ([smaller] if smaller else [])

    def flow_lines(self) -> list[str]:
        """A sentence per changed flow, largest first, and one line for the smaller changes."""
        smaller = self._smaller_flows_line()
        return [f.text for f in self.flow_changes] + ([smaller] if smaller else [])

    def corridor_rows(self) -> pd.DataFrame:
        """The corridor answers of the pairs both scenarios ask (with a route in A or B) as text, each cell
        ``A → B (change)``, under headers with units."""
        return readable.corridor_rows(self.corridors)

    def no_route_line(self) -> str | None:
        """The corridor families with no route in A or in B, and their pairs (left out of ``corridor_rows``)."""
        return readable.no_route_line(self.corridors)

    def flow_rows(self) -> pd.DataFrame:
        """TEU a year through each service, crossing and terminal in A and B, as text, largest change first."""
        return readable.flow_rows(self.elements)

    def country_rows(self) -> pd.DataFrame:
        """TEU-km a year per country in A and B, as text, largest change first."""
        return readable.country_rows(self.countries)

    def rerouted_rows(self) -> pd.DataFrame:
        """The demand pairs whose route changes, as text."""
        return readable.rerouted_rows(self.od)

    def _smaller_corridors_line(self) -> str | None:
        n = len(self.smaller_corridor_changes)
        return readable.smaller_corridors_line(n, min_days=self.min_days, min_share=self.min_share)

    def _smaller_flows_teu_per_year(self) -> float:
        return sum(abs(f.delta_teu_per_year) for f in self.smaller_flow_changes)

    def _smaller_flows_line(self) -> str | None:
        n, teu = len(self.smaller_flow_changes), self._smaller_flows_teu_per_year()
        return readable.smaller_flows_line(n, teu, min_teu_per_year=self.min_teu_per_year)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``scenario compare --json`` and ``POST /scenario/compare``: raw numbers (null where
        a side has no route), the pairs asked, the changes with their sentences, and the tables."""
        tables = ("corridors", "od", "elements", "countries")
        changes = {
            "thresholds": {"days": self.min_days, "share": self.min_share, "teu_per_year": self.min_teu_per_year},
            "corridors": [c.to_dict() for c in self.corridor_changes],
            "smaller_corridors": {
                "count": len(self.smaller_corridor_changes),
                "text": self._smaller_corridors_line(),
            },
            "flows": [f.to_dict() for f in self.flow_changes],
            "smaller_flows": {
                "count": len(self.smaller_flow_changes),
                "teu_per_year": self._smaller_flows_teu_per_year(),
                "text": self._smaller_flows_line(),
            },
        }
        pairs = {
            "both": [list(p) for p in self.pairs_both],
            "only_a": [list(p) for p in self.pairs_only_a],
            "only_b": [list(p) for p in self.pairs_only_b],
        }
        return {"summary": self.summary, "pairs": pairs, "changes": changes} | {
            name: frame_records(getattr(self, name)) for name in tables
        }


def _threshold(value: float, name: str) -> float:
    if not (is_number(value) and value >= 0):
        raise OptionsError(f"{name} {value!r}: expected a finite number >= 0", option=name)
    return float(value)


def diff_scenarios(
    a: ScenarioResult,
    b: ScenarioResult,
    *,
    min_days: float = MIN_DAYS,
    min_share: float = MIN_SHARE,
    min_teu_per_year: float = MIN_TEU_PER_YEAR,
) -> ScenarioDiff:
    """Compare two scenario runs, B against A.

    Corridor answers are compared for the pairs both scenarios ask (the others are listed by name). A
    corridor answer gets a sentence when a route appears or goes, or when its door-to-door or P90 days move
    by ``min_days`` or more, or its USD or kg CO2e per TEU by ``min_share`` or more; a flow (TEU a year
    through a service, crossing or terminal) when it moves by ``min_teu_per_year`` or more. Smaller changes
    are counted in one line. Sentences come largest change first: corridor answers by their largest relative
    change (a route that appears or goes first), flows by TEU a year.

    Raises OptionsError for a threshold that is negative or not a finite number.
    """
    min_days = _threshold(min_days, "min_days")
    min_share = _threshold(min_share, "min_share")
    min_teu_per_year = _threshold(min_teu_per_year, "min_teu_per_year")
    names_a = pair_names(a.comparisons, a.applied.pack.places)
    names_b = pair_names(b.comparisons, b.applied.pack.places)
    asked_a, asked_b = list(dict.fromkeys(names_a.values())), list(dict.fromkeys(names_b.values()))
    both = [p for p in asked_a if p in set(asked_b)]
    families = {o.corridor: o.name for r in (a, b) for options in r.comparisons.values() for o in options}
    tables = (a.corridor_table(), names_a, b.corridor_table(), names_b)
    corridors = corridor_frame(*tables, both=both, family_names=families)
    changes = corridor_changes(corridors)

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
    flows = flow_changes(el)

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
    return ScenarioDiff(
        a.name,
        b.name,
        corridors,
        od,
        el,
        countries,
        summary,
        pairs_both=tuple(both),
        pairs_only_a=tuple(p for p in asked_a if p not in set(asked_b)),
        pairs_only_b=tuple(p for p in asked_b if p not in set(asked_a)),
        corridor_changes=tuple(c for c in changes if not c.is_small(min_days=min_days, min_share=min_share)),
        smaller_corridor_changes=tuple(c for c in changes if c.is_small(min_days=min_days, min_share=min_share)),
        flow_changes=tuple(f for f in flows if abs(f.delta_teu_per_year) >= min_teu_per_year),
        smaller_flow_changes=tuple(f for f in flows if abs(f.delta_teu_per_year) < min_teu_per_year),
        min_days=min_days,
        min_share=min_share,
        min_teu_per_year=min_teu_per_year,
    )
