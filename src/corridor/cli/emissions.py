"""``corridor route``'s emissions table: ISO 14083 tank-to-wheel and well-to-wheel kg CO2e by leg and hub."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import corridor
from corridor.cli.tables import new_table, out

__all__ = ["CargoTonnes", "emissions_table", "print_emissions"]

CargoTonnes = Annotated[
    float | None,
    typer.Option(
        "--cargo-tonnes",
        help="Net cargo in the TEU, t, for its ISO 14083 emissions (> 0, at most 30; default: the data pack's "
        "teu_net_tonnes, 10 t).",
    ),
]


def emissions_table(r: corridor.Route) -> Table | None:
    """One row per leg that moves or handles the container (activity, carrier, t-km, TTW and WTW kg CO2e), one per
    hub, and the totals; None for a route without emissions."""
    e = r.emissions
    if e is None:
        return None
    table = new_table(
        f"Emissions, ISO 14083 / GLEC: one TEU with {e.cargo_tonnes_per_teu:g} t of cargo",
        [("leg", "left"), ("from → to", "left"), ("activity", "left"), ("energy", "left"), ("t-km", "right"),
         ("TTW kg CO2e", "right"), ("WTW kg CO2e", "right")],
    )  # fmt: skip
    for leg in e.legs:
        ends = leg.from_ if leg.from_ == leg.to else f"{leg.from_} → {leg.to}"
        activity = leg.activity.replace("_", " ") + (" (terminal access)" if leg.mode == "transfer" else "")
        if len(leg.km_by_country) > 1:
            activity += " (" + ", ".join(f"{c} {km:,.0f} km" for c, km in leg.km_by_country) + ")"
        table.add_row(
            f"{leg.index + 1} {leg.mode}", escape(ends), escape(activity), leg.carrier, f"{leg.tonne_km:,.0f}",
            f"{leg.ttw_kg_co2e:,.1f}", f"{leg.wtw_kg_co2e:,.1f}",
        )  # fmt: skip
    if e.hubs:
        table.add_section()
        for hub in e.hubs:
            moves = f"{hub.moves} container move{'s' if hub.moves > 1 else ''}"
            table.add_row(
                "hub", escape(hub.place), hub.hub.replace("_", " "), moves, "", f"{hub.ttw_kg_co2e:,.1f}",
                f"{hub.wtw_kg_co2e:,.1f}",
            )  # fmt: skip
    table.add_section()
    table.add_row("total", "", "", "", f"{e.tonne_km:,.0f}", f"{e.ttw_kg_co2e:,.1f}", f"{e.wtw_kg_co2e:,.1f}")
    return table


def print_emissions(r: corridor.Route) -> None:
    """The emissions table, the statement of method and how many factors it rests on (their URLs: ``--json``)."""
    table = emissions_table(r)
    if table is None or r.emissions is None:
        return
    e = r.emissions
    out.print(table)
    out.print(
        f"WTW {e.wtw_kg_co2e:,.1f} kg CO2e = TTW {e.ttw_kg_co2e:,.1f} (vehicles) + WTT {e.wtt_kg_co2e:,.1f} (energy "
        f"supply), for one TEU with {e.cargo_tonnes_per_teu:g} t of cargo.",
        highlight=False,
    )
    out.print(f"Method: {escape(e.method)}", highlight=False)
    out.print(f"Factors used: {len(e.sources)}, with their sources in --json (emissions.sources).", highlight=False)
