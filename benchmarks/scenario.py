"""Scenario benchmark: ``corridor scenario run`` of the baseline against a scenario that changes pack figures.

    python benchmarks/scenario.py [--repeats 3] [--scenario caspian-fleet-x2]

Times whole processes (``corridor scenario run NAME`` through subprocess, output discarded): the
baseline runs on the cached network; the other scenario changes figures of the data pack, so it
joins its own network in memory from the cached base network and computes its landmarks. One
untimed run of each first warms the caches (network, base, numba). The timed runs are interleaved
(baseline, scenario, baseline, ...) so a busy machine slows both alike; the table shows each one's
median seconds and the ratio scenario ÷ baseline (target: at most 1.5).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = "baseline"
TARGET_RATIO = 1.5


def corridor_command() -> list[str]:
    """The ``corridor`` command of this environment (the console script next to Python, else ``-m corridor``)."""
    script = Path(sys.executable).with_name("corridor")
    if script.exists():
        return [str(script)]
    found = shutil.which("corridor")
    return [found] if found else [sys.executable, "-m", "corridor"]


def run_once(scenario: str) -> float:
    """Seconds of one ``corridor scenario run`` process; exits with its error output if it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        [*corridor_command(), "scenario", "run", scenario],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"corridor scenario run {scenario} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def measure(scenarios: list[str], repeats: int) -> dict[str, list[float]]:
    """Seconds per run of each scenario: one untimed warm-up each, then ``repeats`` interleaved rounds."""
    for name in scenarios:
        run_once(name)
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(repeats):
        for name in scenarios:
            times[name].append(run_once(name))
    return times


def print_table(times: dict[str, list[float]], scenario: str, repeats: int) -> None:
    from rich.console import Console
    from rich.table import Table

    base = statistics.median(times[BASELINE])
    table = Table(title=f"corridor scenario run, whole process, warm caches (median of {repeats}, interleaved)")
    for column in ("scenario", "network", "runs (s)", "median s", f"÷ {BASELINE}"):
        table.add_column(column, justify="left" if column in ("scenario", "network") else "right")
    for name, network in ((BASELINE, "cached"), (scenario, "joined in memory from the cached base")):
        median = statistics.median(times[name])
        runs = " ".join(f"{t:.1f}" for t in times[name])
        table.add_row(name, network, runs, f"{median:.2f}", f"{median / base:.2f}×")
    Console(width=120).print(table)
    ratio = statistics.median(times[scenario]) / base
    verdict = "within" if ratio <= TARGET_RATIO else "over"
    print(f"{scenario} ÷ {BASELINE}: {ratio:.2f}× ({verdict} the {TARGET_RATIO}× target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each scenario (default 3)")
    parser.add_argument("--scenario", default="caspian-fleet-x2", help="the scenario timed against the baseline")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    times = measure([BASELINE, args.scenario], args.repeats)
    print_table(times, args.scenario, args.repeats)


if __name__ == "__main__":
    main()
