"""Forwarder answers benchmark: alternatives against one route query, and the quote sheet.

    python benchmarks/alternatives.py [--repeats 9] [--quick]

On the cached world network, in one process: for each seed pair, ``Network.route`` and
``Network.alternatives(k=3)`` with the same options (default draws), interleaved so a busy
machine slows both alike, after one untimed warm-up of each. The table shows each one's median
milliseconds and their ratio (target: alternatives at most 3 times one route query), how many
different routes came back, how many lie on the trade-off front, the ratio of their CPU time (all
threads) and the floor: the same number of plain route queries (the objective's, and the best by cost
and by CO2 for the two ends of the trade-off) run side by side on as many threads as an alternatives call
uses, over one route query. An alternatives call does about that work or more (a penalised search
costs as much as a plain one or more, unless the plain query repairs its route at greater length, and
every route it returns is finished alike), so the floor is about the least its ratio could be on the
machine at hand. Then the median seconds to
write a quote sheet (target: at most 1 s); then how much two threads gain over one on the search and on
the finishing of a route (legs, emissions, reliability draws), which bounds what the helper threads of
alternatives can gain.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import corridor
from corridor.alternatives import helper_count

PAIRS = [
    ("Xi'an", "Klaipeda", {}),
    ("Almaty", "Klaipeda", {"avoid": "RU,BY"}),
    ("Chongqing", "Duisburg", {}),
    ("Khorgos", "Rotterdam", {}),
    ("Almaty", "Karlshamn", {}),
    ("Xi'an", "Duisburg", {"avoid": "RU,BY"}),
]
TARGET_RATIO = 3.0
TARGET_SHEET_SECONDS = 1.0


def timed_ms(call, cpu_ms: list[float] | None = None) -> float:
    """Wall milliseconds of ``call()``; its process CPU milliseconds (all threads) are appended to ``cpu_ms``."""
    start, cpu = time.perf_counter(), time.process_time()
    call()
    if cpu_ms is not None:
        cpu_ms.append((time.process_time() - cpu) * 1000.0)
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="two pairs, three repeats")
    args = parser.parse_args()
    pairs, repeats = (PAIRS[:2], 3) if args.quick else (PAIRS, args.repeats)
    net = corridor.Network.load(progress=False)
    print(f"median ms over {repeats} interleaved runs (default draws); alternatives k=3")
    threads = helper_count() + 1  # the calling thread searches too
    header = f"{'pair':<36}{'route':>8}{'altern.':>9}{'ratio':>7}{'routes':>8}{'front':>7}{'cpu ratio':>11}{'floor':>7}"
    print(f"{header}  target ratio ≤ {TARGET_RATIO:g}")
    ratios, cpu_ratios, floors = [], [], []
    with ThreadPoolExecutor(threads) as side_by_side:
        for origin, destination, options in pairs:
            one = lambda o=origin, d=destination, kw=options: net.route(o, d, **kw)  # noqa: E731
            alt = lambda o=origin, d=destination, kw=options: net.alternatives(o, d, k=3, **kw)  # noqa: E731
            one()
            found = alt()
            # as many plain route queries as routes came back: the ends of the trade-off by cost and CO2, the rest by
            # the objective asked (time)
            objectives = ["time"] * (len(found.routes) - 2) + ["cost", "co2"]
            plain = lambda o=origin, d=destination, kw=options, obs=objectives: list(  # noqa: E731
                side_by_side.map(lambda objective: net.route(o, d, objective=objective, **kw), obs)
            )
            plain()
            a, b, c, cpu_a, cpu_b = [], [], [], [], []
            for _ in range(repeats):
                a.append(timed_ms(one, cpu_a))
                b.append(timed_ms(alt, cpu_b))
                c.append(timed_ms(plain))
            route_ms, alt_ms = statistics.median(a), statistics.median(b)
            ratios.append(alt_ms / route_ms)
            cpu_ratios.append(statistics.median(cpu_b) / statistics.median(cpu_a))
            floors.append(statistics.median(c) / route_ms)
            name = f"{origin} → {destination}" + (f" avoid {options['avoid']}" if options else "")
            print(f"{name:<36}{route_ms:>8.1f}{alt_ms:>9.1f}{alt_ms / route_ms:>7.2f}"
                  f"{len(found.routes):>8}{len(found.pareto):>7}{cpu_ratios[-1]:>11.2f}{floors[-1]:>7.2f}")  # fmt: skip
    print(f"{'median ratio':<53}{statistics.median(ratios):>7.2f}{'':>15}{statistics.median(cpu_ratios):>11.2f}"
          f"{statistics.median(floors):>7.2f}")  # fmt: skip
    print("(cpu ratio: the CPU time of all threads of an alternatives call over a route query's; floor: as many plain")
    print(f" route queries as routes came back, run side by side on {threads} threads, over one route query)")
    route = net.route("Almaty", "Klaipeda", avoid="RU,BY")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quote.html"
        seconds = [timed_ms(lambda: path.write_text(net.quote_sheet(route), encoding="utf-8")) / 1000.0
                   for _ in range(repeats)]  # fmt: skip
    print(f"quote sheet, Almaty → Klaipėda avoid RU,BY: median {statistics.median(seconds):.2f} s "
          f"(first {seconds[0]:.2f} s)  target ≤ {TARGET_SHEET_SECONDS:g} s")  # fmt: skip
    thread_scaling(net, 10 if args.quick else 40)


def thread_scaling(net: corridor.Network, calls: int) -> None:
    """How much two threads gain over one on the two halves of a route query, Xi'an → Klaipeda: the search
    (``Engine.solve``) and the finishing (``Engine.finish``: legs, emissions, reliability draws). The helper
    threads of alternatives gain only where the work releases the interpreter lock."""
    engine = net.engine
    options = corridor.QueryOptions.make()
    sol = engine.solve("Xi'an", "Klaipeda", options)
    work = {
        "search (solve)": lambda: engine.solve("Xi'an", "Klaipeda", options),
        "finishing (legs, emissions, draws)": lambda: engine.finish(sol, options),
    }
    print(f"{calls} calls on one thread, and split over two; Xi'an → Klaipeda")
    with ThreadPoolExecutor(2) as pool:
        for name, call in work.items():

            def run(n: int, call=call) -> None:
                for _ in range(n):
                    call()

            def split(run=run) -> None:
                halves = [pool.submit(run, calls // 2), pool.submit(run, calls - calls // 2)]
                for half in halves:
                    half.result()

            split()  # warm both threads' search buffers
            one, two = timed_ms(lambda run=run: run(calls)), timed_ms(split)
            print(f"  {name:<36} one {one:8.1f} ms  two {two:8.1f} ms  speed-up {one / two:5.2f}")


if __name__ == "__main__":
    main()
