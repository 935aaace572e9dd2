"""``corridor route``: the best route between two places, with its legs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table

import corridor
from corridor.cli.alternatives import alternatives_table
from corridor.cli.emissions import CargoTonnes, print_emissions
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.options import (
    DEFAULT_DRAWS,
    AsOf,
    Avoid,
    CarbonPrice,
    Depart,
    Draws,
    Objective,
    Place,
    Profile,
    Seed,
    ValueOfTime,
    Via,
)
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["arrival_line", "path", "register", "reliability_tables", "route", "route_table"]

_LEG_COLUMNS: list[tuple[str, JustifyMethod]] = [
    ("mode", "left"), ("from", "left"), ("to", "left"), ("km", "right"), ("hours", "right"), ("USD/TEU", "right"),
    ("kg CO2e/TEU", "right"), ("countries", "left"), ("note", "left"),
]  # fmt: skip


def route(
    origin: Place,
    destination: Place,
    via: Via = None,
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
    depart: Depart = None,
    draws: Draws = DEFAULT_DRAWS,
    seed: Seed = 0,
    cargo_tonnes_per_teu: CargoTonnes = None,
    reliability: Annotated[
        bool,
        typer.Option(
            "--reliability",
            help="After the legs, print the transit-time distribution: planned, mean, P10/P50/P90/P95, door to "
            "door, the buffer and planning-time indices, and the legs that make the spread.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the route as JSON (with its reliability).")] = False,
    alternatives: Annotated[
        int | None,
        typer.Option(
            "--alternatives",
            min=1,
            max=5,
            help="Answer K meaningfully different routes, best first, with the fastest, cheapest and lowest-CO2 "
            "routes and the trade-off front among them marked.",
        ),
    ] = None,
    rank: Annotated[
        str,
        typer.Option(
            "--rank",
            help="With --alternatives: order the routes by the objective (objective) or by their transit P90 "
            "(terminal to terminal), the most reliable first (p90).",
        ),
    ] = "objective",
    sheet: Annotated[
        Path | None, typer.Option("--sheet", help="Also write a printable quote sheet of the route (.html).")
    ] = None,
    geojson: Annotated[
        Path | None, typer.Option("--geojson", help="Also write the route as GeoJSON, one feature per leg.")
    ] = None,
) -> None:
    """Best route between two places, with its legs, days, cost and CO2."""
    # a bad value costs no load
    corridor.QueryOptions.make(depart=depart, draws=draws, seed=seed, cargo_tonnes_per_teu=cargo_tonnes_per_teu)
    if reliability and draws == 0:
        raise corridor.OptionsError("--reliability needs draws above 0", option="draws")
    if rank not in corridor.ALTERNATIVE_RANKS:
        raise corridor.OptionsError(f"--rank must be one of {', '.join(corridor.ALTERNATIVE_RANKS)}", option="rank")
    if rank != "objective" and alternatives is None:
        raise corridor.OptionsError("--rank orders alternatives: add --alternatives K", option="rank")
    check_output(sheet, "sheet", (".html", ".htm"))
    check_output(geojson, "geojson")
    if alternatives is not None:
        if depart is not None:
            raise corridor.OptionsError("--alternatives are searched on expected waits: drop --depart", option="depart")
        alts = network().alternatives(
            origin, destination, k=alternatives, via=via, avoid=avoid, modes=modes, objective=objective,
            value_of_time_usd_per_teu_hour=value_of_time, carbon_price_usd_per_t_co2e=carbon_price,
            max_snap_km=max_snap_km, as_of=as_of, profile=profile, draws=draws, seed=seed, rank=rank,
        )  # fmt: skip
        _write_files(alts.routes[0], sheet, geojson)
        if as_json:
            echo_json(alts.to_dict())
            return
        out.print(alternatives_table(alts))
        for route_, label in zip(alts.routes, alts.labels, strict=True):
            legs_table = route_table(route_)
            legs_table.title = f"{legs_table.title}: {label}"
            out.print(legs_table)
        return
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
        depart=depart,
        draws=draws,
        seed=seed,
        cargo_tonnes_per_teu=cargo_tonnes_per_teu,
    )
    _write_files(r, sheet, geojson)
    if as_json:
        echo_json(r.to_dict())
        return
    out.print(route_table(r))
    print_emissions(r)
    if reliability:
        for table in reliability_tables(r):
            out.print(table)
    elif depart is not None:
        typer.echo(arrival_line(r))


def _write_files(r: corridor.Route, sheet: Path | None, geojson: Path | None) -> None:
    """The quote sheet and the GeoJSON of a route, where asked (said on stderr, so --json stays clean)."""
    if sheet is not None:
        sheet.write_text(network().quote_sheet(r), encoding="utf-8")
        typer.echo(f"quote sheet written to {sheet}", err=True)
    if geojson is not None:
        geojson.write_text(corridor.json_dumps(r.to_geojson()), encoding="utf-8")
        typer.echo(f"GeoJSON written to {geojson}", err=True)


def path(
    origin: Place,
    destination: Place,
    via: Via = None,
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
    access = _access_text(r)
    if access:
        table.caption, table.caption_justify = access, "left"
    return table


def _access_text(r: corridor.Route) -> str:
    """Where an end that is a town or a point joins the network, when that is more than a km away: the access
    is not priced (the totals run from the network node)."""
    parts = []
    for end, km, leg in ((r.origin, r.snap_km[0], r.legs[0] if r.legs else None),
                         (r.destination, r.snap_km[1], r.legs[-1] if r.legs else None)):  # fmt: skip
        if leg is not None and km >= 1.0:
            node = leg.from_ if end == r.origin else leg.to
            at = "" if node == end else f" at {node},"
            parts.append(f"{end} joins the network{at} {km:,.0f} km away")
    return "; ".join(parts) + " (the access is not in the totals)" if parts else ""


_TRANSIT_TEXT = (
    "from departure at the origin to arrival at the destination, as operators publish it; door to door adds the "
    "wait for the first departure and the handling at the two ends"
)
_BUFFER_INDEX_TEXT = "(P95 − mean) / mean, the margin over the mean transit to allow to arrive on time 19 times in 20"
_PLANNING_INDEX_TEXT = "P95 / planned, the transit to plan for as a multiple of the transit without delays"


def reliability_tables(r: corridor.Route) -> list[Table | str]:
    """The route's transit-time distribution; its arrival moments when it was asked with a departure; the legs by
    their share of the spread (what makes the P90 long)."""
    rel = r.reliability
    if rel is None:
        return []
    parts: list[Table | str] = []
    summary = new_table(
        f"Reliability ({rel.draws:,} draws, seed {rel.seed})", [("", "left"), ("days", "right"), ("hours", "right")]
    )
    for name, hours in (
        ("transit planned (no delays)", rel.planned_hours), ("transit mean", rel.mean_hours),
        ("transit P10", rel.p10_hours), ("transit P50", rel.p50_hours), ("transit P90", rel.p90_hours),
        ("transit P95", rel.p95_hours),
    ):  # fmt: skip
        summary.add_row(name, f"{hours / 24:.1f}", f"{hours:,.1f}")
    summary.add_section()
    for name, hours in (
        ("door to door P10", rel.door_p10_hours), ("door to door P50", rel.door_p50_hours),
        ("door to door P90", rel.door_p90_hours),
    ):  # fmt: skip
        summary.add_row(name, f"{hours / 24:.1f}", f"{hours:,.1f}")
    parts.append(summary)
    parts.append(f"transit: {_TRANSIT_TEXT}")
    parts.append(f"buffer index {rel.buffer_index:.2f}: {_BUFFER_INDEX_TEXT}")
    parts.append(f"planning-time index {rel.planning_time_index:.2f}: {_PLANNING_INDEX_TEXT}")
    if rel.depart is not None:
        moments = new_table("Door to door, UTC", [("", "left"), ("moment", "left")])
        moments.add_row("departure", _moment(rel.depart))
        for name, when in (
            ("arrival, planned", rel.arrival_planned), ("arrival, P10", rel.arrival_p10),
            ("arrival, P50", rel.arrival_p50), ("arrival, P90", rel.arrival_p90),
        ):  # fmt: skip
            moments.add_row(name, _moment(when))
        parts.append(moments)
    legs = new_table(
        "What makes the P90 long: legs by their share of the spread",
        [("leg", "left"), ("from → to", "left"), ("planned h", "right"), ("P50 h", "right"), ("P90 h", "right"),
         ("share of spread", "right"), ("assumption", "left")],
        caption="share of spread: the leg's variance over the sum of the legs' variances",
        caption_justify="left",
    )  # fmt: skip
    for leg in sorted(rel.legs, key=lambda x: (-x.spread_share, x.index)):
        legs.add_row(
            f"{leg.index + 1} {leg.mode}", escape(_ends(leg)), f"{leg.planned_hours:,.1f}", f"{leg.p50_hours:,.1f}",
            f"{leg.p90_hours:,.1f}", f"{leg.spread_share:.1%}", escape(leg.assumption),
        )  # fmt: skip
    parts.append(legs)
    return parts


def arrival_line(r: corridor.Route) -> str:
    """One line: the departure asked and the planned, P50 and P90 arrival (UTC)."""
    rel = r.reliability
    if rel is None or rel.depart is None:
        return "no arrival estimate: the route was asked without draws (--draws 0)"
    return (
        f"departing {_moment(rel.depart)} UTC: arrival planned {_moment(rel.arrival_planned)}, "
        f"P50 {_moment(rel.arrival_p50)}, P90 {_moment(rel.arrival_p90)} (UTC, door to door)"
    )


def _moment(text: str | None) -> str:
    return "—" if text is None else text.replace("T", " ")


def _ends(leg: Any) -> str:
    return leg.from_ if leg.from_ == leg.to else f"{leg.from_} → {leg.to}"


def register(app: typer.Typer) -> None:
    app.command()(route)
    app.command()(path)
