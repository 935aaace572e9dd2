"""What the commands print: JSON on stdout, and rich tables on a console wide enough for them."""

from __future__ import annotations

import math
from typing import Any

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

import corridor

__all__ = ["Column", "echo_json", "frame_table", "new_table", "out"]

#: (key in the frame, header, format: "{}" for text, left-aligned; anything else right-aligned)
Column = tuple[str, str, str]

out = Console(width=max(Console().width, 150))


def echo_json(value: Any) -> None:
    """``value`` as strict JSON on stdout (NaN and infinity as null)."""
    typer.echo(corridor.json_dumps(value))


def new_table(title: str | None, columns: list[tuple[str, JustifyMethod]], **options: Any) -> Table:
    """A table with ``(header, justify)`` columns whose long cells fold."""
    table = Table(title=title, title_justify="left", **options)
    for header, justify in columns:
        table.add_column(header, justify=justify, overflow="fold")
    return table


def frame_table(title: str, frame, columns: list[Column]) -> Table:
    """The rows of a data frame under ``columns``; a missing or non-finite number shows as a dash."""
    table = new_table(title, [(header, "left" if fmt == "{}" else "right") for _, header, fmt in columns])
    for row in frame.itertuples(index=False):
        cells = []
        for key, _, fmt in columns:
            value = getattr(row, key)
            missing = isinstance(value, float) and not math.isfinite(value)
            cells.append("—" if missing else fmt.format(value))
        table.add_row(*cells)
    return table
