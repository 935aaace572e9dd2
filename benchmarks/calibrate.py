"""Calibration benchmark: how long ``corridor calibrate`` takes on the shipped baseline, and what it reaches.

    python benchmarks/calibrate.py [--repeats 3] [--demand corridor-2024]

Times whole processes (``corridor calibrate --json`` through subprocess) after one untimed run that warms the
caches (network, numba); the table shows the median seconds, the trial assignments, and the fit reached on the
fitted and the held-out counts (target: a few minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scenario import corridor_command  # the scenario benchmark's way to find the command


def run_once(demand: str) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(
        [*corridor_command(), "calibrate", "--demand", demand, "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"corridor calibrate failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demand", default="corridor-2024")
    args = parser.parse_args()
    run_once(args.demand)
    runs = [run_once(args.demand) for _ in range(args.repeats)]
    seconds = statistics.median(s for s, _ in runs)
    result = runs[-1][1]
    fitted, held = result["fit_summary"]["fitted"], result["fit_summary"]["held_out"]
    print(f"corridor calibrate --demand {args.demand}: median of {args.repeats} processes")
    print(f"{'seconds':<34}{seconds:>10.1f}")
    print(f"{'trial assignments':<34}{result['evaluations']:>10d}")
    print(f"{'WAPE, fitted counts (%)':<34}{fitted['wape_pct']:>10.1f}  ({fitted['counts']} counts)")
    print(f"{'WAPE, held-out counts (%)':<34}{held['wape_pct']:>10.1f}  ({held['counts']} counts)")


if __name__ == "__main__":
    main()
