"""Routing benchmark: corridor against scgraph on the same rail layer, in the same run.

Prints one table: median and p95 ms per query for the six corridor pairs and for random
terminal pairs (coordinates in, path out), for

* corridor, rail layer, fixed objective (distance; contraction hierarchy) through the public API,
  twice: ``Network.path`` (line and totals, the same contract as scgraph's answer) and
  ``Network.route`` (the full answer with legs, borders, countries and place labels; without the reliability
  Monte Carlo, ``draws=0``, which ``benchmarks/reliability.py`` measures);
* corridor, multimodal, ``generalized`` objective with ``avoid RU,BY`` (no rebuild), ``Network.route``;
* scgraph 3.6 on the same rail layer (scgraph-data ``world_railways``): its contraction
  hierarchy and its Dijkstra;

plus the cold cache build (``--cold``) and the warm ``Network.load()`` time, and the ratios.

    python benchmarks/routing.py [--pairs 200] [--cold] [--seed 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import corridor

SIX = [
    ("Xi'an", "Klaipeda"),
    ("Khorgos", "Kaunas"),
    ("Dostyk", "Aktau"),
    ("Almaty", "Vilnius"),
    ("Baku", "Tbilisi"),
    ("Minsk", "Klaipeda"),
]


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples) * 1000.0, q))


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls (the first call also warms caches) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def scgraph_rail(net: corridor.Network):
    """scgraph GeoGraph over the same rail layer corridor routes on (healed links included)."""
    from scgraph import GeoGraph

    from corridor.units import Layer

    g = net.graph
    rail = np.flatnonzero(g.node_layer == Layer.RAIL)
    tail = g.edge_tail()
    on_rail = (g.node_layer[tail] == Layer.RAIL) & (g.node_layer[g.head] == Layer.RAIL)
    graph: list[dict[int, float]] = [{} for _ in range(len(rail))]
    for u, v, km in zip(tail[on_rail].tolist(), g.head[on_rail].tolist(), g.edge_km[on_rail].tolist(), strict=True):
        graph[u][v] = km  # rail nodes come first, so node ids are the same
    nodes = np.column_stack([g.node_lat[rail], g.node_lon[rail]]).tolist()
    return GeoGraph(graph=graph, nodes=nodes)


def cold_build_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        corridor.Network.load(cache_dir=tmp, progress=False, rebuild=True)
        return time.perf_counter() - start


def warm_load_seconds(runs: int = 3) -> float:
    code = (
        "import time, corridor; t=time.perf_counter(); corridor.Network.load(progress=False); "
        "print(time.perf_counter()-t)"
    )
    samples = [float(subprocess.check_output([sys.executable, "-c", code], text=True).strip()) for _ in range(runs)]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200, help="random terminal pairs (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="also time a cold cache build (about 20 s)")
    args = parser.parse_args()

    net = corridor.Network.load()
    places = net.pack.places
    coords = {p.id: (p.lat, p.lon) for p in places}
    rng = np.random.default_rng(args.seed)
    random_pairs = []
    while len(random_pairs) < args.pairs:
        a, b = rng.choice(len(places), 2, replace=False)
        random_pairs.append((places[a].id, places[b].id))
    six_ids = [(places[net.place_index.find(a)].id, places[net.place_index.find(b)].id) for a, b in SIX]

    geo = scgraph_rail(net)
    t0 = time.perf_counter()
    geo.graph_object.create_contraction_hierarchy()
    scgraph_ch_build = time.perf_counter() - t0

    def ours_rail_path(a, b):
        return net.path(coords[a], coords[b], modes="rail", objective="distance", max_snap_km=100)

    def ours_rail_route(a, b):
        return net.route(coords[a], coords[b], modes="rail", objective="distance", max_snap_km=100, draws=0)

    def ours_multimodal(a, b):
        return net.route(coords[a], coords[b], objective="generalized", avoid="RU,BY", max_snap_km=100, draws=0)

    def sc(a, b, algorithm):
        (lat_a, lon_a), (lat_b, lon_b) = coords[a], coords[b]
        return geo.get_shortest_path(
            origin_node={"latitude": lat_a, "longitude": lon_a},
            destination_node={"latitude": lat_b, "longitude": lon_b},
            algorithm_fn=algorithm,
            output_path=True,
            silent=True,
        )

    engines = {
        "corridor rail, distance: Network.path": ours_rail_path,
        "corridor rail, distance: Network.route (with legs)": ours_rail_route,
        "corridor multimodal, generalized, avoid RU,BY": ours_multimodal,
        "scgraph contraction hierarchy": lambda a, b: sc(a, b, "contraction_hierarchy"),
        "scgraph dijkstra": lambda a, b: sc(a, b, "dijkstra"),
    }
    results: dict[tuple[str, str], list[float]] = {}
    failures: dict[tuple[str, str], int] = {}
    for set_name, pairs in (("six pairs", six_ids), (f"{args.pairs} random terminal pairs", random_pairs)):
        for name, fn in engines.items():
            samples = []
            failed = 0
            for a, b in pairs:
                try:
                    seconds, _ = timed(lambda fn=fn, a=a, b=b: fn(a, b), repeat=3)
                except (corridor.CorridorError, RuntimeError, ValueError, KeyError):
                    failed += 1
                    continue
                samples.append(seconds)
            results[(set_name, name)] = samples
            failures[(set_name, name)] = failed

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Routing, ms per query (median of 3 runs per pair; coordinates in, path out)")
    columns = (
        "pair set",
        "engine",
        "queries",
        "failed",
        "p50 ms",
        "p95 ms",
        "p50 / scgraph CH",
        "p50 / scgraph Dijkstra",
    )
    for col in columns:
        table.add_column(col, justify="right" if col not in ("pair set", "engine") else "left")
    for set_name in ("six pairs", f"{args.pairs} random terminal pairs"):
        ch = percentile_ms(results[(set_name, "scgraph contraction hierarchy")], 50)
        dj = percentile_ms(results[(set_name, "scgraph dijkstra")], 50)
        for name in engines:
            samples = results[(set_name, name)]
            p50, p95 = percentile_ms(samples, 50), percentile_ms(samples, 95)
            table.add_row(
                set_name,
                name,
                str(len(samples)),
                str(failures[(set_name, name)]),
                f"{p50:.2f}",
                f"{p95:.2f}",
                f"{p50 / ch:.2f}×",
                f"{p50 / dj:.2f}×",
            )
    console = Console(width=160)
    console.print(table)
    other = Table(title="Build and load")
    other.add_column("what")
    other.add_column("seconds", justify="right")
    other.add_row("scgraph contraction hierarchy build (rail layer)", f"{scgraph_ch_build:.1f}")
    other.add_row("corridor warm Network.load() (median of 3 fresh processes)", f"{warm_load_seconds():.2f}")
    if args.cold:
        other.add_row("corridor cold cache build (all layers, healing, landmarks)", f"{cold_build_seconds():.1f}")
    console.print(other)


if __name__ == "__main__":
    main()
