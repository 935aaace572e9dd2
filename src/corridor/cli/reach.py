"""``corridor reach``: the places and countries a terminal reaches within a budget of days or USD."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import corridor
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.options import Place
from corridor.cli.tables import echo_json, frame_table, out

__all__ = ["reach", "register"]

_PLACE_COLUMNS = [
    ("place", "place", "{}"), ("country", "country", "{}"), ("days", "days", "{:.1f}"),
    ("usd_per_teu", "USD/TEU", "{:,.0f}"), ("kg_co2e_per_teu", "kg CO2e/TEU", "{:,.0f}"), ("km", "km", "{:,.0f}"),
]  # fmt: skip


def reach(
    origin: Place,
    days: Annotated[float | None, typer.Option(help="Budget in days (fastest routes).")] = None,
    usd: Annotated[float | None, typer.Option(help="Budget in USD per TEU (cheapest routes).")] = None,
    via: Annotated[str | None, typer.Option(help="Gateway to pass first, e.g. Klaipeda.")] = None,
    corridor_id: Annotated[str | None, typer.Option("--corridor", help="A corridor family's rules.")] = None,
    geojson: Annotated[Path | None, typer.Option(help="Write isochrone polygons and places as GeoJSON.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print places and countries as JSON.")] = False,
) -> None:
    """Which places and countries a terminal reaches within N days (or USD), by gateway or corridor."""
    check_output(geojson, "geojson")
    result = network().reach(origin, days=days, usd_per_teu=usd, via=via, corridor=corridor_id)
    if geojson is not None:
        geojson.write_text(corridor.json_dumps(result.to_geojson()), encoding="utf-8")
    if as_json:
        echo_json(result.to_dict())
        return
    budget = f"{result.budget:g} days" if result.unit == "days" else f"US${result.budget:,.0f} per TEU"
    gateway = f" via {via}" if via else ""
    family = f", {corridor_id} rules" if corridor_id else ""
    title = f"Places {result.origin} reaches{gateway} within {budget}{family}"
    out.print(frame_table(title, result.places, _PLACE_COLUMNS))
    unit_fmt = "{:.1f}" if result.unit == "days" else "{:,.0f}"
    out.print(frame_table("Countries reached (first reached)", result.countries, [
        ("country", "country", "{}"), (result.unit, result.unit, unit_fmt), ("places_reached", "places", "{}"),
    ]))  # fmt: skip
    if geojson is not None:
        typer.echo(f"GeoJSON written to {geojson}")


def register(app: typer.Typer) -> None:
    app.command("reach")(reach)
