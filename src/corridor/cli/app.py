"""The ``corridor`` command line: a thin skin over the Python API.

Errors from corridor, and files that cannot be read or written, become one line on stderr
and exit status 1 (one boundary: :class:`_Commands`); usage errors keep Typer's status 2.
No traceback reaches the user.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

import corridor
from corridor.cli import tntp
from corridor.cli.files import check_output
from corridor.errors import CorridorError, OptionsError
from corridor.jsontext import dumps


class _Commands(TyperGroup):
    """The one error boundary of the CLI: a corridor error or an unusable file is one line, exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CorridorError as exc:
            typer.echo(f"error: {_one_line(str(exc))}", err=True)
            raise typer.Exit(code=1) from None
        except OSError as exc:  # a file or folder the user named: missing, a folder, not writable, disk full
            where = f" {exc.filename}" if exc.filename else ""
            typer.echo(f"error: {_one_line(f'cannot use{where}: {exc.strerror or exc}')}", err=True)
            raise typer.Exit(code=1) from None


def _one_line(text: str) -> str:
    """A message as one printable line: line breaks become spaces, other control characters escapes
    (a message may quote what the user typed)."""
    flat = " ".join(text.splitlines())
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in flat)


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
network_app = typer.Typer(cls=_Commands, no_args_is_help=True, help="Inspect the network cache.")
app.add_typer(network_app, name="network")
scenario_app = typer.Typer(cls=_Commands, no_args_is_help=True, help="What-if scenarios: run one, or compare two.")
app.add_typer(scenario_app, name="scenario")

_out = Console(width=max(Console().width, 150))


def _echo_json(value) -> None:
    typer.echo(dumps(value))


def _load(rebuild: bool = False) -> corridor.Network:
    return corridor.Network.load(rebuild=rebuild)


def _route_table(route: corridor.Route) -> Table:
    table = Table(title=f"{route.origin} → {route.destination}", title_justify="left")
    for col, justify in (
        ("mode", "left"),
        ("from", "left"),
        ("to", "left"),
        ("km", "right"),
        ("hours", "right"),
        ("USD/TEU", "right"),
        ("kg CO2e/TEU", "right"),
        ("countries", "left"),
        ("note", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")
    for leg in route.legs:
        note = leg.service or ""
        if leg.border is not None and leg.border.gauge_change:
            note = f"gauge change: {leg.border.gauge_change.replace('_', ' ')}"
        if leg.wait_hours:
            note += f" (wait {leg.wait_hours:.1f} h)"
        if leg.synthetic_km >= 0.05:
            note += f" [{leg.synthetic_km:.1f} km healed]"
        table.add_row(
            leg.mode,
            leg.from_,
            leg.to,
            f"{leg.km:,.0f}",
            f"{leg.hours:,.1f}",
            f"{leg.usd_per_teu:,.0f}",
            f"{leg.kg_co2e_per_teu:,.0f}",
            "–".join(leg.countries),
            note.strip(),
        )
    table.add_section()
    table.add_row(
        "total",
        "",
        "",
        f"{route.km:,.0f}",
        f"{route.hours:,.1f}",
        f"{route.usd_per_teu:,.0f}",
        f"{route.kg_co2e_per_teu:,.0f}",
        "–".join(route.countries),
        f"{route.days:.1f} days, {len(route.border_crossings)} border crossings",
    )
    return table


@app.command()
def route(
    origin: Annotated[str, typer.Argument(help="Place name or 'lat,lon'.")],
    destination: Annotated[str, typer.Argument(help="Place name or 'lat,lon'.")],
    via: Annotated[list[str] | None, typer.Option("--via", help="Pass through this place (repeat, in order).")] = None,
    avoid: Annotated[str | None, typer.Option(help="Countries to avoid, ISO-2 comma list, e.g. RU,BY.")] = None,
    modes: Annotated[str | None, typer.Option(help="Allowed modes, comma list of rail,road,sea,ferry,service.")] = None,
    objective: Annotated[str, typer.Option(help="time | cost | co2 | generalized | distance.")] = "time",
    value_of_time: Annotated[float | None, typer.Option(help="USD per TEU-hour (generalized only).")] = None,
    carbon_price: Annotated[float | None, typer.Option(help="USD per t CO2e (generalized only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the route as JSON.")] = False,
) -> None:
    """Best route between two places, with its legs, days, cost and CO2."""
    net = _load()
    r = net.route(
        origin,
        destination,
        via=via,
        avoid=avoid,
        modes=modes,
        objective=objective,
        value_of_time_usd_per_teu_hour=value_of_time,
        carbon_price_usd_per_t_co2e=carbon_price,
    )
    if as_json:
        _echo_json(r.to_dict())
    else:
        _out.print(_route_table(r))


@app.command()
def compare(
    origin: Annotated[str | None, typer.Argument(help="Place name or 'lat,lon'.")] = None,
    destination: Annotated[str | None, typer.Argument(help="Place name or 'lat,lon'.")] = None,
    matrix: Annotated[
        Path | None, typer.Option(help="Compare every pair of a CSV with origin,destination columns instead.")
    ] = None,
    objective: Annotated[str, typer.Option(help="time | cost | co2 | generalized | distance.")] = "generalized",
    corridor_ids: Annotated[
        str | None, typer.Option("--corridors", help="Only these corridor families (comma list of ids).")
    ] = None,
    chart: Annotated[Path | None, typer.Option(help="Write a bar chart (.svg) of days, USD and CO2e.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one object per corridor family as JSON.")] = False,
) -> None:
    """The best route through each corridor family, side by side: days, USD and CO2e per TEU, borders."""
    from corridor.compare import comparison_table, read_pairs
    from corridor.compare_chart import comparison_svg

    check_output(chart, "chart")
    if matrix is not None or origin is None or destination is None:
        if matrix is None or origin is not None:
            raise OptionsError("give ORIGIN and DESTINATION, or --matrix FILE", option="matrix")
        net = _load()
        chosen = [c.strip() for c in corridor_ids.split(",") if c.strip()] if corridor_ids else None
        table = comparison_table(
            {pair: net.compare(*pair, corridors=chosen, objective=objective) for pair in read_pairs(matrix)}
        )
        if as_json:
            typer.echo(table.to_json(orient="records", force_ascii=False))
            return
        _out.print(_frame_table(f"Corridors for {matrix} ({objective})", table, [
            ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
            ("days", "days", "{:.1f}"), ("usd_per_teu", "USD/TEU", "{:,.0f}"),
            ("kg_co2e_per_teu", "kg CO2e/TEU", "{:,.0f}"), ("gauge_changes", "gauge changes", "{}"),
            ("why_not", "why not", "{}"),
        ]))  # fmt: skip
        return
    net = _load()
    chosen = [c.strip() for c in corridor_ids.split(",") if c.strip()] if corridor_ids else None
    options = net.compare(origin, destination, corridors=chosen, objective=objective)
    if chart is not None:
        chart.write_text(comparison_svg(options, f"{origin} → {destination}"), encoding="utf-8")
    if as_json:
        _echo_json([o.to_dict() for o in options])
        return
    table = Table(title=f"{origin} → {destination} by corridor ({objective})", title_justify="left")
    for col, justify in (
        ("corridor", "left"),
        ("days", "right"),
        ("USD/TEU", "right"),
        ("kg CO2e/TEU", "right"),
        ("borders", "right"),
        ("gauge changes", "right"),
        ("countries / why not", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")
    for o in options:
        r = o.route
        if r is None:
            table.add_row(o.name, "—", "—", "—", "—", "—", f"[red]{o.reason}[/]")
            continue
        table.add_row(
            o.name,
            f"{r.days:.1f}",
            f"{r.usd_per_teu:,.0f}",
            f"{r.kg_co2e_per_teu:,.0f}",
            str(len(r.border_crossings)),
            str(o.gauge_changes),
            "–".join(r.countries),
        )
    _out.print(table)
    if chart is not None:
        typer.echo(f"chart written to {chart}")


@app.command("reach")
def reach_command(
    origin: Annotated[str, typer.Argument(help="Place name or 'lat,lon'.")],
    days: Annotated[float | None, typer.Option(help="Budget in days (fastest routes).")] = None,
    usd: Annotated[float | None, typer.Option(help="Budget in USD per TEU (cheapest routes).")] = None,
    via: Annotated[str | None, typer.Option(help="Gateway to pass first, e.g. Klaipeda.")] = None,
    corridor_id: Annotated[str | None, typer.Option("--corridor", help="A corridor family's rules.")] = None,
    geojson: Annotated[Path | None, typer.Option(help="Write isochrone polygons and places as GeoJSON.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print places and countries as JSON.")] = False,
) -> None:
    """Which places and countries a terminal reaches within N days (or USD), by gateway or corridor."""
    check_output(geojson, "geojson")
    result = _load().reach(origin, days=days, usd_per_teu=usd, via=via, corridor=corridor_id)
    if geojson is not None:
        geojson.write_text(dumps(result.to_geojson()), encoding="utf-8")
    if as_json:
        _echo_json(result.to_dict())
        return
    budget = f"{result.budget:g} days" if result.unit == "days" else f"US${result.budget:,.0f} per TEU"
    gateway = f" via {via}" if via else ""
    family = f", {corridor_id} rules" if corridor_id else ""
    _out.print(_frame_table(f"Places {result.origin} reaches{gateway} within {budget}{family}", result.places, [
        ("place", "place", "{}"), ("country", "country", "{}"), ("days", "days", "{:.1f}"),
        ("usd_per_teu", "USD/TEU", "{:,.0f}"), ("kg_co2e_per_teu", "kg CO2e/TEU", "{:,.0f}"), ("km", "km", "{:,.0f}"),
    ]))  # fmt: skip
    unit_fmt = "{:.1f}" if result.unit == "days" else "{:,.0f}"
    _out.print(_frame_table("Countries reached (first reached)", result.countries, [
        ("country", "country", "{}"), (result.unit, result.unit, unit_fmt), ("places_reached", "places", "{}"),
    ]))  # fmt: skip
    if geojson is not None:
        typer.echo(f"GeoJSON written to {geojson}")


@app.command()
def places(
    country: Annotated[str | None, typer.Option(help="Only places in this ISO-2 country.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only places of this kind (e.g. seaport).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the data pack's places."""
    found = corridor.list_places(country=country, kind=kind)
    if as_json:
        _echo_json([p.to_dict() for p in found])
        return
    table = Table()
    for col in ("id", "name", "country", "kinds", "lat", "lon", "handling h", "handling USD/TEU"):
        table.add_column(col)
    for p in found:
        table.add_row(
            p.id,
            p.name,
            p.country,
            ", ".join(p.kinds),
            f"{p.lat:.3f}",
            f"{p.lon:.3f}",
            f"{p.handling_hours:g}",
            f"{p.handling_usd_per_teu:g}",
        )
    _out.print(table)


@network_app.command("report")
def network_report(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Rebuild the cache first.")] = False,
) -> None:
    """The healing report: gaps bridged, missing lines added, how places were joined."""
    report = _load(rebuild).report()
    if as_json:
        _echo_json(report)
        return
    layers = Table(title="Base layers and healing", title_justify="left")
    for col in (
        "layer",
        "nodes",
        "edges",
        "components before",
        "giant before",
        "components after",
        "giant after",
        "bridges",
        "dead-end links",
        "healed km",
        "max gap km",
        "missing lines",
    ):
        layers.add_column(col, justify="right")
    for name, row in report.get("layers", {}).items():
        layers.add_row(
            name,
            *(
                str(row.get(k, ""))
                for k in (
                    "nodes",
                    "edges",
                    "components_before",
                    "giant_before",
                    "components_after",
                    "giant_after",
                    "bridges",
                    "dead_end_links",
                    "healed_km",
                    "max_gap_km",
                    "missing_lines",
                )
            ),
        )
    _out.print(layers)
    lines = Table(title="Known missing lines added from the data pack", title_justify="left")
    for col in ("id", "name", "mode", "km", "snap km (from, to)"):
        lines.add_column(col)
    for row in report.get("missing_lines", []):
        lines.add_row(row["id"], row["name"], row["mode"], f"{row['km']:,.1f}", ", ".join(map(str, row["snap_km"])))
    _out.print(lines)
    joined = Table(title="Places joined to the layers (access km)", title_justify="left")
    for col in ("place", "rail", "road", "sea"):
        joined.add_column(col)
    for row in report.get("places", []):
        links = row["links"]
        joined.add_row(row["name"], *(str(links.get(k, "–")) for k in ("rail", "road", "sea")))
    _out.print(joined)
    for warning in report.get("warnings", []):
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def validate(
    benchmarks: Annotated[Path | None, typer.Option(help="Benchmark CSV (default: the shipped set).")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write a report: a .html or .md file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows and the summary as JSON.")] = False,
) -> None:
    """Hold the model against published figures: one row per benchmark and a summary of the fit.

    Exit status 0 whether or not rows fall outside their range; 1 only when the file cannot be read.
    """
    from rich.progress import track

    from corridor.validation import read_benchmarks, shipped_benchmarks, summarise, validate, write_report

    check_output(report, "report", (".html", ".htm", ".md", ".markdown"))
    bench = read_benchmarks(benchmarks) if benchmarks is not None else shipped_benchmarks()
    for problem in bench.problems:
        typer.echo(f"warning: {bench.origin}: {problem} (row skipped)", err=True)
    if not bench.rows:
        typer.echo(f"warning: {bench.origin}: no benchmark rows", err=True)
    net = _load()
    rows = bench.rows
    if not as_json and len(rows) > 3:
        rows = tuple(track(rows, description="routing benchmarks", console=Console(stderr=True), transient=True))
    frame = validate(net, type(bench)(rows, bench.problems, bench.origin))
    summary = summarise(frame)
    if report is not None:
        write_report(frame, report, summary)
    if as_json:
        payload = {
            "rows": json.loads(frame.to_json(orient="records")),
            "summary": {
                name: json.loads(getattr(summary, name).to_json(orient="records"))
                for name in ("overall", "by_metric", "by_family")
            },
            "skipped": [str(p) for p in bench.problems],
        }
        _echo_json(payload)
        return
    _out.print(_validation_table(frame))
    for title, table in (
        ("Summary", summary.overall),
        ("Per metric", summary.by_metric),
        ("Per route family", summary.by_family),
    ):
        _out.print(_summary_table(title, table))
    if report is not None:
        typer.echo(f"report written to {report}")


@app.command()
def assign(
    demand: Annotated[
        str, typer.Option(help="A shipped demand set (corridor-2024) or a CSV/OMX file.")
    ] = "corridor-2024",
    method: Annotated[str, typer.Option(help="ue (user equilibrium) or so (system optimum).")] = "ue",
    gap: Annotated[float, typer.Option(help="Target relative gap.")] = 1e-6,
    max_seconds: Annotated[float | None, typer.Option(help="Stop the assignment after this long.")] = None,
    value_of_time: Annotated[
        str | None,
        typer.Option(help="USD per TEU-hour: one number, or per demand class as class=value,… (default: the pack's)."),
    ] = None,
    carbon_price: Annotated[float | None, typer.Option(help="USD per t CO2e (default: the pack's).")] = None,
    report: Annotated[Path | None, typer.Option(help="Write an HTML report with a map.")] = None,
    links_csv: Annotated[Path | None, typer.Option("--links", help="Write the link table as CSV.")] = None,
    geojson: Annotated[Path | None, typer.Option(help="Write the flows as GeoJSON.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Share a demand (TEU per year) over the corridors with capacities: flows, utilisation, bottlenecks."""
    from rich.progress import BarColumn, Progress, TextColumn

    from corridor.flows.report import write_flow_report

    bar = Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.fields[info]}"),
                   console=Console(stderr=True), transient=True, disable=as_json)  # fmt: skip
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, value: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=value if stage.startswith("routing") else None, info="")
        if stage.startswith("routing"):
            bar.update(tasks[stage], completed=done, info=f"{done}/{value:.0f} pairs")
        else:
            bar.update(tasks[stage], info=f"iteration {done}, gap {value:.1e}")

    check_output(report, "report", (".html", ".htm"))
    check_output(links_csv, "links")
    check_output(geojson, "geojson")
    vot = _value_of_time(value_of_time)
    net = _load()
    with bar:
        result = net.assign(
            demand,
            method=method,
            gap=gap,
            max_seconds=max_seconds,
            value_of_time_usd_per_teu_hour=vot,
            carbon_price_usd_per_t_co2e=carbon_price,
            progress=progress,
        )
    if report is not None:
        write_flow_report(result, report)
    if links_csv is not None:
        result.links.to_csv(links_csv, index=False)
    if geojson is not None:
        geojson.write_text(dumps(result.to_geojson()), encoding="utf-8")
    if as_json:
        _echo_json(result.to_dict())
        return
    s = result.summary
    typer.echo(
        f"{s['demand_teu_per_year']:,.0f} TEU/year assigned ({s['method']}, {s['algorithm']}): relative gap "
        f"{s['relative_gap']:.1e} after {s['iterations']} iterations; congestion adds "
        f"{s['congestion_delay_teu_hours_per_year']:,.0f} TEU-hours a year; "
        f"{s['over_capacity_teu_per_year']:,.0f} TEU/year above capacity"
    )
    shown = result.links[result.links["kind"] != "path"]
    _out.print(_frame_table("Services, crossings and terminals (TEU per year)", shown, [
        ("kind", "kind", "{}"), ("name", "name", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"),
        ("capacity_teu_per_year", "capacity", "{:,.0f}"), ("utilisation", "utilisation", "{:.0%}"),
        ("delay_hours", "delay h", "{:.1f}"), ("uncongested_teu_per_year", "TEU/yr uncongested", "{:,.0f}"),
    ]))  # fmt: skip
    _out.print(_frame_table("Bottlenecks: TEU-hours a year saved by 25 % more capacity", result.bottlenecks, [
        ("name", "name", "{}"), ("utilisation", "utilisation", "{:.0%}"), ("delay_hours", "delay h", "{:.1f}"),
        ("teu_hours_saved_per_year", "TEU-h saved/yr", "{:,.0f}"),
    ]))  # fmt: skip
    changed = result.od[result.od["route_changed"]]
    _out.print(_frame_table("OD pairs whose route changes against the uncongested assignment", changed, [
        ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"),
        ("uncongested_route", "uncongested", "{}"), ("route", "congested", "{}"),
    ]))  # fmt: skip
    if report is not None:
        typer.echo(f"report written to {report}")


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
        raise OptionsError(
            f"--value-of-time {text!r}: expected a number or class=value pairs, e.g. standard=4,express=12",
            option="value_of_time",
        ) from None


def _frame_table(title: str, frame, columns: list[tuple[str, str, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for _, header, fmt in columns:
        table.add_column(header, justify="left" if fmt == "{}" else "right", overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for key, _, fmt in columns:
            value = getattr(row, key)
            missing = isinstance(value, float) and not math.isfinite(value)
            cells.append("—" if missing else fmt.format(value))
        table.add_row(*cells)
    return table


def _validation_table(frame) -> Table:
    from corridor.validation.report import display_rows

    shown = display_rows(frame)
    table = Table(title="Model against published figures (hours and days: terminal-to-terminal transit)")
    for col in shown.columns:
        table.add_column(col, overflow="fold", justify="right" if col in ("published", "model") else "left")
    for row in shown.itertuples(index=False):
        fit = row.fit
        style = "green" if fit == "inside" else "red"
        table.add_row(*[f"[{style}]{v}[/]" if c == "fit" else str(v) for c, v in zip(shown.columns, row, strict=True)])
    return table


def _summary_table(title: str, data) -> Table:
    from corridor.validation.report import display_summary

    shown = display_summary(data)
    table = Table(title=title, title_justify="left")
    for col in shown.columns:
        table.add_column(col, justify="left" if col == "group" else "right")
    for row in shown.itertuples(index=False):
        table.add_row(*map(str, row))
    return table


def _scenario_progress(enabled: bool):
    from rich.progress import BarColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description:<40}"), BarColumn(), console=Console(stderr=True), transient=True,
                   disable=not enabled)  # fmt: skip
    task = bar.add_task("scenario", total=1.0)

    def say(step: str, fraction: float) -> None:
        bar.update(task, description=step[:40], completed=min(max(fraction, 0.0), 1.0))

    return bar, say


def _print_scenario(result) -> None:
    table = result.corridor_table()
    _out.print(_frame_table(f"Scenario {result.name}: corridors", table, [
        ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
        ("days", "days", "{:.1f}"), ("usd_per_teu", "USD/TEU", "{:,.0f}"), ("kg_co2e_per_teu", "kg CO2e", "{:,.0f}"),
        ("why_not", "why not", "{}"),
    ]))  # fmt: skip
    _out.print(_frame_table(f"Scenario {result.name}: bottlenecks", result.flows.bottlenecks.head(8), [
        ("name", "name", "{}"), ("teu_per_year", "TEU/yr", "{:,.0f}"), ("utilisation", "utilisation", "{:.0%}"),
        ("teu_hours_saved_per_year", "TEU-h saved/yr", "{:,.0f}"),
    ]))  # fmt: skip


@scenario_app.command("run")
def scenario_run(
    scenario: Annotated[str, typer.Argument(help="A scenario YAML file, or a shipped scenario's name.")],
    report: Annotated[Path | None, typer.Option(help="Write an HTML report.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the corridor table and flows summary as JSON.")
    ] = False,
) -> None:
    """Apply a scenario to a copy of the data pack, reroute, re-assign and report."""
    from corridor.scenario import load_scenario, run_scenario, write_scenario_report

    check_output(report, "report", (".html", ".htm"))
    spec = load_scenario(scenario)
    bar, say = _scenario_progress(not as_json)
    with bar:
        result = run_scenario(spec, progress=say)
    if report is not None:
        write_scenario_report(result, report)
    if as_json:
        payload = {
            "scenario": result.name,
            "chain": list(result.applied.names),
            "corridors": json.loads(result.corridor_table().to_json(orient="records")),
            "flows": result.flows.summary,
            "bottlenecks": json.loads(result.flows.bottlenecks.to_json(orient="records")),
        }
        _echo_json(payload)
        return
    _print_scenario(result)
    if report is not None:
        typer.echo(f"report written to {report}")


@scenario_app.command("compare")
def scenario_compare(
    a: Annotated[str, typer.Argument(help="Scenario A (file or shipped name).")],
    b: Annotated[str, typer.Argument(help="Scenario B, compared against A.")],
    report: Annotated[Path | None, typer.Option(help="Write an HTML report.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """Scenario B against A: corridor days, USD and CO2e per pair, rerouted pairs, moved flows."""
    from corridor.scenario import diff_scenarios, load_scenario, run_scenario, write_diff_report

    check_output(report, "report", (".html", ".htm"))
    spec_a, spec_b = load_scenario(a), load_scenario(b)
    bar, say = _scenario_progress(not as_json)
    with bar:
        result_a = run_scenario(spec_a, progress=lambda s, f: say(f"A: {s}", f / 2))
        result_b = run_scenario(spec_b, progress=lambda s, f: say(f"B: {s}", 0.5 + f / 2))
    diff = diff_scenarios(result_a, result_b)
    if report is not None:
        write_diff_report(diff, result_a, result_b, report)
    if as_json:
        payload = {
            "summary": diff.summary,
            "corridors": json.loads(diff.corridors.to_json(orient="records")),
            "od": json.loads(diff.od.to_json(orient="records")),
            "elements": json.loads(diff.elements.to_json(orient="records")),
            "countries": json.loads(diff.countries.to_json(orient="records")),
        }
        _echo_json(payload)
        return
    s = diff.summary
    hours = f"{s['teu_hours_per_year_a']:,.0f} → {s['teu_hours_per_year_b']:,.0f}"
    binding = f"{s['binding_capacity_a']} → {s['binding_capacity_b']}"
    typer.echo(
        f"{diff.b} against {diff.a}: TEU-hours a year {hours}; binding capacity {binding}; "
        f"{s['od_pairs_rerouted']} pairs rerouted"
    )
    _out.print(_frame_table("Corridors: B − A", diff.corridors, [
        ("origin", "origin", "{}"), ("destination", "destination", "{}"), ("corridor", "corridor", "{}"),
        ("delta_days", "Δ days", "{:+.1f}"), ("delta_usd_per_teu", "Δ USD/TEU", "{:+,.0f}"),
        ("delta_kg_co2e_per_teu", "Δ kg CO2e", "{:+,.0f}"), ("feasible_b", "feasible in B", "{}"),
    ]))  # fmt: skip
    _out.print(_frame_table("Flows moved (TEU per year)", diff.elements.head(12), [
        ("kind", "kind", "{}"), ("name", "name", "{}"), ("teu_per_year_a", "A", "{:,.0f}"),
        ("teu_per_year_b", "B", "{:,.0f}"), ("delta_teu_per_year", "B − A", "{:+,.0f}"),
    ]))  # fmt: skip
    _out.print(_frame_table("Per country: TEU-km a year", diff.countries.head(12), [
        ("country", "country", "{}"), ("teu_km_per_year_a", "A", "{:,.0f}"), ("teu_km_per_year_b", "B", "{:,.0f}"),
        ("delta_teu_km_per_year", "B − A", "{:+,.0f}"),
    ]))  # fmt: skip
    if report is not None:
        typer.echo(f"report written to {report}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (1–65535).", min=1, max=65535)] = 8000,
    cors: Annotated[
        list[str] | None, typer.Option(help="Allow browser calls from this origin (repeat); off by default.")
    ] = None,
) -> None:
    """The map page and the REST API (OpenAPI at /docs), on one process sharing one loaded network."""
    import uvicorn

    from corridor.server import create_app

    net = _load()
    typer.echo(f"corridor: http://{host}:{port} (API docs at /docs)", err=True)
    uvicorn.run(create_app(net, cors_origins=cors), host=host, port=port, log_level="warning")


tntp.register(app)


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()
