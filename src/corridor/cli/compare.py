"""``corridor compare``: the best route through each corridor family, for one pair or a CSV of pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import JustifyMethod

import corridor
from corridor.cli.boundary import _one_line
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.options import (
    DEFAULT_DRAWS,
    AsOf,
    Avoid,
    CarbonPrice,
    Draws,
    Objective,
    Seed,
    ValueOfTime,
    split_names,
)
from corridor.cli.tables import echo_json, frame_table, new_table, out

__all__ = ["compare", "register"]

_MATRIX_COLUMNS = [
    ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
    ("days", "days", "{:.1f}"), ("p50_days", "P50 days", "{:.1f}"), ("p90_days", "P90 days", "{:.1f}"),
    ("usd_per_teu", "USD/TEU", "{:,.0f}"), ("kg_co2e_per_teu", "kg CO2e/TEU", "{:,.0f}"),
    ("gauge_changes", "gauge changes", "{}"), ("why_not", "why not", "{}"),
]  # fmt: skip
_PAIR_COLUMNS: list[tuple[str, JustifyMethod]] = [
    ("corridor", "left"), ("days", "right"), ("P50 days", "right"), ("P90 days", "right"), ("USD/TEU", "right"),
    ("kg CO2e/TEU", "right"), ("borders", "right"), ("gauge changes", "right"), ("countries / why not", "left"),
]  # fmt: skip
#: What the P50 and P90 columns are, under each table.
_PERCENTILES = (
    "days: expected, door to door; P50 / P90 days: the transit (terminal to terminal) that half and nine in ten "
    "containers beat, from the route's Monte Carlo draws"
)


def compare(
    origin: Annotated[str | None, typer.Argument(help="Place name or 'lat,lon'.")] = None,
    destination: Annotated[str | None, typer.Argument(help="Place name or 'lat,lon'.")] = None,
    matrix: Annotated[
        Path | None,
        typer.Option(
            help="Compare every pair of a CSV with origin,destination columns instead. A row that cannot be answered "
            "(an empty or unknown place, a place off the network) is reported on stderr with its line number and "
            "skipped; the exit status is 1 only when no row could be answered."
        ),
    ] = None,
    objective: Objective = corridor.DEFAULT_COMPARE_OBJECTIVE,
    corridor_ids: Annotated[
        str | None, typer.Option("--corridors", help="Only these corridor families (comma list of ids).")
    ] = None,
    avoid: Avoid = None,
    value_of_time: ValueOfTime = None,
    carbon_price: CarbonPrice = None,
    as_of: AsOf = None,
    draws: Draws = DEFAULT_DRAWS,
    seed: Seed = 0,
    chart: Annotated[Path | None, typer.Option(help="Write a bar chart (.svg) of days, USD and CO2e.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one object per corridor family as JSON.")] = False,
) -> None:
    """The best route through each corridor family, side by side: days, USD and CO2e per TEU, borders.

    With --matrix, a row that cannot be answered is listed on stderr by line number, and the others are answered.
    """
    check_output(chart, "chart")
    corridor.QueryOptions.make(draws=draws, seed=seed)  # a bad value costs no load
    one_pair = matrix is None and origin is not None and destination is not None
    if not (one_pair or (matrix is not None and origin is None)):
        raise corridor.OptionsError("give ORIGIN and DESTINATION, or --matrix FILE", option="matrix")
    rows = corridor.read_pairs(matrix, rows=True) if matrix is not None else []  # a bad file costs no load
    net = network()

    def options(a: str, b: str) -> list[corridor.CorridorOption]:
        return net.compare(
            a,
            b,
            corridors=split_names(corridor_ids),
            objective=objective,
            avoid=avoid,
            value_of_time_usd_per_teu_hour=value_of_time,
            carbon_price_usd_per_t_co2e=carbon_price,
            as_of=as_of,
            draws=draws,
            seed=seed,
        )

    if matrix is not None:
        answered: dict[tuple[str, str], list[corridor.CorridorOption]] = {}
        skipped: list[tuple[int, str]] = [(row.line, row.problem) for row in rows if row.problem]
        for row in rows:
            pair = (row.origin, row.destination)
            if row.problem or pair in answered:
                continue
            try:
                answered[pair] = options(*pair)
            except (corridor.UnknownPlaceError, corridor.CoordinateError) as exc:  # this row's place; other
                skipped.append((row.line, str(exc)))  # errors (an unknown corridor, a bad date) stop the batch
        for line, why in sorted(skipped):
            typer.echo(_one_line(f"{matrix}: line {line}: {why}"), err=True)
        if not answered:
            raise corridor.FileFormatError(
                f"{matrix}: none of its {len(rows)} rows could be answered (each is listed above)", path=str(matrix)
            )
        table = corridor.comparison_table(answered)
        if as_json:
            typer.echo(table.to_json(orient="records", force_ascii=False))
        else:
            out.print(frame_table(f"Corridors for {matrix} ({objective})", table, _MATRIX_COLUMNS))
            typer.echo(_PERCENTILES)
        if skipped:
            typer.echo(f"{len(skipped)} of {len(rows)} rows skipped (listed above)", err=True)
        return
    assert origin is not None and destination is not None  # one_pair, checked above
    found = options(origin, destination)
    if chart is not None:
        chart.write_text(corridor.comparison_svg(found, f"{origin} → {destination}"), encoding="utf-8")
    if as_json:
        echo_json([o.to_dict() for o in found])
        return
    out.print(_pair_table(f"{origin} → {destination} by corridor ({objective})", found))
    typer.echo(_PERCENTILES)
    if chart is not None:
        typer.echo(f"chart written to {chart}")


def _pair_table(title: str, found: list[corridor.CorridorOption]):
    table = new_table(title, _PAIR_COLUMNS)
    for o in found:
        r = o.route
        if r is None:
            table.add_row(o.name, "—", "—", "—", "—", "—", "—", "—", f"[red]{o.reason}[/]")
            continue
        table.add_row(
            o.name, f"{r.days:.1f}", _days(o.p50_days), _days(o.p90_days), f"{r.usd_per_teu:,.0f}",
            f"{r.kg_co2e_per_teu:,.0f}", str(len(r.border_crossings)), str(o.gauge_changes), "–".join(r.countries),
        )  # fmt: skip
    return table


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def register(app: typer.Typer) -> None:
    app.command()(compare)
