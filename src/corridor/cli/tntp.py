"""``corridor assign-tntp``: assign a TNTP benchmark network folder and report the convergence.

Errors become one line ``error: …`` on stderr and exit status 1 (the CLI's one error boundary); the
progress bar goes to stderr and is left out with ``--json``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

import corridor
from corridor.cli.boundary import _Commands
from corridor.cli.files import check_output

__all__ = ["assign_tntp", "register"]


def _progress_fraction(gap: float, first_gap: float, target: float) -> float:
    """Share of the way from the first gap to the target, on a log scale."""
    if gap <= target or first_gap <= target:
        return 1.0
    if gap >= first_gap:
        return 0.0
    return math.log(first_gap / gap) / math.log(first_gap / max(target, 1e-300))


@contextmanager
def _progress_bar(label: str, target: float) -> Iterator[Callable[[int, float], None]]:
    """A progress bar on stderr for the length of the block, moved by the ``progress(iteration, gap)`` it gives."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("gap {task.fields[gap]:.2e}  iteration {task.fields[iteration]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    first: list[float] = []
    with bar:
        task = bar.add_task("assign", total=1.0, gap=float("nan"), iteration=0)

        def progress(iteration: int, value: float) -> None:
            if not first:
                first.append(value)
            bar.update(task, completed=_progress_fraction(value, first[0], target), gap=value, iteration=iteration)

        yield progress


def assign_tntp(
    directory: Annotated[
        Path, typer.Argument(help="Folder with one *_net.tntp and one *_trips.tntp (README.md optional).")
    ],
    gap: Annotated[float, typer.Option(help="Target relative gap.")] = 1e-4,
    method: Annotated[
        str, typer.Option(help=f"{' | '.join(corridor.ASSIGNMENT_METHODS)}: user equilibrium or system optimum.")
    ] = "ue",
    algorithm: Annotated[
        str, typer.Option(help=f"{' | '.join(corridor.ASSIGNMENT_ALGORITHMS)} (gp: path-based gradient projection).")
    ] = corridor.DEFAULT_ASSIGNMENT_ALGORITHM,
    max_seconds: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    max_iterations: Annotated[int, typer.Option(help="Stop after this many iterations.")] = 10_000,
    flows: Annotated[
        Path | None, typer.Option("--flows", help="Write link volumes and costs here (*_flow.tntp layout).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Static traffic assignment of a TNTP network: relative gap, iterations, seconds, total travel time."""
    check_output(flows, "flows")
    problem = corridor.read_tntp_dir(directory)
    network, demand = problem.assignment_network(), problem.demand()
    label = f"{problem.name} {method} {algorithm}"
    with nullcontext(None) if as_json else _progress_bar(label, gap) as progress:
        result = corridor.assign_traffic(
            network,
            demand,
            method=method,
            algorithm=algorithm,
            gap=gap,
            max_iterations=max_iterations,
            max_seconds=max_seconds,
            progress=progress,
        )
    if flows is not None:
        net = problem.network
        corridor.write_tntp_flows(flows, net.init_node, net.term_node, result.flows, result.link_costs)
    summary = {
        "network": problem.name,
        "method": method,
        "relative_gap": result.relative_gap,
        "iterations": result.iterations,
        "seconds": result.seconds,
        "total_system_travel_time": result.total_system_travel_time,
        "stopped_by": result.stopped_by,
        "kernels": result.kernels,
    }
    if as_json:
        typer.echo(corridor.json_dumps(summary))
        return
    from rich.console import Console  # here, not at the top: with --json the command runs without rich
    from rich.table import Table

    table = Table(title=f"{problem.name}: {method} by {algorithm}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("links / nodes / zones", f"{network.num_links} / {network.num_nodes} / {problem.network.num_zones}")
    table.add_row("relative gap", f"{result.relative_gap:.3e} (target {gap:.0e})")
    table.add_row("iterations", str(result.iterations))
    table.add_row("seconds", f"{result.seconds:.3f} ({result.kernels} kernels)")
    table.add_row("total system travel time", f"{result.total_system_travel_time:,.6f}")
    Console().print(table)
    if not result.converged:
        why = {
            "iterations": f"after {max_iterations} iterations",
            "seconds": f"after {max_seconds:g} seconds" if max_seconds is not None else "",
            "stall": f"the gap has not fallen for {corridor.ASSIGNMENT_STALL_ITERATIONS} iterations "
            "(double precision's floor)",
        }.get(result.stopped_by, result.stopped_by)
        typer.echo(
            f"warning: stopped before the target gap {gap:g} (reached {result.relative_gap:.3e}): {why}", err=True
        )
    if flows is not None:
        typer.echo(f"flows written to {flows}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``assign-tntp`` to a Typer app. An app without the CLI's error boundary (a test's bare app) gets it,
    so errors are one line there too."""
    if not (isinstance(app.info.cls, type) and issubclass(app.info.cls, _Commands)):
        app.info.cls = _Commands
    app.command("assign-tntp")(assign_tntp)
