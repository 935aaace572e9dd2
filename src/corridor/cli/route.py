"""``corridor route``: the best route between two places, with its legs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import JustifyMethod
from rich.table import Table

import corridor
from corridor.cli.loading import network
from corridor.cli.options import AsOf, Avoid, CarbonPrice, Objective, Place, Profile, ValueOfTime
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["path", "register", "route"]

_LEG_COLUMNS: list[tuple[str, JustifyMethod]] = [
    ("mode", "left"), ("from", "left"), ("to", "left"), ("km", "right"), ("hours", "right"), ("USD/TEU", "right"),
    ("kg CO2e/TEU", "right"), ("countries", "left"), ("note", "left"),
]  # fmt: skip


def route(
    origin: Place,
    destination: Place,
    via: Annotated[list[str] | None, typer.Option("--via", help="Pass through this place (repeat, in order).")] = None,
    avoid: Avoid = None,
    modes: Annotated[
        str | None, typer.Option(help=f"Allowed modes, comma list of {','.join(corridor.ROUTABLE_MODES)}.")
    ] = None,
    objective: Objective = corridor.DEFAULT_OBJECTIVE,
    value_of_time: ValueOfTime = None,
    carbon_price: CarbonPrice = None,
    max_snap_km: Annotated[
        float, typer.Option(help="How far a 'lat,lon' may lie from the network, km.")
    ] = corridor.DEFAULT_MAX_SNAP_KM,
    as_of: AsOf = None,
    profile: Profile = corridor.DEFAULT_PROFILE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the route as JSON.")] = False,
) -> None:
    """Best route between two places, with its legs, days, cost and CO2."""
    r = network().route(
        origin,
        destination,
        via=via,
        avoid=avoid,
        modes=modes,
        objective=objective,
        value_of_time_usd_per_teu_hour=value_of_time,
        carbon_price_usd_per_t_co2e=carbon_price,
        max_snap_km=max_snap_km,
        as_of=as_of,
        profile=profile,
    )
    if as_json:
        echo_json(r.to_dict())
    else:
        out.print(route_table(r))


def path(
    origin: Place,
    destination: Place,
    via: Annotated[list[str] | None, typer.Option("--via", help="Pass through this place (repeat, in order).")] = None,
    avoid: Avoid = None,
    modes: Annotated[
        str | None, typer.Option(help=f"Allowed modes, comma list of {','.join(corridor.ROUTABLE_MODES)}.")
    ] = None,
    objective: Objective = corridor.DEFAULT_OBJECTIVE,
    value_of_time: ValueOfTime = None,
    carbon_price: CarbonPrice = None,
    max_snap_km: Annotated[
        float, typer.Option(help="How far a 'lat,lon' may lie from the network, km.")
    ] = corridor.DEFAULT_MAX_SNAP_KM,
    as_of: AsOf = None,
    profile: Profile = corridor.DEFAULT_PROFILE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the path as JSON.")] = False,
) -> None:
    """The same query as route, answered with the totals and the line only (fast, for bulk work)."""
    p = network().path(
        origin,
        destination,
        via=via,
        avoid=avoid,
        modes=modes,
        objective=objective,
        value_of_time_usd_per_teu_hour=value_of_time,
        carbon_price_usd_per_t_co2e=carbon_price,
        max_snap_km=max_snap_km,
        as_of=as_of,
        profile=profile,
    )
    if as_json:
        echo_json(p.to_dict())
        return
    typer.echo(
        f"{p.km:,.0f} km, {p.hours:,.1f} hours ({p.days:.1f} days), US${p.usd_per_teu:,.0f} and "
        f"{p.kg_co2e_per_teu:,.0f} kg CO2e per TEU, {len(p.nodes)} network nodes"
    )


def route_table(r: corridor.Route) -> Table:
    """One row per leg and a total."""
    table = new_table(f"{r.origin} → {r.destination}", _LEG_COLUMNS)
    for leg in r.legs:
        note = leg.service or ""
        if leg.border is not None and leg.border.gauge_change:
            note = f"gauge change: {leg.border.gauge_change.replace('_', ' ')}"
        if leg.wait_hours:
            note += f" (wait {leg.wait_hours:.1f} h)"
        if leg.synthetic_km >= 0.05:
            note += f" [{leg.synthetic_km:.1f} km healed]"
        table.add_row(
            leg.mode, leg.from_, leg.to, f"{leg.km:,.0f}", f"{leg.hours:,.1f}", f"{leg.usd_per_teu:,.0f}",
            f"{leg.kg_co2e_per_teu:,.0f}", "–".join(leg.countries), note.strip(),
        )  # fmt: skip
    table.add_section()
    table.add_row(
        "total", "", "", f"{r.km:,.0f}", f"{r.hours:,.1f}", f"{r.usd_per_teu:,.0f}", f"{r.kg_co2e_per_teu:,.0f}",
        "–".join(r.countries), f"{r.days:.1f} days, {len(r.border_crossings)} border crossings",
    )  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    app.command()(route)
    app.command()(path)
