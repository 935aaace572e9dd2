"""``corridor assign``: share a demand over the corridors with capacities, and ``corridor calibrate``: fit the
behaviour to observed counts (``assign-tntp``, the general engine on a TNTP network, is ``cli.tntp``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

import corridor
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.options import Avoid
from corridor.cli.tables import echo_json, frame_table, out

__all__ = ["assign", "calibrate", "register"]

_LINK_COLUMNS = [
    ("kind", "kind", "{}"), ("name", "name", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"),
    ("capacity_teu_per_year", "capacity", "{:,.0f}"), ("utilisation", "utilisation", "{:.0%}"),
    ("delay_hours", "delay h", "{:.1f}"), ("uncongested_teu_per_year", "TEU/yr uncongested", "{:,.0f}"),
]  # fmt: skip
_BOTTLENECK_COLUMNS = [
    ("name", "name", "{}"), ("utilisation", "utilisation", "{:.0%}"), ("delay_hours", "delay h", "{:.1f}"),
    ("teu_hours_saved_per_year", "TEU-h saved/yr", "{:,.0f}"),
]  # fmt: skip
_OD_COLUMNS = [
    ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"),
    ("uncongested_route", "uncongested", "{}"), ("route", "congested", "{}"),
]  # fmt: skip


def assign(
    demand: Annotated[
        str, typer.Option(help=f"A shipped demand set ({', '.join(corridor.SHIPPED_DEMAND)}) or a CSV/OMX file.")
    ] = corridor.DEFAULT_DEMAND_SET,
    method: Annotated[
        str,
        typer.Option(
            help="sue (shipper segments, logit route choice with queues), ue (user equilibrium) or so (system optimum)."
        ),
    ] = corridor.DEFAULT_ASSIGN_METHOD,
    gap: Annotated[float, typer.Option(help="Target relative gap.")] = corridor.DEFAULT_ASSIGN_GAP,
    max_seconds: Annotated[float | None, typer.Option(help="Stop the assignment after this long.")] = None,
    value_of_time: Annotated[
        str | None,
        typer.Option(help="USD per TEU-hour: one number, or per demand class as class=value,… (default: the pack's)."),
    ] = None,
    carbon_price: Annotated[float | None, typer.Option(help="USD per t CO2e (default: the pack's).")] = None,
    avoid: Avoid = None,
    dispersion_per_usd: Annotated[
        float | None,
        typer.Option(help="Logit dispersion of sue, per USD per TEU (default: the pack's, as calibrated)."),
    ] = None,
    rank_bottlenecks: Annotated[
        bool, typer.Option(help="Re-assign with each capacity raised to rank the bottlenecks.")
    ] = True,
    report: Annotated[Path | None, typer.Option(help="Write an HTML report with a map.")] = None,
    links_csv: Annotated[Path | None, typer.Option("--links", help="Write the link table as CSV.")] = None,
    geojson: Annotated[Path | None, typer.Option(help="Write the flows as GeoJSON.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Share a demand (TEU per year) over the corridors with capacities: flows, utilisation, bottlenecks."""
    check_output(report, "report", (".html", ".htm"))
    check_output(links_csv, "links")
    check_output(geojson, "geojson")
    vot = _value_of_time(value_of_time)
    net = network()
    bar, progress = _progress_bar(enabled=not as_json)
    with bar:
        result = net.assign(
            demand,
            method=method,
            gap=gap,
            max_seconds=max_seconds,
            value_of_time_usd_per_teu_hour=vot,
            carbon_price_usd_per_t_co2e=carbon_price,
            rank_bottlenecks=rank_bottlenecks,
            avoid=avoid,
            dispersion_per_usd=dispersion_per_usd,
            progress=progress,
        )
    if report is not None:
        corridor.write_flow_report(result, report)
    if links_csv is not None:
        result.links.to_csv(links_csv, index=False)
    if geojson is not None:
        geojson.write_text(corridor.json_dumps(result.to_geojson()), encoding="utf-8")
    if as_json:
        echo_json(result.to_dict())
        return
    _print_result(result)
    if report is not None:
        typer.echo(f"report written to {report}")


def _progress_bar(*, enabled: bool):
    """A bar on stderr for the routing and assignment stages, and the callback ``Network.assign`` calls."""
    bar = Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.fields[info]}"),
                   console=Console(stderr=True), transient=True, disable=not enabled)  # fmt: skip
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, done: int, value: float) -> None:
        routing = stage.startswith("routing")
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=value if routing else None, info="")
        if routing:
            bar.update(tasks[stage], completed=done, info=f"{done}/{value:.0f} pairs")
        else:
            bar.update(tasks[stage], info=f"iteration {done}, gap {value:.1e}")

    return bar, progress


def _print_result(result: corridor.FlowResult) -> None:
    s = result.summary
    typer.echo(
        f"{s['demand_teu_per_year']:,.0f} TEU/year assigned ({s['method']}, {s['algorithm']}): relative gap "
        f"{s['relative_gap']:.1e} after {s['iterations']} iterations; congestion adds "
        f"{s['congestion_delay_teu_hours_per_year']:,.0f} TEU-hours a year; "
        f"{s['over_capacity_teu_per_year']:,.0f} TEU/year above capacity"
    )
    shown = result.links[result.links["kind"] != "path"]
    out.print(frame_table("Services, crossings and terminals (TEU per year)", shown, _LINK_COLUMNS))
    title = "Bottlenecks: TEU-hours a year saved by 25 % more capacity"
    out.print(frame_table(title, result.bottlenecks, _BOTTLENECK_COLUMNS))
    changed = result.od[result.od["route_changed"]]
    out.print(frame_table("OD pairs whose route changes against the uncongested assignment", changed, _OD_COLUMNS))
    print_fit(result.fit)


_FIT_COLUMNS = [
    ("name", "count", "{}"), ("year", "year", "{}"), ("observed_teu_per_year", "observed TEU/yr", "{:,.0f}"),
    ("model_teu_per_year", "model TEU/yr", "{:,.0f}"), ("error_pct", "error", "{:+.1f}%"), ("geh", "GEH", "{:.1f}"),
    ("role", "role", "{}"),
]  # fmt: skip


def print_fit(fits) -> None:
    """The counts against the model, and WAPE, bias, RMSE and GEH for the fitted and the held-out counts."""
    if not fits:
        return
    import pandas as pd  # here, not at the top: the other commands start without it

    frame = pd.DataFrame([f.to_dict() for f in fits])
    out.print(frame_table("Observed counts against the model (TEU per year)", frame, _FIT_COLUMNS))
    for label in ("fitted", "held out"):
        s = corridor.summarise_fit([f for f in fits if f.role == label])
        if s.counts:
            typer.echo(
                f"{label}: {s.counts} counts, WAPE {s.wape_pct:.1f} %, bias {s.bias_pct:+.1f} %, "
                f"RMSE {s.rmse_teu_per_year:,.0f} TEU/yr, mean GEH {s.mean_geh:.1f} (on TEU per day)"
            )


def calibrate(
    demand: Annotated[
        str, typer.Option(help=f"A shipped demand set ({', '.join(corridor.SHIPPED_DEMAND)}) or a CSV/OMX file.")
    ] = corridor.DEFAULT_DEMAND_SET,
    max_evaluations: Annotated[int, typer.Option(help="Most trial assignments the search may run.")] = 400,
    as_json: Annotated[bool, typer.Option("--json", help="Print the calibration as JSON.")] = False,
) -> None:
    """Fit the route-choice behaviour (dispersion, value-of-time factor, segment shares) to the observed counts."""
    net = network()
    bar = Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.fields[info]}"),
                   console=Console(stderr=True), transient=True, disable=as_json)  # fmt: skip
    with bar:
        task = bar.add_task("calibrating", total=max_evaluations, info="")

        def progress(done: int, wape: float) -> None:
            bar.update(task, completed=done, info=f"trial {done}, best WAPE {100 * wape:.1f} %")

        result = net.calibrate(demand, max_evaluations=max_evaluations, progress=progress)
    if as_json:
        echo_json(result.to_dict())
        return
    typer.echo(f"{result.evaluations} trial assignments in {result.seconds:.1f} s")
    rows = [
        ("dispersion per USD", result.initial.dispersion_per_usd, result.fitted.dispersion_per_usd),
        ("value-of-time factor", result.initial.value_of_time_factor, result.fitted.value_of_time_factor),
    ]
    for group, shares in result.fitted.shares.items():
        for name, share in shares.items():
            rows.append((f"share {group}/{name}", result.initial.shares[group][name], share))
    import pandas as pd

    table = pd.DataFrame(rows, columns=["parameter", "initial", "fitted"])
    cols = [("parameter", "parameter", "{}"), ("initial", "initial", "{:.4g}"), ("fitted", "fitted", "{:.4g}")]
    out.print(frame_table("Behavioural parameters", table, cols))
    print_fit(result.fits)


def _value_of_time(text: str | None) -> float | dict[str, float] | None:
    """'4' or 'standard=4,express=12' as a number or a per-class mapping."""
    if text is None:
        return None
    try:
        if "=" not in text:
            return float(text)
        pairs = (part.split("=", 1) for part in text.split(",") if part.strip())
        return {name.strip(): float(value) for name, value in pairs}
    except ValueError:
        raise corridor.OptionsError(
            f"--value-of-time {text!r}: expected a number or class=value pairs, e.g. standard=4,express=12",
            option="value_of_time",
        ) from None


def register(app: typer.Typer) -> None:
    app.command()(assign)
    app.command()(calibrate)
