"""``corridor places``: the data pack's places (no network needed)."""

from __future__ import annotations

from typing import Annotated

import typer

import corridor
from corridor.cli.options import AsJson
from corridor.cli.settings import current_settings
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["places", "register"]

_COLUMNS = ["id", "name", "country", "kinds", "lat", "lon", "handling h", "handling USD/TEU"]


def places(
    country: Annotated[str | None, typer.Option(help="Only places in this ISO-2 country.")] = None,
    kind: Annotated[
        str | None, typer.Option(help=f"Only places of this kind: {', '.join(corridor.PLACE_KINDS)}.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """List the data pack's places."""
    found = corridor.list_places(country=country, kind=kind, settings=current_settings())
    if as_json:
        echo_json([p.to_dict() for p in found])
        return
    table = new_table(None, [(col, "left") for col in _COLUMNS])
    for p in found:
        table.add_row(
            p.id, p.name, p.country, ", ".join(p.kinds), f"{p.lat:.3f}", f"{p.lon:.3f}", f"{p.handling_hours:g}",
            f"{p.handling_usd_per_teu:g}",
        )  # fmt: skip
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(places)
