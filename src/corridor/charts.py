"""Charts for the self-contained reports: matplotlib figures as inline SVG.

A chart is drawn on its own ``matplotlib.figure.Figure`` with the SVG canvas: no pyplot, no
process-wide backend switch, nothing left open, safe from threads (the server draws reports).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from corridor.errors import ExtraNotInstalledError

__all__ = ["svg_figure"]


def svg_figure(draw: Callable, *, size_inches: tuple[float, float]) -> str:
    """Draw on a fresh figure with ``draw(fig, ax)`` and return it as an ``<svg>`` element.

    The XML prolog is dropped so the SVG can sit inside HTML.
    """
    try:
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        from matplotlib.figure import Figure
    except ImportError:
        raise ExtraNotInstalledError("charts and reports", "reports") from None

    fig = Figure(figsize=size_inches)
    FigureCanvasSVG(fig)
    ax = fig.add_subplot()
    draw(fig, ax)
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    return svg[svg.index("<svg") :]
