"""``corridor scenario run`` and ``corridor scenario compare``: what-if scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, JustifyMethod
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

import corridor
from corridor.cli.files import check_output
from corridor.cli.settings import current_settings
from corridor.cli.tables import echo_json, frame_table, new_table, out

__all__ = ["compare", "register", "run"]

_HTML = (".html", ".htm")
#: What the percentile columns are, under each corridor table.
_PERCENTILES = (
    "days: expected, door to door; P50 / P90: the transit days (terminal to terminal) that half and nine in ten "
    "containers beat, from each route's Monte Carlo draws"
)


def run(
    scenario: Annotated[str, typer.Argument(help="A scenario YAML file, or a shipped scenario's name.")],
    report: Annotated[Path | None, typer.Option(help="Write an HTML report.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the corridor table and flows summary as JSON.")
    ] = False,
) -> None:
    """Apply a scenario to a copy of the data pack, reroute, re-assign and report."""
    check_output(report, "report", _HTML)
    spec = corridor.load_scenario(scenario)
    bar, say = _progress(enabled=not as_json)
    with bar:
        result = corridor.run_scenario(spec, progress=say, settings=current_settings())
    if report is not None:
        corridor.write_scenario_report(result, report)
    if as_json:
        echo_json(result.to_dict())
        return
    _print_result(result)
    if report is not None:
        typer.echo(f"report written to {report}")


def compare(
    a: Annotated[str, typer.Argument(help="Scenario A (file or shipped name).")],
    b: Annotated[str, typer.Argument(help="Scenario B, compared against A.")],
    report: Annotated[Path | None, typer.Option(help="Write an HTML report.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """Scenario B against A: the pairs both ask (the others named), a sentence per changed corridor answer and flow
    (largest first), corridor days, USD and CO2e per pair, TEU-km per country."""
    check_output(report, "report", _HTML)
    spec_a, spec_b = corridor.load_scenario(a), corridor.load_scenario(b)
    bar, say = _progress(enabled=not as_json)
    with bar:
        settings = current_settings()
        result_a = corridor.run_scenario(spec_a, progress=lambda s, f: say(f"A: {s}", f / 2), settings=settings)
        same = spec_b == spec_a  # a run is deterministic: the same scenario twice is one run
        result_b = (
            result_a
            if same
            else corridor.run_scenario(spec_b, progress=lambda s, f: say(f"B: {s}", 0.5 + f / 2), settings=settings)
        )
    diff = corridor.diff_scenarios(result_a, result_b)
    if report is not None:
        corridor.write_diff_report(diff, result_a, result_b, report)
    if as_json:
        echo_json(diff.to_dict())
        return
    _print_diff(diff)
    if report is not None:
        typer.echo(f"report written to {report}")


def _progress(*, enabled: bool):
    bar = Progress(TextColumn("{task.description:<40}"), BarColumn(), console=Console(stderr=True), transient=True,
                   disable=not enabled)  # fmt: skip
    task = bar.add_task("scenario", total=1.0)

    def say(step: str, fraction: float) -> None:
        bar.update(task, description=step[:40], completed=min(max(fraction, 0.0), 1.0))

    return bar, say


def _print_result(result: corridor.ScenarioResult) -> None:
    out.print(frame_table(f"Scenario {result.name}: corridors", result.corridor_table(), [
        ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
        ("days", "days", "{:.1f}"), ("p50_days", "P50 days", "{:.1f}"), ("p90_days", "P90 days", "{:.1f}"),
        ("usd_per_teu", "USD/TEU", "{:,.0f}"), ("kg_co2e_per_teu", "kg CO2e", "{:,.0f}"), ("why_not", "why not", "{}"),
    ]))  # fmt: skip
    typer.echo(_PERCENTILES)
    out.print(frame_table(f"Scenario {result.name}: bottlenecks", result.flows.bottlenecks.head(8), [
        ("name", "name", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"), ("utilisation", "utilisation", "{:.0%}"),
        ("teu_hours_saved_per_year", "TEU-h saved/yr", "{:,.0f}"),
    ]))  # fmt: skip


#: Most sentences about flows printed; ``--json`` and ``--report`` give them all.
_FLOW_SENTENCES = 15
#: Under the corridor tables: how to read their cells.
_CELLS = (
    "Each cell: A → B (change), or one figure when A and B are the same. P50 / P90: the transit days (terminal to "
    "terminal) that half and nine in ten containers beat, from each route's Monte Carlo draws."
)


def _text_table(title: str, frame, *, text_columns: int) -> Table:
    """A table of text cells (already formatted, with units in the headers): the first ``text_columns`` columns
    left-aligned, figures right-aligned; no cell is read as markup."""
    justify: list[tuple[str, JustifyMethod]] = [
        (str(c), "left" if i < text_columns else "right") for i, c in enumerate(frame.columns)
    ]
    table = new_table(title, justify)
    for row in frame.itertuples(index=False):
        table.add_row(*(Text(str(cell)) for cell in row))
    return table


def _echo_lines(heading: str, lines: list[str], *, sentences: int, limit: int) -> None:
    """A heading and its lines as a list: the first ``sentences`` lines are sentences, of which at most ``limit``
    are shown (a line says how many more there are); the lines after them (the smaller changes) always are."""
    typer.echo(f"\n{heading}")
    for line in lines[: min(sentences, limit)]:
        typer.echo(f"  • {line}")
    if sentences > limit:
        typer.echo(f"  … and {sentences - limit} more (all of them with --json or --report)")
    for line in lines[sentences:]:
        typer.echo(f"  • {line}")


def _print_diff(diff: corridor.ScenarioDiff) -> None:
    """The comparison for people: headline lines, the pairs asked, the changes in sentences, and tables."""
    for line in diff.summary_lines():
        typer.echo(line)
    if diff.pairs_both:
        lines = diff.corridor_lines() or ["No corridor answer changes."]
        n = len(diff.corridor_changes)
        _echo_lines("Corridor answers that change (largest first):", lines, sentences=n, limit=n)
        rows = diff.corridor_rows()
        for pair, answers in rows.groupby("Pair", sort=False):
            title = f"{pair} (A = {diff.a}, B = {diff.b})"
            out.print(_text_table(title, answers.drop(columns="Pair"), text_columns=1))
        if (line := diff.no_route_line()) is not None:
            typer.echo(line)
        typer.echo(_CELLS)
    lines = diff.flow_lines() or ["No flow changes."]
    heading = f"Flows through services, crossings and terminals that change by {diff.min_teu_per_year:,.0f} TEU/year"
    _echo_lines(f"{heading} or more (largest first):", lines, sentences=len(diff.flow_changes), limit=_FLOW_SENTENCES)
    out.print(_text_table(f"Per country (A = {diff.a}, B = {diff.b})", diff.country_rows().head(12), text_columns=1))


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=app.info.cls, no_args_is_help=True, help="What-if scenarios: run one, or compare two.")
    group.command("run")(run)
    group.command("compare")(compare)
    app.add_typer(group, name="scenario")
