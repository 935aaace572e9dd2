"""Charts for the self-contained reports: matplotlib figures as inline SVG."""

from __future__ import annotations

import io
from collections.abc import Callable

__all__ = ["svg_figure"]


def svg_figure(draw: Callable, *, size_inches: tuple[float, float]) -> str:
    """Draw on a fresh figure with ``draw(fig, ax)`` and return it as an ``<svg>`` element.

    The XML prolog is dropped so the SVG can sit inside HTML; the figure is always closed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size_inches)
    try:
        draw(fig, ax)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg")
    finally:
        plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg") :]
