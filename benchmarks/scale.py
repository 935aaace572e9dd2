"""Scale benchmark: OD skims and scenario sweeps, serially and on local Dask clusters of 1 and 2 workers.

    python benchmarks/scale.py [--repeats 3] [--points 1000] [--sweep-runs 100] [--with-assignment] [--quick]

Measures, in one run on this machine:

* skims of the pack's places × the same places (time objective, the default metrics): serially
  (``client=None``) and on local clusters of 1 and 2 single-threaded worker processes
  (``corridor.cluster_client(workers=N)``): seconds (median of ``--repeats``), pairs per second, and the
  speed-up of 2 workers over 1; and the first ``--small`` (50) places × themselves on the 2-worker cluster;
* seeded random points (each within 30 km of a random pack place, kept only if it snaps to the network)
  × the markets. The pack marks no markets, so the markets are the destinations of the shipped demand
  ``corridor-2024``. Serially and on 1 and 2 workers, once each (the long part of the run);
* rail pairs per second: corridor's skim (rail only, distance objective, km) against scgraph's
  ``GeoGraph.distance_matrix`` over the same rail layer (``scgraph_rail`` of ``benchmarks/routing.py``),
  both in this process on the coordinates of the same places (those within snapping distance of rail),
  and the |km difference| over the pairs both answer;
* each worker's memory (RSS; USS: without the pages it shares with other processes, such as the cache's
  memory maps) once its network is loaded, after the skims and after the sweep;
* a random sweep of ``--sweep-runs`` runs built from the shipped ``caspian-fleet`` (corridor pairs only;
  ``--with-assignment`` adds the flows), serially and on the 2-worker cluster, once each: median seconds per
  run (all runs; the runs that joined a network of their own; the others) and the total wall time.

Both clusters are started, their workers' networks loaded and warmed up before anything is timed; then each
skim runs serially, on 1 worker and on 2 workers in turn, every round, so a busy machine slows all alike.
Cluster tables are checked against the serial ones. Ends with a summary table, also printed as Markdown,
with the targets: 2 workers ≥ 1.7× one worker, the 50 × 50 skim ≤ 10 s on the local cluster, a
figure-changing sweep run ≤ 2 s of one core.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

import corridor

TARGET_SPEEDUP = 1.7  # 2 workers ÷ 1 worker
TARGET_SMALL_SKIM_S = 10.0  # the 50 × 50 place skim on the local cluster
TARGET_RUN_S = 2.0  # a figure-changing sweep run, one core
JITTER_KM = 30.0
SWEEP = "caspian-fleet"
FULL = {"repeats": 3, "places": 0, "small": 50, "points": 1000, "sweep_runs": 100}
QUICK = {"repeats": 1, "places": 10, "small": 10, "points": 50, "sweep_runs": 10}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def snaps(net: corridor.Network, point: tuple[float, float], modes: frozenset[str]) -> bool:
    """Whether a (lat, lon) point snaps to the network of ``modes`` within the default distance (a skim needs it)."""
    try:
        net.router.resolve(point, modes=modes, max_snap_km=corridor.DEFAULT_MAX_SNAP_KM)
    except corridor.CoordinateError:
        return False
    return True


def random_points(net: corridor.Network, count: int, seed: int) -> list[tuple[float, float]]:
    """``count`` seeded points, each within ``JITTER_KM`` of a random pack place, that snap to the network."""
    rng = np.random.default_rng(seed)
    places = net.pack.places
    modes = corridor.QueryOptions.make().modes
    points: list[tuple[float, float]] = []
    while len(points) < count:
        place = places[int(rng.integers(len(places)))]
        km, bearing = JITTER_KM * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        lat = place.lat + km / 111.0 * math.cos(bearing)
        lon = place.lon + km / (111.0 * math.cos(math.radians(place.lat))) * math.sin(bearing)
        point = (round(lat, 5), round(lon, 5))
        if snaps(net, point, modes):
            points.append(point)
    return points


def markets() -> list[str]:
    """The destinations of the shipped demand, in order of first appearance (the pack has no market flag)."""
    return list(dict.fromkeys(row.destination for row in corridor.read_demand(corridor.DEFAULT_DEMAND_SET).rows))


def random_sweep(runs: int, seed: int, assignment: bool):
    """The shipped ``caspian-fleet`` sweep as a seeded random sweep of ``runs`` runs."""
    import yaml

    from corridor.scale.sweep_schema import sweep_from_dict

    text = resources.files("corridor").joinpath(f"data/sweeps/{SWEEP}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.update(name=f"{SWEEP}-random", sample="random", runs=runs, seed=seed)
    for parameter in data["parameters"]:
        parameter.pop("steps", None)  # a random sweep draws from the range
    data["questions"]["assignment"] = assignment
    return sweep_from_dict(data, where=f"{SWEEP} (random, {runs} runs)")


def worker_memory(cache_dir: str | None, data_pack: str | None) -> tuple[int, int]:
    """Runs on a worker: its network loaded (once per process), then its RSS and USS in bytes."""
    import psutil

    from corridor.scale.executor import worker_network

    worker_network(cache_dir, data_pack)
    info = psutil.Process().memory_full_info()
    return info.rss, info.uss


@dataclass
class Skim:
    what: str
    where: str
    pairs: int
    seconds: float
    point_queries: int
    same: str  # whether the table equals the serial one

    @property
    def rate(self) -> float:
        return self.pairs / self.seconds


@dataclass
class SweepFigures:
    where: str
    runs: int
    joined: int
    wall: float
    run_all: float
    run_joined: float
    run_other: float
    same: str


def sweep_figures(where: str, table, wall: float, check: str) -> SweepFigures:
    attrs = table.attrs["sweep"]
    seconds, joined = attrs["run_seconds"], attrs["joined"]
    on = [s for s, j in zip(seconds, joined, strict=True) if j]
    off = [s for s, j in zip(seconds, joined, strict=True) if not j]
    return SweepFigures(
        where,
        len(seconds),
        len(on),
        wall,
        statistics.median(seconds),
        statistics.median(on) if on else math.nan,
        statistics.median(off) if off else math.nan,
        check,
    )


def agreement(frame, serial) -> str:
    """``yes`` if a table equals the serial one, else which columns differ."""
    if frame.equals(serial):
        return "yes"
    if list(frame.columns) != list(serial.columns) or len(frame) != len(serial):
        return "NO (other rows or columns)"
    columns = [c for c in frame.columns if not frame[c].equals(serial[c])]
    return f"NO ({len(columns)} columns differ, e.g. {columns[0]})"


def rail_comparison(net: corridor.Network, places: list, repeats: int) -> dict[str, Any]:
    """corridor's rail skim against scgraph's distance_matrix on the same coordinates, in this process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from routing import scgraph_rail

    rail = corridor.QueryOptions.make(modes="rail").modes
    coords = [(p.lat, p.lon) for p in places if snaps(net, (p.lat, p.lon), rail)]
    n = len(coords)
    start = time.perf_counter()
    geo = scgraph_rail(net)
    build = time.perf_counter() - start
    nodes = [{"latitude": lat, "longitude": lon} for lat, lon in coords]

    def scgraph_matrix():
        geo.graph_object.reset_cache()  # its shortest-path trees are cached: each repeat starts without them
        return geo.distance_matrix(nodes, output_units="km", silent=True)

    def corridor_matrix():
        return net.skim(coords, modes="rail", objective="distance", metrics="km")

    times: dict[str, list[float]] = {"scgraph": [], "corridor": []}
    for _ in range(repeats):  # interleaved, so a busy machine slows both alike
        start = time.perf_counter()
        matrix = scgraph_matrix()
        times["scgraph"].append(time.perf_counter() - start)
        start = time.perf_counter()
        frame = corridor_matrix()
        times["corridor"].append(time.perf_counter() - start)
    theirs = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    ours = np.where(frame["feasible"].to_numpy(), frame["km"].to_numpy(), np.nan).reshape(n, n)
    both = np.isfinite(theirs) & np.isfinite(ours) & ~np.eye(n, dtype=bool)
    diff = np.abs(ours - theirs)[both]
    return {
        "places": n,
        "pairs": n * n,
        "build": build,
        "scgraph": (statistics.median(times["scgraph"]), int(np.isfinite(theirs).sum())),
        "corridor": (statistics.median(times["corridor"]), int(np.isfinite(ours).sum())),
        "point_queries": int(frame.attrs["point_queries"]),
        "both": int(both.sum()),
        "median_km": float(np.median(diff)) if len(diff) else math.nan,
        "p95_km": float(np.percentile(diff, 95)) if len(diff) else math.nan,
    }


def mib(values: dict[str, tuple[int, int]]) -> list[tuple[float, float]]:
    """Each worker's (RSS, USS) in MiB, in the order of the workers' addresses."""
    return [(rss / 2**20, uss / 2**20) for _, (rss, uss) in sorted(values.items())]


def markdown(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "not met")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, help="timed runs of each place skim, median kept (default 3)")
    parser.add_argument("--places", type=int, help="the first N pack places for the place skims (default: all)")
    parser.add_argument("--small", type=int, help="the first N places for the small skim on 2 workers (default 50)")
    parser.add_argument("--points", type=int, help="random points skimmed to the markets (default 1000)")
    parser.add_argument("--sweep-runs", type=int, help="runs of the random sweep (default 100)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the points and of the sweep (default 7)")
    parser.add_argument("--with-assignment", action="store_true", help="sweep runs also assign the demand (slow)")
    parser.add_argument("--quick", action="store_true", help="10 places, 50 points, 10 sweep runs, 1 repeat")
    args = parser.parse_args()
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.repeats, args.small, args.points, args.sweep_runs) < 1 or args.places < 0:
        parser.error("counts must be at least 1 (--places 0: all)")

    from corridor.scale.executor import settings_key

    start = time.perf_counter()
    net = corridor.Network.load()
    load_seconds = time.perf_counter() - start
    settings = net.engine.settings
    key = settings_key(settings.cache_folder, settings.data_pack)
    pack_places = net.pack.places[: args.places or None]
    names = [p.name for p in pack_places]
    small = names[: args.small]
    targets = markets()
    points = random_points(net, args.points, args.seed)
    spec = random_sweep(args.sweep_runs, args.seed, args.with_assignment)
    n, m = len(names), len(small)
    what_places, what_small = f"{n} × {n} places", f"small: {m} × {m} places"
    what_points = f"{len(points)} points × {len(targets)} markets"
    say(f"network loaded in {load_seconds:.1f} s; {what_places}, {what_small}, {what_points}, {spec.run_count()} runs")

    rail = rail_comparison(net, pack_places, args.repeats)
    say(f"rail, {rail['places']} × {rail['places']} places: corridor {rail['corridor'][0]:.1f} s, "
        f"scgraph {rail['scgraph'][0]:.1f} s")  # fmt: skip

    skims: list[Skim] = []

    def measure(what: str, origins, destinations, repeats: int, clients: dict[str, Any]) -> None:
        """A skim ``repeats`` times on each client (serial, 1 worker, 2 workers), taking turns in every round."""
        times: dict[str, list[float]] = {where: [] for where in clients}
        frames = {}
        for _ in range(repeats):
            for where, client in clients.items():
                start = time.perf_counter()
                frames[where] = net.skim(origins, destinations, objective="time", client=client)
                times[where].append(time.perf_counter() - start)
                say(f"{what}, {where}: {times[where][-1]:.1f} s")
        for where, frame in frames.items():
            check = agreement(frame, frames["serial"]) if "serial" in frames and where != "serial" else "—"
            seconds = statistics.median(times[where])
            skims.append(Skim(what, where, len(frame), seconds, int(frame.attrs["point_queries"]), check))

    memory: list[tuple[str, str, list[tuple[float, float]]]] = []
    starts: dict[str, float] = {}
    with ExitStack() as stack:
        clients: dict[str, Any] = {"serial": None}
        net.skim(points[:8], targets, objective="time")  # warm-up, untimed: kernels, the cache's pages
        for workers in (1, 2):
            where = f"{workers} worker{'s' if workers > 1 else ''}"
            start = time.perf_counter()
            client = clients[where] = stack.enter_context(corridor.cluster_client(workers=workers))
            memory.append((where, "network loaded", mib(client.run(worker_memory, *key))))
            net.skim(points[: 8 * workers], targets, objective="time", client=client)  # warm-up, untimed
            starts[where] = time.perf_counter() - start
        measure(what_places, names, None, args.repeats, clients)
        measure(what_small, small, None, args.repeats, {"2 workers": clients["2 workers"]})
        measure(what_points, points, targets, 1, clients)
        for where in ("1 worker", "2 workers"):
            memory.append((where, "after the skims", mib(clients[where].run(worker_memory, *key))))

        sweeps: list[SweepFigures] = []
        tables = {}
        for where in ("serial", "2 workers"):
            start = time.perf_counter()
            tables[where] = corridor.sweep(spec, client=clients[where], settings=settings)
            check = agreement(tables[where], tables["serial"]) if where != "serial" else "—"
            sweeps.append(sweep_figures(where, tables[where], time.perf_counter() - start, check))
            say(f"sweep, {where}: {sweeps[-1].wall:.1f} s")
        memory.append(("2 workers", "after the sweep", mib(clients["2 workers"].run(worker_memory, *key))))

    report(args, skims, rail, memory, sweeps, starts, load_seconds, (what_places, what_small, what_points))


def report(args, skims, rail, memory, sweeps, starts, load_seconds, whats) -> None:
    from rich.console import Console
    from rich.table import Table

    what_places, what_small, what_points = whats
    console = Console(width=160)
    by = {(s.what, s.where): s for s in skims}

    table = Table(
        title=f"OD skims, time objective, default metrics (place skims: median of {args.repeats}; points: once)"
    )
    for col in ("skim", "where", "pairs", "point queries", "seconds", "pairs/s", "equals serial"):
        table.add_column(col, justify="left" if col in ("skim", "where") else "right")
    for s in skims:
        row = [s.what, s.where, f"{s.pairs:,}", f"{s.point_queries:,}", f"{s.seconds:.2f}", f"{s.rate:,.0f}", s.same]
        table.add_row(*row)
    console.print(table)

    def speedup(what: str) -> float:
        return by[(what, "1 worker")].seconds / by[(what, "2 workers")].seconds

    table = Table(title="rail only: corridor skim (distance objective) and scgraph distance_matrix, in this process")
    for col in ("engine", "places", "pairs", "answered", "point queries", "seconds", "pairs/s"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    for engine in ("corridor", "scgraph"):
        seconds, answered = rail[engine]
        queries = f"{rail['point_queries']:,}" if engine == "corridor" else "—"
        row = [engine, str(rail["places"]), f"{rail['pairs']:,}", f"{answered:,}", queries, f"{seconds:.2f}"]
        table.add_row(*row, f"{rail['pairs'] / seconds:,.0f}")
    console.print(table)
    rail_ratio = rail["scgraph"][0] / rail["corridor"][0]
    print(
        f"corridor ÷ scgraph pairs/s: {rail_ratio:.2f}×; |km difference| over the {rail['both']:,} pairs both answer: "
        f"median {rail['median_km']:.1f} km, p95 {rail['p95_km']:.1f} km; scgraph graph built in {rail['build']:.1f} s"
    )

    table = Table(title="worker memory, MiB (RSS / USS: USS leaves out pages shared with other processes)")
    for col in ("cluster", "when", "per worker RSS", "per worker USS"):
        table.add_column(col, justify="left" if col in ("cluster", "when") else "right")
    for where, when, values in memory:
        table.add_row(where, when, " ".join(f"{r:,.0f}" for r, _ in values), " ".join(f"{u:,.0f}" for _, u in values))
    console.print(table)

    table = Table(title=f"random sweep from {SWEEP}, {'with' if args.with_assignment else 'without'} assignment, once")
    columns = ("where", "runs", "joined", "wall s", "wall s/run", "median s/run", "joined", "others", "equals serial")
    for col in columns:
        table.add_column(col, justify="left" if col == "where" else "right")
    for s in sweeps:
        row = [s.where, str(s.runs), str(s.joined), f"{s.wall:.1f}", f"{s.wall / s.runs:.2f}", f"{s.run_all:.2f}"]
        table.add_row(*row, f"{s.run_joined:.2f}", f"{s.run_other:.2f}", s.same)
    console.print(table)
    print(
        f"set-up: network load {load_seconds:.1f} s; cluster start and warm-up "
        + ", ".join(f"{where} {seconds:.1f} s" for where, seconds in starts.items())
    )

    rows: list[list[str]] = []

    def add(measure: str, measured: str, target: str = "", ok: bool | None = None) -> None:
        rows.append([measure, measured, target, verdict(ok)])

    for what in (what_places, what_points):
        for where in ("serial", "1 worker", "2 workers"):
            s = by[(what, where)]
            add(f"{what}, {where}", f"{s.seconds:.1f} s ({s.rate:,.0f} pairs/s)")
        ratio = speedup(what)
        add(f"{what}: 2 workers ÷ 1 worker", f"{ratio:.2f}×", f"≥ {TARGET_SPEEDUP}×", ratio >= TARGET_SPEEDUP)
        if what == what_places:
            small_s = by[(what_small, "2 workers")].seconds
            add(
                f"{what_small}, 2 workers",
                f"{small_s:.1f} s",
                f"≤ {TARGET_SMALL_SKIM_S:g} s",
                small_s <= TARGET_SMALL_SKIM_S,
            )
    ours, theirs = rail["pairs"] / rail["corridor"][0], rail["pairs"] / rail["scgraph"][0]
    add(
        f"rail, {rail['places']} × {rail['places']} places: corridor ÷ scgraph pairs/s",
        f"{ours:,.0f} ÷ {theirs:,.0f} = {rail_ratio:.2f}×",
    )
    add("rail: median \\|km difference\\| (pairs both answer)", f"{rail['median_km']:.1f} km")
    for when in ("network loaded", "after the sweep"):
        values = [v for _, w, per_worker in memory if w == when for v in per_worker]
        rss, uss = max(r for r, _ in values), max(u for _, u in values)
        add(f"memory per worker, {when} (largest)", f"{rss:,.0f} MiB RSS, {uss:,.0f} MiB USS")
    for s in sweeps:
        label = f"sweep of {s.runs} runs, {s.where}"
        if s.where == "serial":
            add(f"{label}: median s per figure-changing run", f"{s.run_joined:.2f} s", f"≤ {TARGET_RUN_S:g} s",
                s.run_joined <= TARGET_RUN_S)  # fmt: skip
        else:
            add(f"{label}: median s per figure-changing run", f"{s.run_joined:.2f} s")
        add(f"{label}: wall", f"{s.wall:.1f} s ({s.wall / s.runs:.2f} s a run)")
    headers = ["measure", "measured", "target", "target met"]
    table = Table(title="Summary")
    for col in headers:
        table.add_column(col)
    for row in rows:
        table.add_row(*(cell.replace("\\|", "|") for cell in row))
    console.print(table)
    print()
    print(markdown(headers, rows))


if __name__ == "__main__":
    main()
