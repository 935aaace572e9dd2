"""A chart of a corridor comparison: days, USD and kg CO2e per TEU per corridor family."""

from __future__ import annotations

from corridor.charts import svg_figure
from corridor.compare import CorridorOption

__all__ = ["comparison_svg"]


def comparison_svg(options: list[CorridorOption], title: str) -> str:
    """Three horizontal bar panels (days, USD per TEU, kg CO2e per TEU), one bar per feasible family."""
    feasible = [(o.name, o.route) for o in options if o.route is not None][::-1]
    names = [name for name, _ in feasible]
    panels = (
        ("days", [r.days for _, r in feasible], "#4a7bb7"),
        ("USD per TEU", [r.usd_per_teu for _, r in feasible], "#d9822b"),
        ("kg CO2e per TEU", [r.kg_co2e_per_teu for _, r in feasible], "#3a9a5b"),
    )

    def draw(fig, ax) -> None:
        ax.remove()
        axes = fig.subplots(1, 3, sharey=True)
        for axis, (label, values, colour) in zip(axes, panels, strict=True):
            axis.barh(range(len(values)), values, color=colour)
            axis.set_xlabel(label)
            for i, v in enumerate(values):
                axis.annotate(f"{v:,.0f}" if v >= 100 else f"{v:.1f}", (v, i), xytext=(3, 0),
                              textcoords="offset points", va="center", fontsize=8)  # fmt: skip
        axes[0].set_yticks(range(len(names)), names, fontsize=8)
        fig.suptitle(title)

    return svg_figure(draw, size_inches=(12, 1.0 + 0.5 * max(len(names), 1)))
