"""Reliability benchmark: what the transit-time Monte Carlo adds to a route query and to a corridor comparison.

    python benchmarks/reliability.py [--repeats 15] [--draws 10000]

On the cached world network, in one process: each seed pair is routed without reliability (``draws=0``) and with
it (``draws`` draws), interleaved so a busy machine slows both alike, after one untimed warm-up of each (numba,
caches). The table shows each one's median milliseconds and the difference (target: at most 20 ms with 10,000
draws); then ``compare`` of two pairs with and without reliability and their ratio (target: at most 1.3).
"""

from __future__ import annotations

import argparse
import statistics
import time

import corridor

PAIRS = [
    ("Almaty", "Karlshamn", {"avoid": "RU,BY"}),
    ("Xi'an", "Duisburg", {}),
    ("Khorgos", "Klaipeda", {"avoid": "RU,BY"}),
    ("Shanghai", "Rotterdam", {}),
    ("Urumqi", "Vilnius", {}),
]
COMPARE_PAIRS = [("Khorgos", "Klaipeda"), ("Almaty", "Hamburg")]
TARGET_ADDED_MS = 20.0
TARGET_COMPARE_RATIO = 1.3


def timed_ms(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000.0


def paired(without, with_, repeats: int) -> tuple[float, float]:
    """Median milliseconds of two calls, one untimed warm-up each, then ``repeats`` interleaved rounds."""
    without()
    with_()
    a, b = [], []
    for _ in range(repeats):
        a.append(timed_ms(without))
        b.append(timed_ms(with_))
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    net = corridor.Network.load(progress=False)
    print(f"route: median ms over {args.repeats} runs, reliability with {args.draws:,} draws")
    print(f"{'pair':<34}{'without':>10}{'with':>10}{'added':>10}  target ≤ {TARGET_ADDED_MS:.0f} ms")
    added = []
    for origin, destination, options in PAIRS:
        a, b = paired(
            lambda o=origin, d=destination, kw=options: net.route(o, d, draws=0, **kw),
            lambda o=origin, d=destination, kw=options: net.route(o, d, draws=args.draws, **kw),
            args.repeats,
        )
        added.append(b - a)
        label = f"{origin} → {destination}" + (f" avoid {options['avoid']}" if "avoid" in options else "")
        print(f"{label:<34}{a:>10.1f}{b:>10.1f}{b - a:>10.1f}")
    print(f"{'median':<34}{'':>10}{'':>10}{statistics.median(added):>10.1f}")
    print()
    print(f"compare: median ms over {max(args.repeats // 3, 3)} runs")
    print(f"{'pair':<34}{'without':>10}{'with':>10}{'ratio':>10}  target ≤ {TARGET_COMPARE_RATIO}")
    for origin, destination in COMPARE_PAIRS:
        a, b = paired(
            lambda o=origin, d=destination: net.compare(o, d, draws=0),
            lambda o=origin, d=destination: net.compare(o, d, draws=args.draws),
            max(args.repeats // 3, 3),
        )
        print(f"{origin + ' → ' + destination:<34}{a:>10.1f}{b:>10.1f}{b / a:>10.2f}")


if __name__ == "__main__":
    main()
