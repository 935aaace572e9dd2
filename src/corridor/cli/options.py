"""Options several commands share, with the Python API's meaning and the library's defaults."""

from __future__ import annotations

from typing import Annotated

import typer

import corridor

__all__ = ["AsJson", "Avoid", "CarbonPrice", "Objective", "Place", "ValueOfTime", "split_names"]

Place = Annotated[str, typer.Argument(help="Place name or 'lat,lon'.")]
Avoid = Annotated[str | None, typer.Option(help="Countries to avoid, ISO-2 comma list, e.g. RU,BY.")]
Objective = Annotated[str, typer.Option(help=f"{' | '.join(corridor.OBJECTIVES)}.")]
ValueOfTime = Annotated[
    float | None, typer.Option(help="USD per TEU-hour (generalized only; default: the data pack's).")
]
CarbonPrice = Annotated[float | None, typer.Option(help="USD per t CO2e (generalized only; default: the data pack's).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def split_names(text: str | None) -> list[str] | None:
    """A comma list as names (None when not given)."""
    return [name.strip() for name in text.split(",") if name.strip()] if text else None
