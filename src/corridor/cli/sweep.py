"""``corridor sweep``: many variants of one scenario from one YAML file, on a local Dask cluster, a running one, or
serially, into one table (Parquet or CSV)."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import corridor
from corridor.cli.files import check_output
from corridor.cli.settings import current_settings

__all__ = ["register", "sweep"]

_SUFFIXES = (".parquet", ".csv")


def sweep(
    sweep_file: Annotated[
        str, typer.Argument(metavar="sweep", help="A sweep YAML file, or a shipped sweep's name.", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the table to this .parquet or .csv file (default: CSV on stdout)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help=f"A running Dask scheduler's address, e.g. tcp://host:8786 (default: ${corridor.SCHEDULER_VARIABLE}; "
            f"without either, a local cluster); '{corridor.LOCAL_SCHEDULER}': a local cluster whatever the variable "
            "says."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Workers of a local cluster (default: the cores); 0 runs the sweep here, one run after another."
        ),
    ] = None,
    threads: Annotated[
        bool, typer.Option("--threads", help="A local cluster of threads in this process instead of processes.")
    ] = False,
) -> None:
    """Run every variant of a sweep (a base scenario, parameters, questions) and write one row per run."""
    check_output(out, "out", _SUFFIXES)
    if workers is not None and workers < 0:
        raise corridor.OptionsError(f"--workers must be 0 or more, not {workers}", option="workers")
    remote = corridor.scheduler_address(scheduler)
    if scheduler and remote and workers is not None:
        raise corridor.OptionsError("give --scheduler or --workers, not both", option="workers")
    serial = workers == 0
    remote = None if serial else remote
    if remote and workers is not None:
        raise corridor.OptionsError(
            f"--workers starts a local cluster, but ${corridor.SCHEDULER_VARIABLE} names one ({remote}): "
            f"unset it, leave --workers out, or add --scheduler {corridor.LOCAL_SCHEDULER}",
            option="workers",
        )
    spec = corridor.load_sweep(sweep_file)  # a bad file fails before any cluster starts
    where = f"on {remote}" if remote else "here" if serial else "on a local cluster"
    bar = Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)  # fmt: skip
    started = time.perf_counter()
    with bar:
        task = bar.add_task(f"{spec.name[:16]}: starting", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, description=f"{spec.name[:16]}: runs", completed=done, total=total)

        cluster = (
            contextlib.nullcontext(None)
            if serial
            else corridor.cluster_client(remote or corridor.LOCAL_SCHEDULER, workers=workers, processes=not threads)
        )
        with cluster as client:
            bar.update(task, description=f"{spec.name[:16]}: checking")
            table = corridor.sweep(spec, client=client, settings=current_settings(), progress=progress)
    seconds = time.perf_counter() - started
    info = table.attrs.get("sweep", {})
    joined = sum(info.get("joined", []))
    run_seconds = info.get("run_seconds", [])
    each = f", {sum(run_seconds) / len(run_seconds):.1f} s a run" if run_seconds else ""
    summary = (
        f"{spec.name}: {len(table)} runs ({spec.sample}, {joined} on networks of their own) {where} in "
        f"{seconds:.1f} s{each}; {table.shape[1]} columns"
    )
    if out is None:
        table.to_csv(sys.stdout)
        typer.echo(summary, err=True)
        return
    if out.suffix.lower() == ".parquet":
        table.to_parquet(out)
    else:
        table.to_csv(out)
    typer.echo(f"{summary} → {out}")


def register(app: typer.Typer) -> None:
    app.command()(sweep)
