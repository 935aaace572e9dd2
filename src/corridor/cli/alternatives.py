"""The table of ``corridor route --alternatives K``: the routes side by side, the trade-off front marked."""

from __future__ import annotations

from rich.table import Table

import corridor
from corridor.cli.tables import new_table

__all__ = ["alternatives_table"]

_PARETO_TEXT = (
    "◆ on the trade-off front: no other route here is faster, cheaper and lower in CO2 at once; days: door to "
    "door, expected; P50/P90: the transit days (terminal to terminal) half and nine in ten containers beat"
)


def alternatives_table(alts: corridor.Alternatives) -> Table:
    """One row per route: its label, days (expected, P50, P90), USD and CO2 per TEU, km and countries."""
    table = new_table(
        f"{alts.origin} → {alts.destination}: {len(alts.routes)} routes",
        [("#", "right"), ("route", "left"), ("", "left"), ("days", "right"), ("P50", "right"), ("P90", "right"),
         ("USD/TEU", "right"), ("kg CO2e/TEU", "right"), ("km", "right"), ("countries", "left")],
        caption=_PARETO_TEXT,
        caption_justify="left",
    )  # fmt: skip
    for i, (route, label) in enumerate(zip(alts.routes, alts.labels, strict=True)):
        rel = route.reliability
        table.add_row(
            str(i + 1), label, "◆" if i in alts.pareto else "", f"{route.days:.1f}",
            f"{rel.p50_hours / 24:.1f}" if rel else "—", f"{rel.p90_hours / 24:.1f}" if rel else "—",
            f"{route.usd_per_teu:,.0f}", f"{route.kg_co2e_per_teu:,.0f}", f"{route.km:,.0f}", "–".join(route.countries),
        )  # fmt: skip
    return table
