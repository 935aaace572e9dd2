"""``corridor scenario run`` and ``corridor scenario compare``: what-if scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

import corridor
from corridor.cli.files import check_output
from corridor.cli.settings import current_settings
from corridor.cli.tables import echo_json, frame_table, out

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
    """Scenario B against A: corridor days, USD and CO2e per pair, rerouted pairs, moved flows."""
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


def _print_diff(diff: corridor.ScenarioDiff) -> None:
    s = diff.summary
    hours = f"{s['teu_hours_per_year_a']:,.0f} → {s['teu_hours_per_year_b']:,.0f}"
    binding = f"{s['binding_capacity_a']} → {s['binding_capacity_b']}"
    typer.echo(
        f"{diff.b} against {diff.a}: TEU-hours a year {hours}; binding capacity {binding}; "
        f"{s['od_pairs_rerouted']} pairs rerouted"
    )
    out.print(frame_table("Corridors: B − A", diff.corridors, [
        ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
        ("delta_days", "Δ days", "{:+.1f}"), ("p50_days_a", "P50 A", "{:.1f}"), ("p50_days_b", "P50 B", "{:.1f}"),
        ("delta_p50_days", "Δ P50", "{:+.1f}"), ("p90_days_a", "P90 A", "{:.1f}"), ("p90_days_b", "P90 B", "{:.1f}"),
        ("delta_p90_days", "Δ P90", "{:+.1f}"), ("delta_usd_per_teu", "Δ USD/TEU", "{:+,.0f}"),
        ("delta_kg_co2e_per_teu", "Δ kg CO2e", "{:+,.0f}"), ("feasible_b", "feasible in B", "{}"),
    ]))  # fmt: skip
    typer.echo(_PERCENTILES)
    out.print(frame_table("Flows moved (TEU per year)", diff.elements.head(12), [
        ("kind", "kind", "{}"), ("name", "name", "{}"), ("teu_per_year_a", "A", "{:,.0f}"),
        ("teu_per_year_b", "B", "{:,.0f}"), ("delta_teu_per_year", "B − A", "{:+,.0f}"),
    ]))  # fmt: skip
    out.print(frame_table("Per country: TEU-km a year", diff.countries.head(12), [
        ("country", "country", "{}"), ("teu_km_per_year_a", "A", "{:,.0f}"), ("teu_km_per_year_b", "B", "{:,.0f}"),
        ("delta_teu_km_per_year", "B − A", "{:+,.0f}"),
    ]))  # fmt: skip


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=app.info.cls, no_args_is_help=True, help="What-if scenarios: run one, or compare two.")
    group.command("run")(run)
    group.command("compare")(compare)
    app.add_typer(group, name="scenario")
