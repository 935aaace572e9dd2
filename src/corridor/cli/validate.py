"""``corridor validate``: hold the model against published figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

import corridor
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["register", "validate"]

_REPORT_SUFFIXES = (".html", ".htm", ".md", ".markdown")


def validate(
    benchmarks: Annotated[Path | None, typer.Option(help="Benchmark CSV (default: the shipped set).")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write a report: a .html or .md file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows and the summary as JSON.")] = False,
) -> None:
    """Hold the model against published figures: one row per benchmark and a summary of the fit.

    Exit status 0 whether or not rows fall outside their range; 1 only when the file cannot be read.
    """
    check_output(report, "report", _REPORT_SUFFIXES)
    bench = corridor.read_benchmarks(benchmarks) if benchmarks is not None else corridor.shipped_benchmarks()
    for problem in bench.problems:
        typer.echo(f"warning: {bench.origin}: {problem} (row skipped)", err=True)
    if not bench.rows:
        typer.echo(f"warning: {bench.origin}: no benchmark rows", err=True)
    net = network()
    rows = bench.rows
    if not as_json and len(rows) > 3:
        rows = tuple(track(rows, description="routing benchmarks", console=Console(stderr=True), transient=True))
    frame = corridor.validate(net, type(bench)(rows, bench.problems, bench.origin))
    summary = corridor.summarise(frame)
    if report is not None:
        corridor.write_validation_report(frame, report, summary)
    if as_json:
        echo_json(corridor.validation_to_dict(frame, summary, bench.problems))
        return
    out.print(_rows_table(frame))
    for title, table in (("Summary", summary.overall), ("Per metric", summary.by_metric),
                         ("Per route family", summary.by_family),
                         ("Per statistic", summary.by_statistic)):  # fmt: skip
        out.print(_summary_table(title, table))
    if report is not None:
        typer.echo(f"report written to {report}")


def _rows_table(frame) -> Table:
    shown = corridor.validation_display_rows(frame)
    title = (
        "Model against published figures (hours and days: terminal-to-terminal transit; statistic: planned = "
        "transit without delays, observed = median, expected = expected value)"
    )
    table = Table(title=title)
    for col in shown.columns:
        table.add_column(col, overflow="fold", justify="right" if col in ("published", "model") else "left")
    for row in shown.itertuples(index=False):
        style = "green" if row.fit == "inside" else "red"
        table.add_row(*[f"[{style}]{v}[/]" if c == "fit" else str(v) for c, v in zip(shown.columns, row, strict=True)])
    return table


def _summary_table(title: str, data) -> Table:
    shown = corridor.validation_display_summary(data)
    table = new_table(title, [(col, "left" if col == "group" else "right") for col in shown.columns])
    for row in shown.itertuples(index=False):
        table.add_row(*map(str, row))
    return table


def register(app: typer.Typer) -> None:
    app.command()(validate)
