"""Assignment on generated networks: Algorithm B and gradient projection where no public network is at hand.

    python benchmarks/assignment_synthetic.py [--gap 1e-12] [--max-seconds 120] [--quick]

Two congested networks, built from fixed seeds so every run assigns the same problem:

* **city**: a Delaunay triangulation of 3,000 random points in a 30 km square (its longest 3 % of edges
  dropped), each edge a road both ways of one of three classes (80, 50 and 30 km/h; 4,000, 1,800 and
  800 vehicles/h), 200 zones with demand decaying with distance;
* **grid**: a 30 × 30 grid with random free-flow times (1–5) and capacities (200–2,000) and 100 zones
  with uniform random demand: many paths of nearly equal cost, the hard case for bush-based methods.

BPR (0.15, 4) on every link; zones are never passed through. For each network and algorithm, one run
to the gap: iterations, the gap reached, seconds of ``corridor.assign.assign`` (compilation excluded by a
first untimed run to 1e-2) and the flow conservation error. ``--quick``: the city with 1,000 points and
60 zones, the grid 15 × 15 with 40 zones.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.spatial import Delaunay

from corridor.assign import AssignmentNetwork, Demand, assign, conservation_error

ALGORITHMS = ("b", "gp")


def _zones_first(n: int, zones: np.ndarray, tail: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber the nodes so the chosen zones come first (the engine's zones are nodes 0 .. zones − 1)."""
    order = np.empty(n, np.int64)
    order[zones] = np.arange(len(zones))
    order[np.setdiff1d(np.arange(n), zones)] = np.arange(len(zones), n)
    return order[tail], order[head]


def city(points: int, zones: int, seed: int = 1) -> tuple[AssignmentNetwork, Demand]:
    """A Delaunay road network of ``points`` nodes with ``zones`` zones (see the module docstring)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 30.0, (points, 2))
    edges = {tuple(sorted((int(s[i]), int(s[(i + 1) % 3])))) for s in Delaunay(xy).simplices for i in range(3)}
    pairs = np.array(sorted(edges))
    km = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    keep = km < np.quantile(km, 0.97)
    pairs, km = pairs[keep], km[keep]
    kind = rng.choice(3, len(pairs), p=[0.1, 0.3, 0.6])
    minutes = km / np.array([80.0, 50.0, 30.0])[kind] * 60.0
    capacity = np.array([4000.0, 1800.0, 800.0])[kind]
    chosen = rng.choice(points, zones, replace=False)
    tail, head = _zones_first(
        points, chosen, np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])
    )
    net = AssignmentNetwork.bpr(
        points, tail, head, np.tile(minutes, 2), np.tile(capacity, 2), b=0.15, power=4.0, first_thru_node=zones
    )
    o, d = (a.ravel() for a in np.meshgrid(np.arange(zones), np.arange(zones)))
    o, d = o[o != d], d[o != d]
    apart = np.hypot(*(xy[chosen][o] - xy[chosen][d]).T)
    return net, Demand(o, d, rng.uniform(0.0, 1.0, len(o)) * 60.0 * np.exp(-apart / 10.0))


def grid(side: int, zones: int, seed: int = 1) -> tuple[AssignmentNetwork, Demand]:
    """A ``side`` × ``side`` grid, both ways, with ``zones`` zones (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = side * side
    node = np.arange(n).reshape(side, side)
    a = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    b = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    minutes, capacity = rng.uniform(1.0, 5.0, len(tail)), rng.uniform(200.0, 2000.0, len(tail))
    tail, head = _zones_first(n, rng.choice(n, zones, replace=False), tail, head)
    net = AssignmentNetwork.bpr(n, tail, head, minutes, capacity, b=0.15, power=4.0, first_thru_node=zones)
    o, d = (x.ravel() for x in np.meshgrid(np.arange(zones), np.arange(zones)))
    o, d = o[o != d], d[o != d]
    return net, Demand(o, d, rng.uniform(0.0, 30.0, len(o)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gap", type=float, default=1e-12)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="smaller networks")
    args = parser.parse_args()
    problems = {
        "city": city(1000, 60) if args.quick else city(3000, 200),
        "grid": grid(15, 40) if args.quick else grid(30, 100),
    }
    print(f"user equilibrium to a relative gap of {args.gap:g} (at most {args.max_seconds:g} s per run)")
    print(f"{'network':<8}{'links':>8}{'zones':>7}{'algorithm':>11}{'kernels':>9}{'iterations':>12}"
          f"{'gap':>10}{'seconds':>9}{'conservation':>14}")  # fmt: skip
    for name, (net, demand) in problems.items():
        zones = int(max(demand.origin.max(), demand.destination.max())) + 1
        for algorithm in ALGORITHMS:
            assign(net, demand, algorithm=algorithm, gap=1e-2)  # compile (or load the compiled kernels)
            start = time.perf_counter()
            result = assign(net, demand, algorithm=algorithm, gap=args.gap, max_seconds=args.max_seconds)
            seconds = time.perf_counter() - start
            error = conservation_error(net, [demand], result.class_flows)
            print(f"{name:<8}{net.num_links:>8,}{zones:>7}{algorithm:>11}{result.kernels:>9}{result.iterations:>12}"
                  f"{result.relative_gap:>10.1e}{seconds:>9.2f}{error:>14.1e}")  # fmt: skip


if __name__ == "__main__":
    main()
