"""A self-contained validation report: summary tables, every row, and a chart of model vs published.

HTML (``.html``) inlines the chart as SVG; Markdown (``.md``) embeds it as a data URI. Neither
needs anything beside the one file.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.charts import svg_figure
from corridor.errors import OptionsError
from corridor.validation.run import Summary, summarise

__all__ = ["chart_svg", "display_rows", "display_summary", "write_report"]

_TITLE = "corridor: model against published figures"
_STATISTICS_TEXT = (
    "planned transit (no delays) where the row's statistic is planned, median transit (P50) where it is observed, "
    "and expected transit where it names none (expected)"
)


def chart_svg(frame: pd.DataFrame) -> str:
    """One line per benchmark: the published range and the model value, both divided by the range's midpoint."""
    rows = frame.iloc[::-1]
    mid = (rows["low"] + rows["high"]) / 2.0

    def draw(fig, ax) -> None:
        y = np.arange(len(rows))
        ok = (mid > 0).to_numpy()
        low, high = (rows["low"] / mid).to_numpy(), (rows["high"] / mid).to_numpy()
        ax.hlines(y[ok], low[ok], high[ok], color="#9ab", linewidth=6, label="published range")
        ratio = (rows["model"] / mid).where(mid > 0).to_numpy()
        inside = rows["inside"].to_numpy(bool)
        ax.scatter(ratio[inside], y[inside], color="#2a7", zorder=3, label="model, inside")
        ax.scatter(ratio[~inside], y[~inside], color="#c33", zorder=3, label="model, outside")
        ax.set_yticks(list(y), [f"{r.id} ({r.metric})" for r in rows.itertuples()], fontsize=8)
        ax.set_xscale("log")
        finite = ratio[np.isfinite(ratio) & (ratio > 0)]
        lo = min(0.5, float(finite.min()) * 0.9) if len(finite) else 0.5
        hi = max(2.0, float(finite.max()) * 1.1) if len(finite) else 2.0
        ax.set_xlim(lo, hi)
        ax.axvline(1.0, color="#ccc", linewidth=0.8)
        ax.set_xlabel("value ÷ midpoint of the published range (log scale)")
        ax.legend(loc="lower right", fontsize=8)

    return svg_figure(draw, size_inches=(9, 0.32 * len(rows) + 1.4))


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def display_rows(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "id": frame["id"],
            "asked": frame["asked"],
            "metric": frame["metric"],
            "statistic": frame.get("statistic", "expected"),
            "published": [
                _fmt(lo) if lo == hi else f"{_fmt(lo)}–{_fmt(hi)}"
                for lo, hi in zip(frame["low"], frame["high"], strict=True)
            ],
            "model": [_fmt(v) for v in frame["model"]],
            "fit": [
                "inside" if ins else ("failed: " + f if f else f"{e:+.1f}%")
                for ins, e, f in zip(frame["inside"], frame["error_pct"], frame["failure"], strict=True)
            ],
            "family": frame["family"],
            "as of": frame["as_of"],
            "source": frame["source"],
        }
    )
    return out


def display_summary(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": table["group"],
            "rows": table["rows"],
            "inside": [f"{s:.0%}" if not math.isnan(s) else "—" for s in table["share_inside"]],
            "median |error| to range, all rows": [_pct(v) for v in table["median_ape_pct"]],
            "median |error| to range, rows outside": [_pct(v) for v in table["median_ape_outside_pct"]],
            "failed": table["failed"],
        }
    )


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}%"


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _html(frame: pd.DataFrame, summary: Summary) -> str:
    def table(df: pd.DataFrame) -> str:
        return df.to_html(index=False, border=0, render_links=True, classes="t")

    problems = frame.attrs.get("problems", [])
    skipped = (
        "<h2>Rows skipped</h2><ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in problems) + "</ul>"
        if problems
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_TITLE}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }}
table.t {{ border-collapse: collapse; margin: 1em 0; }}
table.t th, table.t td {{ padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }}
table.t td {{ max-width: 28em; overflow-wrap: anywhere; }}
</style></head><body>
<h1>{_TITLE}</h1>
<p>Benchmarks: {html.escape(str(frame.attrs.get("origin", "")))}. Hours and days are terminal-to-terminal transit,
held against the model's {_STATISTICS_TEXT}; the error is the distance to the nearest end of the published range,
in percent of that end.</p>
<h2>Summary</h2>
{table(display_summary(summary.overall))}
<h3>Per metric</h3>
{table(display_summary(summary.by_metric))}
<h3>Per route family</h3>
{table(display_summary(summary.by_family))}
<h3>Per statistic</h3>
{table(display_summary(summary.by_statistic))}
<h2>Model against published ranges</h2>
{chart_svg(frame) if len(frame) else "<p>No rows.</p>"}
<h2>Every row</h2>
{table(display_rows(frame))}
{skipped}
</body></html>
"""


def _markdown(frame: pd.DataFrame, summary: Summary) -> str:
    parts = [
        f"# {_TITLE}",
        "",
        f"Benchmarks: {frame.attrs.get('origin', '')}. Hours and days are terminal-to-terminal transit, held against "
        f"the model's {_STATISTICS_TEXT}; the error is the distance to the nearest end of the published range, in "
        "percent of that end.",
        "",
        "## Summary",
        "",
        _markdown_table(display_summary(summary.overall)),
        "",
        "### Per metric",
        "",
        _markdown_table(display_summary(summary.by_metric)),
        "",
        "### Per route family",
        "",
        _markdown_table(display_summary(summary.by_family)),
        "",
        "### Per statistic",
        "",
        _markdown_table(display_summary(summary.by_statistic)),
        "",
    ]
    if len(frame):
        data = base64.b64encode(chart_svg(frame).encode()).decode()
        parts += [
            "## Model against published ranges",
            "",
            f"![model vs published](data:image/svg+xml;base64,{data})",
            "",
        ]
    parts += ["## Every row", "", _markdown_table(display_rows(frame)), ""]
    problems = frame.attrs.get("problems", [])
    if problems:
        parts += ["## Rows skipped", "", *[f"* {p}" for p in problems], ""]
    return "\n".join(parts)


def write_report(frame: pd.DataFrame, path: str | Path, summary: Summary | None = None) -> Path:
    """Write the report as HTML (``.html``, ``.htm``) or Markdown (``.md``), chosen by the suffix."""
    path = Path(path)
    summary = summary if summary is not None else summarise(frame)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text = _html(frame, summary)
    elif suffix in (".md", ".markdown"):
        text = _markdown(frame, summary)
    else:
        raise OptionsError(f"report {path.name!r}: use a .html or .md file name", option="report")
    path.write_text(text, encoding="utf-8")
    return path
