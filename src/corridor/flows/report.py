"""A self-contained HTML report of an assignment: a map of flows, the bottlenecks, every pair."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.charts import svg_figure
from corridor.errors import OptionsError
from corridor.flows.run import FlowResult

__all__ = ["flow_map_svg", "html_table", "write_flow_report"]

_COLOURS = {"path": "#4a7bb7", "service": "#d9822b", "crossing": "#c0392b", "terminal": "#333333"}


def flow_map_svg(result: FlowResult) -> str:
    """Links drawn on country outlines, line width by TEU per year, colour by kind."""
    import shapely

    from corridor.network.countries import country_outlines

    links, geometry = result.links, result.network.geometry
    teu, kind = links["teu_per_year"].to_numpy(dtype=np.float64), links["kind"].to_numpy()
    used = [i for i in range(len(links)) if teu[i] > 0 and len(geometry[i]) >= 2]
    points = np.vstack([geometry[i] for i in used]) if used else np.array([[40.0, 60.0]])
    lat0, lat1 = points[:, 0].min() - 3, points[:, 0].max() + 3
    lon0, lon1 = points[:, 1].min() - 5, points[:, 1].max() + 5

    def draw(fig, ax) -> None:
        box = shapely.box(lon0, lat0, lon1, lat1)
        for _, shape in country_outlines(0.1):
            clipped = shapely.intersection(shape, box)
            for poly in getattr(clipped, "geoms", [clipped]):
                if isinstance(poly, shapely.Polygon) and not poly.is_empty:
                    x, y = poly.exterior.xy
                    ax.fill(x, y, color="#f2f2ee", edgecolor="#bbbbbb", linewidth=0.4, zorder=0)
        peak = max(float(links["teu_per_year"].max()), 1.0)
        for i in sorted(used, key=lambda i: teu[i]):
            coords = geometry[i]
            width = 0.6 + 7.0 * teu[i] / peak
            ax.plot(coords[:, 1], coords[:, 0], color=_COLOURS.get(kind[i], "#777"), linewidth=width,
                    solid_capstyle="round", alpha=0.8, zorder=2)  # fmt: skip
        for row in result.bottlenecks.head(5).to_dict(orient="records"):
            coords = geometry[row["link"]]
            if len(coords):
                lat, lon = coords[len(coords) // 2]
                ax.annotate(f"{row['name']}\n{row['utilisation']:.0%} full", (lon, lat), fontsize=7, zorder=3,
                            xytext=(6, 6), textcoords="offset points")  # fmt: skip
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect(1.3)
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.set_title("TEU per year (line width); blue: rail/road/sea, orange: services, red: crossings")

    return svg_figure(draw, size_inches=(12, 6.5))


def _number(v: float) -> str:
    if not np.isfinite(v):
        return "—"
    return f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}"


def html_table(frame: pd.DataFrame) -> str:
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            shown[col] = [_number(v) for v in shown[col]]
    return shown.to_html(index=False, border=0, classes="t", escape=True)


def write_flow_report(result: FlowResult, path: str | Path) -> Path:
    """Write the HTML report (``.html``); no file it needs lives anywhere else."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OptionsError(f"report {path.name!r}: use a .html file name", option="report")
    s = result.summary
    capacitated = result.links[result.links["kind"] != "path"]
    summary = pd.DataFrame(
        [
            ("demand, TEU per year", f"{s['demand_teu_per_year']:,.0f}"),
            ("method / algorithm", f"{s['method']} / {s['algorithm']}"),
            ("relative gap, iterations", f"{s['relative_gap']:.2e}, {s['iterations']}"),
            ("TEU-hours per year", f"{s['teu_hours_per_year']:,.0f}"),
            ("of which congestion delay", f"{s['congestion_delay_teu_hours_per_year']:,.0f}"),
            ("TEU per year above capacity (not carried in the year)", f"{s['over_capacity_teu_per_year']:,.0f}"),
            ("OD pairs whose route changes against the uncongested assignment", str(s["od_pairs_rerouted"])),
        ],
        columns=["", "value"],
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>corridor: flows and bottlenecks</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }}
table.t {{ border-collapse: collapse; margin: 1em 0; }}
table.t th, table.t td {{ padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }}
</style></head><body>
<h1>Flows and bottlenecks</h1>
{html_table(summary)}
<h2>Map</h2>
{flow_map_svg(result)}
<h2>Bottlenecks</h2>
<p>Capacitated links in use, ranked by the TEU-hours a year saved when the capacity is raised by a quarter
(each one re-assigned).</p>
{html_table(result.bottlenecks)}
<h2>Services, crossings and terminals</h2>
{html_table(capacitated.drop(columns=["link"]))}
<h2>Origin–destination pairs</h2>
{html_table(result.od)}
<p>Unroutable pairs: {html.escape(str(s.get("unroutable_pairs") or "none"))}</p>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
