"""``corridor places`` and ``corridor crossings``: the data pack's places and border crossings (no network needed)."""

from __future__ import annotations

from typing import Annotated

import typer

import corridor
from corridor.cli.options import AsJson, AsOf
from corridor.cli.settings import current_settings
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["crossings", "places", "register"]

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


def crossings(
    country: Annotated[str | None, typer.Option(help="Only crossings of this ISO-2 country.")] = None,
    mode: Annotated[str | None, typer.Option(help="Only rail or only road crossings.")] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """List the data pack's border crossings: dwell, fee, gauge change, and whether each is open on the day asked.
    Any of them may be a --via, by name or id."""
    found = corridor.list_crossings(country=country, mode=mode, as_of=as_of, settings=current_settings())
    if as_json:
        echo_json([c.to_dict() for c in found])
        return
    table = new_table(
        None,
        [("id", "left"), ("name", "left"), ("countries", "left"), ("mode", "left"), ("dwell h", "right"),
         ("fee USD/TEU", "right"), ("gauge change", "left"), ("status", "left")],
    )  # fmt: skip
    for c in found:
        gauge = f"{c.gauge_change} {c.gauge_change_hours:g} h" if c.gauge_change and c.gauge_change_hours else ""
        table.add_row(
            c.id, c.name, f"{c.country_a}–{c.country_b}", c.mode, f"{c.dwell_hours:g}",
            "" if c.fee_usd_per_teu is None else f"{c.fee_usd_per_teu:g}", gauge or (c.gauge_change or ""),
            "open" if c.open else str(c.closed).replace(f"crossing {c.name} ", ""),
        )  # fmt: skip
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(places)
    app.command()(crossings)
