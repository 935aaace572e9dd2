"""Self-contained HTML reports of a scenario run and of a scenario comparison."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from corridor.charts import svg_figure
from corridor.errors import OptionsError
from corridor.flows.report import flow_map_svg, html_table
from corridor.scenario.run import ScenarioDiff, ScenarioResult

__all__ = ["transit_table", "write_diff_report", "write_scenario_report"]

_STYLE = """<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table.t { border-collapse: collapse; margin: 1em 0; }
table.t th, table.t td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
</style>"""


#: What the percentile columns are, under each corridor table.
_PERCENTILES = (
    "days: expected, door to door; p50_days and p90_days: the transit (terminal to terminal) that half and nine in "
    "ten containers beat, from each route's Monte Carlo draws."
)


def _check(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OptionsError(f"report {path.name!r}: use a .html file name", option="report")
    return path


def write_scenario_report(result: ScenarioResult, path: str | Path) -> Path:
    """The scenario's corridor comparisons, flows map, bottlenecks and OD routes."""
    path = _check(path)
    s = result.scenario
    flows = result.flows
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scenario {html.escape(s.name)}</title>
{_STYLE}</head><body>
<h1>Scenario: {html.escape(s.name)}</h1>
<p>{html.escape(s.description)}</p>
<p>Chain: {html.escape(" → ".join(result.applied.names))}. Closed countries:
{html.escape(", ".join(sorted(result.applied.closed_countries)) or "none")}; closed crossings:
{html.escape(", ".join(sorted(result.applied.closed_crossings)) or "none")}.</p>
<h2>Corridors</h2>
{html_table(result.corridor_table())}
<p>{html.escape(_PERCENTILES)}</p>
<h2>Flows ({flows.summary["demand_teu_per_year"]:,.0f} TEU per year)</h2>
{flow_map_svg(flows)}
<h3>Bottlenecks</h3>
{html_table(flows.bottlenecks)}
<h3>Origin–destination routes</h3>
{html_table(flows.od)}
<h2>Sources</h2>
<ul>{"".join(f"<li>{html.escape(x)}</li>" for x in s.sources)}</ul>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def _country_chart(diff: ScenarioDiff) -> str:
    """Bars of the change in TEU-km a year per country (the 15 largest changes)."""
    top = diff.countries.head(15).iloc[::-1]

    def draw(fig, ax) -> None:
        values = top["delta_teu_km_per_year"].to_numpy() / 1e9
        ax.barh(range(len(top)), values, color=["#3a9a5b" if v >= 0 else "#c0392b" for v in values])
        ax.set_yticks(range(len(top)), list(top["country"]), fontsize=8)
        ax.set_xlabel(f"change in TEU-km a year, billions ({diff.b} − {diff.a})")
        ax.axvline(0, color="#888", linewidth=0.8)

    return svg_figure(draw, size_inches=(9, 0.3 * len(top) + 1.2))


_TRANSIT_COLUMNS = {
    "p50_days_a": "P50 days A", "p50_days_b": "P50 days B", "delta_p50_days": "Δ P50 days",
    "p90_days_a": "P90 days A", "p90_days_b": "P90 days B", "delta_p90_days": "Δ P90 days",
}  # fmt: skip


def transit_table(diff: ScenarioDiff) -> pd.DataFrame:
    """The P50 and P90 transit days of every pair and family feasible in A or B, in each and the change, as text
    (days to a tenth, changes to a hundredth: a shorter tail shows where the median barely moves)."""
    rows = diff.corridors[diff.corridors["feasible_a"].eq(True) | diff.corridors["feasible_b"].eq(True)]
    shown = rows[["origin", "destination", "corridor"]].copy()
    for key, header in _TRANSIT_COLUMNS.items():
        fmt = "{:+.2f}" if key.startswith("delta_") else "{:.1f}"
        shown[header] = [fmt.format(v) if isinstance(v, float) and math.isfinite(v) else "—" for v in rows[key]]
    return shown.reset_index(drop=True)


def write_diff_report(diff: ScenarioDiff, a: ScenarioResult, b: ScenarioResult, path: str | Path) -> Path:
    """Scenario B against A: corridor deltas, rerouted pairs, moved flows, both flow maps."""
    path = _check(path)
    summary = pd.DataFrame(list(diff.summary.items()), columns=["", "value"])
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(diff.b)} against {html.escape(diff.a)}</title>{_STYLE}</head><body>
<h1>{html.escape(diff.b)} against {html.escape(diff.a)}</h1>
{html_table(summary)}
<h2>Corridors: change per pair and family (B − A)</h2>
{html_table(diff.corridors)}
<p>{html.escape(_PERCENTILES)}</p>
<h2>Transit time: P50 and P90 days per pair and family (A, B, B − A)</h2>
{html_table(transit_table(diff))}
<h2>Demand pairs whose route changes</h2>
{html_table(diff.od[diff.od["route_changed"]])}
<h2>Flows moved between services, crossings and terminals</h2>
{html_table(diff.elements)}
<h2>Per country: TEU-km a year</h2>
{_country_chart(diff)}
{html_table(diff.countries)}
<h2>Flows in {html.escape(diff.a)}</h2>
{flow_map_svg(a.flows)}
<h2>Flows in {html.escape(diff.b)}</h2>
{flow_map_svg(b.flows)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
