"""``corridor skim``: days, USD, kg CO2e and km between many origins and destinations (an OD skim), one search
tree per origin, on this machine or a Dask cluster; written as Parquet, CSV, OMX or GeoParquet."""

from __future__ import annotations

import csv
import io
import math
import os
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import corridor
from corridor.cli.files import check_output
from corridor.cli.loading import network
from corridor.cli.options import AsOf, Avoid, CarbonPrice, Objective, Profile, ValueOfTime
from corridor.cli.tables import frame_table, out

__all__ = ["read_points", "register", "skim"]

#: Largest points file read, in bytes, and most points it may hold.
MAX_POINTS_BYTES = 32 * 1024 * 1024
MAX_POINTS = 10_000
_FORMATS = ".parquet, .csv, .omx or .geoparquet"
_METRIC_FORMATS = {"days": "{:,.1f}", "hours": "{:,.1f}", "usd_per_teu": "{:,.0f}",
                   "kg_co2e_per_teu": "{:,.0f}", "km": "{:,.0f}"}  # fmt: skip
_METRIC_NAMES = "days, hours, usd_per_teu, kg_co2e_per_teu, km"
_HEADERS = {"days": "days", "hours": "hours", "usd_per_teu": "USD/TEU", "kg_co2e_per_teu": "kg CO2e/TEU", "km": "km"}


@dataclass(frozen=True)
class Points:
    """Places read from a points file: what to route (a place name or a (lat, lon) pair) and the name to show."""

    queries: list[Any]
    names: list[str | None]


def skim(
    places: Annotated[
        list[str] | None,
        typer.Option(
            "--places",
            help="Origins: 'all' (every place of the data pack), or place names and 'lat,lon' points (a comma list, "
            "or repeat the option).",
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option(help="Origins from a CSV file: columns name (optional) and lat,lon, or place (a pack place)."),
    ] = None,
    to: Annotated[Path | None, typer.Option("--to", help="Destinations from a CSV file (as --points).")] = None,
    to_places: Annotated[
        list[str] | None, typer.Option("--to-places", help="Destinations as --places does (default: the origins).")
    ] = None,
    metrics: Annotated[
        str | None,
        typer.Option(
            help="Comma list of days, hours, usd_per_teu, kg_co2e_per_teu, km "
            "(default: days,usd_per_teu,kg_co2e_per_teu,km)."
        ),
    ] = None,
    objective: Objective = corridor.DEFAULT_OBJECTIVE,
    value_of_time: ValueOfTime = None,
    carbon_price: CarbonPrice = None,
    avoid: Avoid = None,
    modes: Annotated[
        str | None, typer.Option(help=f"Allowed modes, comma list of {','.join(corridor.ROUTABLE_MODES)}.")
    ] = None,
    as_of: AsOf = None,
    profile: Profile = corridor.DEFAULT_PROFILE,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help=f"Write the skim to a {_FORMATS} file (default: print it)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help=f"A running Dask scheduler, tcp://host:8786 (default: ${corridor.SCHEDULER_VARIABLE}, else a local "
            f"cluster); '{corridor.LOCAL_SCHEDULER}': a local cluster whatever the variable says."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Workers of the local cluster (default: the cores); 0 skims in this process, serially."),
    ] = None,
    threads: Annotated[
        bool, typer.Option("--threads", help="A local cluster of threads in this process rather than processes.")
    ] = False,
) -> None:
    """Days, USD, kg CO2e and km per TEU between every origin and destination (an OD skim), as `path` answers
    each pair; one search tree per origin, shared over a Dask cluster."""
    check_output(out_file, "out", (".parquet", ".csv", ".omx", ".geoparquet"))
    if metrics is not None:
        metrics = ",".join(_split(metrics))
        if not metrics:
            raise corridor.OptionsError("--metrics is empty; name some of " + _METRIC_NAMES, option="metrics")
    origins = _ends(places, points, "--places", "--points", required=True)
    destinations = _ends(to_places, to, "--to-places", "--to", required=False)
    if workers is not None and workers < 0:
        raise corridor.OptionsError(f"--workers must be 0 or more, not {workers}", option="workers")
    if scheduler not in (None, corridor.LOCAL_SCHEDULER) and workers == 0:
        raise corridor.OptionsError("--workers 0 skims in this process; it takes no --scheduler", option="workers")
    serial = workers == 0
    address = None if serial else corridor.scheduler_address(scheduler)
    if address and workers is not None:
        raise corridor.OptionsError(
            f"--workers starts a local cluster, but {'--scheduler' if scheduler else '$' + corridor.SCHEDULER_VARIABLE}"
            f" names one ({address}): leave --workers out, or give --scheduler {corridor.LOCAL_SCHEDULER}",
            option="workers",
        )
    options: dict[str, Any] = {
        "metrics": metrics or corridor.DEFAULT_SKIM_METRICS, "objective": objective,
        "value_of_time_usd_per_teu_hour": value_of_time, "carbon_price_usd_per_t_co2e": carbon_price,
        "avoid": avoid, "modes": modes, "as_of": as_of, "profile": profile,
    }  # fmt: skip
    corridor.QueryOptions.make(**{k: v for k, v in options.items() if k != "metrics"})  # a bad value costs no load
    net = network()
    began = time.perf_counter()
    n_origins = len(origins.queries) if origins is not None else len(net.places())
    local = min(workers or os.cpu_count() or 1, max(1, n_origins))
    cluster = (
        nullcontext(None)
        if serial
        else corridor.cluster_client(
            address or corridor.LOCAL_SCHEDULER, workers=None if address else local, processes=not threads
        )
    )
    bar = Progress(
        TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    with cluster as client, bar:
        task = bar.add_task("skimming", total=n_origins)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description="skimming origins")

        frame = net.skim(
            origins.queries if origins is not None else "all",
            destinations.queries if destinations is not None else None,
            client=client,
            progress=progress,
            **options,
        )
    seconds = time.perf_counter() - began
    frame = _named(frame, origins, destinations)
    columns = [c for c in frame.columns if c in _METRIC_FORMATS]
    if out_file is not None:
        corridor.write_skim(frame, out_file, columns)
    else:
        _print(frame, columns)
    kind = "threads" if threads else "processes"
    where = "in this process" if serial else f"on {address}" if address else f"on a local cluster of {local} {kind}"
    typer.echo(_summary(frame, seconds, where, out_file))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _place_values(values: list[str]) -> list[Any] | str:
    """``--places`` values: 'all', or names (comma lists) and 'lat,lon' points, in order."""
    if any(v.strip().casefold() == "all" for v in values):
        if len(values) > 1:
            raise corridor.OptionsError("'all' takes no other places with it", option="places")
        return "all"
    out: list[Any] = []
    for value in values:
        parts = _split(value)
        k = 0
        while k < len(parts):
            if k + 1 < len(parts) and _number(parts[k]) is not None and _number(parts[k + 1]) is not None:
                out.append(f"{parts[k]},{parts[k + 1]}")  # two numbers in a row: one 'lat,lon' point
                k += 2
            else:
                out.append(parts[k])
                k += 1
    if not out:
        raise corridor.OptionsError("no places given", option="places")
    return out


def _ends(values: list[str] | None, path: Path | None, by_name: str, by_file: str, *, required: bool) -> Points | None:
    """The origins (or destinations) asked for: by name or from a points file, not both."""
    if values and path is not None:
        raise corridor.OptionsError(f"give {by_name} or {by_file}, not both", option=by_name.lstrip("-"))
    if path is not None:
        return read_points(path)
    if values:
        given = _place_values(values)
        return None if given == "all" else Points(list(given), [None] * len(given))
    if required:
        raise corridor.OptionsError(f"give the origins: {by_name} (e.g. all) or {by_file} FILE", option="places")
    return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_points(path: Path) -> Points:
    """A points file: a CSV with a header naming ``lat`` and ``lon`` columns, or ``place`` (a data-pack place), or
    all three (a row gives one or the other), and optionally ``name``. A bad row is a FileFormatError naming the
    file and line."""
    source = str(path)

    def fault(line: int | None, message: str, field: str | None = None) -> corridor.FileFormatError:
        where = f"{source}: line {line}" if line is not None else source
        return corridor.FileFormatError(f"{where}: {message}", path=source, line=line, field=field)

    try:
        if path.stat().st_size > MAX_POINTS_BYTES:
            raise fault(None, f"more than the {MAX_POINTS_BYTES:,} bytes a points file may have")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise fault(None, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise fault(None, f"cannot be read ({exc.strerror or exc})") from None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise fault(None, "empty file; expected a header with lat,lon or place (and name)") from None
    except csv.Error as exc:
        raise fault(1, f"not valid CSV ({exc})") from None
    col = {name: header.index(name) for name in ("name", "lat", "lon", "place") if name in header}
    if not ("place" in col or ("lat" in col and "lon" in col)):
        raise fault(1, f"header {','.join(header)} has neither lat and lon nor place columns", "lat")
    queries: list[Any] = []
    names: list[str | None] = []
    seen: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise fault(reader.line_num, f"not valid CSV ({exc})") from None
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise fault(line, f"{len(cells)} cells for {len(header)} columns")
        cell: dict[str, str] = {name: cells[i].strip() for name, i in col.items()}
        queries.append(_point(cell, fault, line))
        name = cell.get("name") or None
        if name is not None:
            if name in seen:
                raise fault(line, f"name {name!r} is already on line {seen[name]}", "name")
            seen[name] = line
        names.append(name)
        if len(queries) > MAX_POINTS:
            raise fault(line, f"more than {MAX_POINTS:,} points")
    if not queries:
        raise fault(None, "no points: the file has a header but no rows")
    return Points(queries, names)


def _point(cell: dict[str, str], fault, line: int) -> Any:
    """What one row asks for: its place, or its (lat, lon), checked."""
    if cell.get("place"):
        if cell.get("lat") or cell.get("lon"):
            raise fault(line, "give place or lat,lon, not both", "place")
        return cell["place"]
    lat_text, lon_text = cell.get("lat", ""), cell.get("lon", "")
    if not lat_text and not lon_text:
        raise fault(line, "no place and no lat,lon", "lat")
    lat, lon = _number(lat_text), _number(lon_text)
    if lat is None or not -90.0 <= lat <= 90.0:
        raise fault(line, f"lat {lat_text[:40]!r} is not a latitude between -90 and 90", "lat")
    if lon is None or not -180.0 <= lon <= 180.0:
        raise fault(line, f"lon {lon_text[:40]!r} is not a longitude between -180 and 180", "lon")
    return (lat, lon)


def _named(frame, origins: Points | None, destinations: Points | None):
    """The skim with the points files' names in place of the labels where a row gave one (rows are origin-major,
    in the order given), and its coordinates under those names."""
    dest = destinations if destinations is not None else origins
    if not any(p is not None and any(p.names) for p in (origins, dest)):
        return frame
    points = dict(frame.attrs.get("points", {}))
    n_dest = len(dest.queries) if dest is not None else 0
    frame = frame.copy()
    for end, given, index in (
        ("origin", origins, lambda r: r // n_dest),
        ("destination", dest, lambda r: r % n_dest),
    ):
        if given is None or not any(given.names):
            continue
        labels = frame[end].tolist()
        renamed = []
        for r, label in enumerate(labels):
            name = given.names[index(r)]
            if name is not None and label in points:
                points[name] = points[label]
            renamed.append(name or label)
        frame[end] = renamed
    frame.attrs["points"] = points
    return frame


def _print(frame, columns: list[str]) -> None:
    spec = [("origin", "origin", "{}"), ("destination", "destination", "{}")]
    spec += [(c, _HEADERS[c], _METRIC_FORMATS[c]) for c in columns]
    spec += [("reason", "reason", "{}")]
    out.print(frame_table("Skim", frame, spec))


def _summary(frame, seconds: float, where: str, out_file: Path | None) -> str:
    pairs, feasible = len(frame), int(frame["feasible"].sum())
    origins, destinations = frame["origin"].nunique(), frame["destination"].nunique()
    point = int(frame.attrs.get("point_queries", 0))
    written = f"; written to {out_file}" if out_file is not None else ""
    return (
        f"{pairs:,} pairs ({feasible:,} with a route) from {origins:,} origins to {destinations:,} destinations in "
        f"{seconds:,.1f} s {where} ({point:,} answered by point queries){written}"
    )


def register(app: typer.Typer) -> None:
    app.command("skim")(skim)
