"""Assignment benchmark: corridor's Algorithm B and gradient projection against aequilibrae's bfw, in one run.

    python benchmarks/assignment.py [DIR ...] [--cores N]

Each DIR is a TNTP network folder (one ``*_net.tntp`` and one ``*_trips.tntp``; default: SiouxFalls
from the shared reference data next to the repository, or from ``CORRIDOR_TNTP_DIR``). For each
network, user equilibrium:

* corridor, Algorithm B (``b``, bush-based) and path-based gradient projection (``gp``), to relative
  gaps 1e-4, 1e-6, 1e-10 and 1e-12: seconds of ``corridor.assign.assign`` (building its arrays
  included), one thread. Each is run once to 1e-4 first, untimed, so numba compilation (or loading
  the compiled cache) is not counted. Every run's flows are checked for conservation at every node
  (``conservation_error``, the largest imbalance as a share of the demand; the column shows it);
* the whole process ``corridor assign-tntp DIR --algorithm b --gap 1e-12`` (start-up, reading the
  files, loading the compiled kernels and the answer), median of 3 processes. The engine column says
  which kernels ran: ``native`` (compiled ahead of time, ``make native``) or ``jit`` (numba's);
* aequilibrae 1.7.2 ``bfw`` to 1e-4 and 1e-6: its Graph is built from the same links (BPR,
  ``alpha = b``, ``beta = power``, through-centroid flows blocked only where ``<FIRST THRU NODE>``
  says so; a zero free-flow time, which aequilibrae refuses, raised to 1e-6) and a
  ``TrafficAssignment`` run; seconds of ``execute()`` only (graph and matrix set-up excluded), its
  progress bars off, on ``--cores`` threads (default 1, as corridor; on small networks more
  threads only add overhead).

Every figure is the median of 3 runs. The flow difference is ``max |v − v*| / max(v*, 1)`` over
links, against the best-known solution ``*_flow.tntp`` where the folder has one. The last row of
each network is the ratio "ours (b) to 1e-10 ÷ aequilibrae to 1e-6".
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.assign import TntpProblem, assign, conservation_error, read_tntp_dir
from corridor.assign.tntp import read_flows

RUNS = 3
OUR_GAPS = (1e-4, 1e-6, 1e-10, 1e-12)
OUR_ALGORITHMS = ("b", "gp")
AEQ_GAPS = (1e-4, 1e-6)
#: The least free-flow time aequilibrae is given (it refuses 0; ours run on the file's values).
AEQ_MIN_FREE_FLOW_TIME = 1e-6
MAX_ITERATIONS = 100_000
COLUMNS = (
    "network", "engine", "algorithm", "target gap", "reached gap", "iterations", "seconds", "max flow diff",
    "conservation",
)  # fmt: skip


def default_dir() -> Path:
    override = os.environ.get("CORRIDOR_TNTP_DIR")
    root = Path(override) if override else Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "tntp"
    return root / "SiouxFalls"


@dataclass(frozen=True)
class Row:
    engine: str
    algorithm: str
    target: float
    reached: float
    iterations: int
    seconds: float
    flow_difference: float | None
    conservation: float | None = None


def flow_difference(flows: np.ndarray, best: np.ndarray | None) -> float | None:
    if best is None:
        return None
    return float(np.max(np.abs(flows - best) / np.maximum(np.abs(best), 1.0)))


def median_run(run) -> tuple[float, object]:
    """Median seconds over RUNS calls of ``run`` (which returns (seconds, result)), and the last result."""
    samples, result = [], None
    for _ in range(RUNS):
        seconds, result = run()
        samples.append(seconds)
    return statistics.median(samples), result


def ours(problem: TntpProblem, best: np.ndarray | None) -> list[Row]:
    network, demand = problem.assignment_network(), problem.demand()
    rows = []
    for algorithm in OUR_ALGORITHMS:
        assign(network, demand, algorithm=algorithm, gap=1e-4)  # compile or load numba's cache: untimed
        for target in OUR_GAPS:

            def run(target=target, algorithm=algorithm):
                start = time.perf_counter()
                result = assign(network, demand, algorithm=algorithm, gap=target, max_iterations=MAX_ITERATIONS)
                return time.perf_counter() - start, result

            seconds, result = median_run(run)
            rows.append(
                Row(
                    f"corridor ({result.kernels})",
                    algorithm,
                    target,
                    result.relative_gap,
                    result.iterations,
                    seconds,
                    flow_difference(result.flows, best),
                    conservation_error(network, [demand], result.class_flows),
                )
            )
    return rows


def whole_process(folder: Path) -> Row:
    """Median seconds of the command ``corridor assign-tntp FOLDER --algorithm b --gap 1e-12`` as a new process."""
    script = Path(sys.executable).with_name("corridor")  # the installed command, as a user runs it
    launcher = [str(script)] if script.is_file() else [sys.executable, "-m", "corridor"]
    command = [*launcher, "assign-tntp", str(folder), "--algorithm", "b", "--gap", "1e-12"]
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run([*command, "--json"], check=True, capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
    summary = json.loads(done.stdout)
    engine = f"corridor whole process ({summary['kernels']})"
    seconds = statistics.median(samples)
    return Row(engine, "b", 1e-12, summary["relative_gap"], summary["iterations"], seconds, None)


def aequilibrae_rows(problem: TntpProblem, best: np.ndarray | None, workdir: Path, cores: int) -> list[Row]:
    os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")  # read when aequilibrae is first imported
    import pandas as pd
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    net, trips = problem.network, problem.trips
    zones = trips.num_zones
    link_ids = np.arange(1, net.num_links + 1)
    links = pd.DataFrame(
        {
            "link_id": link_ids,
            "a_node": net.init_node,
            "b_node": net.term_node,
            "direction": np.ones(net.num_links, np.int8),
            # aequilibrae rejects a zero free-flow time (ChicagoSketch's zone connectors): those links get 1e-6
            "free_flow_time": np.maximum(net.free_flow_time, AEQ_MIN_FREE_FLOW_TIME),
            "capacity": np.where(net.b == 0.0, 1.0, net.capacity),  # b = 0: uncongested whatever the capacity
            "b": net.b,
            "power": net.power,
            "fixed_cost": problem.toll_factor * net.toll + problem.distance_factor * net.length,
        }
    )
    centroids = np.arange(1, zones + 1, dtype=np.int64)
    rows = []
    for target in AEQ_GAPS:

        def run(target=target):
            graph = Graph()
            graph.network = links
            graph.prepare_graph(centroids)
            graph.set_graph("free_flow_time")
            graph.set_blocked_centroid_flows(net.first_thru_node > 1)
            matrix = AequilibraeMatrix()
            matrix.create_empty(file_name=str(workdir / f"demand_{target:g}.aem"), zones=zones, matrix_names=["m"])
            matrix.index[:] = centroids
            matrix.matrices[:, :, 0] = trips.to_matrix()
            matrix.computational_view(["m"])
            traffic_class = TrafficClass("all", graph, matrix)
            if links["fixed_cost"].any():
                traffic_class.set_fixed_cost("fixed_cost")
            assignment = TrafficAssignment()
            assignment.set_classes([traffic_class])
            assignment.set_vdf("BPR")
            assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
            assignment.set_capacity_field("capacity")
            assignment.set_time_field("free_flow_time")
            assignment.set_algorithm("bfw")
            assignment.set_cores(cores)
            assignment.max_iter = MAX_ITERATIONS
            assignment.rgap_target = float(target)
            start = time.perf_counter()
            assignment.execute()
            seconds = time.perf_counter() - start
            flows = assignment.results().loc[link_ids, "m_tot"].to_numpy()
            result = (assignment.assignment.rgap, assignment.assignment.iter, flows)
            matrix.close()
            return seconds, result

        seconds, (reached, iterations, flows) = median_run(run)
        rows.append(Row("aequilibrae 1.7.2", "bfw", target, reached, iterations, seconds, flow_difference(flows, best)))
    return rows


def main() -> None:
    import argparse

    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="TNTP network folders (default: SiouxFalls)")
    parser.add_argument("--cores", type=int, default=1, help="aequilibrae threads (default 1)")
    args = parser.parse_args()
    folders = args.folders or [default_dir()]
    table = Table(
        title=f"Static user equilibrium: seconds to a relative gap (median of {RUNS} runs; corridor one thread, "
        f"without numba compilation; aequilibrae {args.cores} thread(s), execute() only)",
        title_justify="left",
    )
    for col in COLUMNS:
        table.add_column(col, justify="left" if col in ("network", "engine", "algorithm") else "right")
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        for folder in folders:
            problem = read_tntp_dir(folder)
            best = read_flows(problem.flows_path).volume if problem.flows_path is not None else None
            label = f"{problem.name} ({problem.network.num_links} links, {len(problem.trips.flow)} OD pairs)"
            theirs = aequilibrae_rows(problem, best, Path(tmp), args.cores)
            rows = [*ours(problem, best), whole_process(folder), *theirs]
            for row in rows:
                table.add_row(
                    label,
                    row.engine,
                    row.algorithm,
                    f"{row.target:.0e}",
                    "–" if np.isnan(row.reached) else f"{row.reached:.2e}",
                    str(row.iterations) if row.iterations else "–",
                    f"{row.seconds:.4f}",
                    "–" if row.flow_difference is None else f"{row.flow_difference:.1e}",
                    "–" if row.conservation is None else f"{row.conservation:.0e}",
                )
            ours_tight = next(
                r for r in rows if r.engine.startswith("corridor (") and r.algorithm == "b" and r.target == 1e-10
            )
            theirs = next(r for r in rows if r.engine.startswith("aequilibrae") and r.target == 1e-6)
            ratio = ours_tight.seconds / theirs.seconds
            table.add_row(
                label,
                "ours (b) to 1e-10 ÷ aequilibrae to 1e-6",
                "",
                "",
                "",
                "",
                f"{ratio:.3f}×",
                "",
                "",
                end_section=True,
            )
    Console(width=170).print(table)


if __name__ == "__main__":
    main()
