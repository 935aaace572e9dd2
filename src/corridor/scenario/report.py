"""Self-contained HTML reports of a scenario run and of a scenario comparison."""

from __future__ import annotations

import html
from pathlib import Path

from corridor.charts import svg_figure
from corridor.errors import OptionsError
from corridor.flows.report import flow_map_svg, html_table
from corridor.scenario.readable import CORRIDOR_CELLS, quantity
from corridor.scenario.run import ScenarioDiff, ScenarioResult

__all__ = ["write_diff_report", "write_scenario_report"]

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


def _items(lines: list[str], tag: str = "ul") -> str:
    """Lines as an HTML list (escaped)."""
    return f"<{tag}>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + f"</{tag}>"


def _changes(diff: ScenarioDiff) -> str:
    """The changes in sentences, largest first, each list followed by its line about the smaller changes."""
    corridors = [c.text for c in diff.corridor_changes]
    smaller_corridors = diff.corridor_lines()[len(corridors) :]
    flows = [f.text for f in diff.flow_changes]
    smaller_flows = diff.flow_lines()[len(flows) :]
    limit = quantity(diff.min_teu_per_year, "teu_per_year")
    parts = []
    if diff.pairs_both:
        parts.append("<h3>Corridor answers (largest change first)</h3>")
        parts.append(_items(corridors, "ol") if corridors else "<p>No corridor answer changes.</p>")
        parts.extend(f"<p>{html.escape(x)}</p>" for x in smaller_corridors)
    parts.append(f"<h3>Flows through services, crossings and terminals: changes of {html.escape(limit)} or more "
                 "(largest first)</h3>")  # fmt: skip
    parts.append(_items(flows, "ol") if flows else "<p>No flow changes by that much.</p>")
    parts.extend(f"<p>{html.escape(x)}</p>" for x in smaller_flows)
    return "\n".join(parts)


def _corridors(diff: ScenarioDiff) -> str:
    """The corridor table of the pairs both ask, the families without a route in either, how to read the cells."""
    if not diff.pairs_both:
        return "<p>The two scenarios ask no pair in common: no corridor answer to compare.</p>"
    no_route = diff.no_route_line()
    return "\n".join(
        [
            html_table(diff.corridor_rows()),
            f"<p>{html.escape(no_route)}</p>" if no_route else "",
            f"<p>{html.escape(CORRIDOR_CELLS)}</p>",
        ]
    )


def write_diff_report(diff: ScenarioDiff, a: ScenarioResult, b: ScenarioResult, path: str | Path) -> Path:
    """Scenario B against A, for people: the headline figures and the pairs asked, the changes in sentences
    (largest first), the corridor answers of the pairs both ask, rerouted demand pairs, moved flows, TEU-km per
    country, both flow maps. Every figure carries its unit; the raw numbers are in ``diff.to_dict()``."""
    path = _check(path)
    title = f"{html.escape(diff.b)} against {html.escape(diff.a)}"
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>{_STYLE}</head><body>
<h1>{title}</h1>
{_items(diff.summary_lines())}
<h2>What changes</h2>
{_changes(diff)}
<h2>Corridors of the pairs both ask</h2>
{_corridors(diff)}
<h2>Demand pairs whose route changes</h2>
{html_table(diff.rerouted_rows())}
<h2>Flows through services, crossings and terminals</h2>
{html_table(diff.flow_rows())}
<p>Utilisation: the share of the capacity used; a dash where the data pack gives no capacity or nothing passes.</p>
<h2>Per country: TEU-km a year</h2>
{_country_chart(diff)}
{html_table(diff.country_rows())}
<h2>Flows in {html.escape(diff.a)} (A)</h2>
{flow_map_svg(a.flows)}
<h2>Flows in {html.escape(diff.b)} (B)</h2>
{flow_map_svg(b.flows)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
