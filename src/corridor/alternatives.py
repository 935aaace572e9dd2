"""Alternative routes for one pair: k meaningfully different routes and the trade-off between days, USD and CO2.

Different routes come from the penalty method: after each route found, the weights of its edges
are multiplied by ``1 + PENALTY`` and the pair is searched again; a route found that way is kept
when at most ``MAX_SHARED`` of its km run on any route already kept, so a detour by one node or
one town never counts as an alternative. Weights only grow, so the landmark bounds stay valid and
each search stays exact on the weights it is given (and repaired, like any route, where it would
enter a country twice). The routes are reported with their true figures (no penalty), ranked by
the objective asked.

The trade-off: the best routes by time, by cost and by CO2 join the routes found, and ``pareto``
marks those no other route beats on days, USD per TEU and kg CO2e per TEU at once. This is the
Pareto set among the routes found (the ends of the front and the routes between them that the
searches met), not an enumeration of every non-dominated path, which grows exponentially.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.errors import OptionsError
from corridor.options import QueryOptions
from corridor.results import Route

if TYPE_CHECKING:
    from corridor.engine import Engine
    from corridor.network.places import PlaceQuery
    from corridor.routing.route import Solution

__all__ = ["MAX_ALTERNATIVES", "MAX_SHARED", "PENALTY", "Alternatives", "find_alternatives", "pareto_front"]

#: Each search multiplies the weights of the edges of the route it found by 1 + PENALTY.
PENALTY = 0.5
#: A route is another alternative when at most this share of its km runs on a route already kept.
MAX_SHARED = 0.75
#: The most alternatives one call answers (k).
MAX_ALTERNATIVES = 5
#: Penalised searches per alternative asked before giving up on finding more.
_TRIES_PER_ROUTE = 3

_OBJECTIVE_NAMES = {"time": "fastest", "cost": "cheapest", "co2": "lowest CO2"}
_WORDS = {"time": "time", "cost": "cost", "co2": "CO2", "generalized": "generalized cost", "distance": "distance"}


@dataclass(frozen=True)
class Alternatives:
    """Different routes for one pair, ranked by the objective, and which of them make up the trade-off front.

    ``routes[0]`` is the best route by the objective; ``labels`` say what each route is ("best by time",
    "alternative 2", "cheapest"...); ``pareto`` holds the indices of the routes that no other route beats on
    days, USD per TEU and kg CO2e per TEU at once.
    """

    origin: str
    destination: str
    objective: str
    k: int
    routes: tuple[Route, ...]
    labels: tuple[str, ...]
    pareto: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "k": self.k,
            "routes": [
                {"label": label, "pareto": i in self.pareto, **route.to_dict()}
                for i, (route, label) in enumerate(zip(self.routes, self.labels, strict=True))
            ],
            "pareto": list(self.pareto),
        }


def pareto_front(points: np.ndarray) -> tuple[int, ...]:
    """Indices of the rows of ``points`` (one row per option, lower is better in every column) that no other row
    dominates: no other row is at most as large in every column and smaller in one. Equal rows are all kept."""
    points = np.asarray(points, float)
    keep = []
    for i, p in enumerate(points):
        others = np.delete(points, i, axis=0)
        dominated = ((others <= p).all(axis=1) & (others < p).any(axis=1)).any()
        if not dominated:
            keep.append(i)
    return tuple(keep)


def _shared_share(edges: np.ndarray, kept_edges: np.ndarray, km: np.ndarray) -> float:
    """The share of a route's km that runs on edges of another route."""
    total = float(km[edges].sum())
    if total <= 0.0:
        return 1.0
    return float(km[edges[np.isin(edges, kept_edges)]].sum()) / total


def find_alternatives(
    engine: Engine, origin: PlaceQuery, destination: PlaceQuery, options: QueryOptions, *, k: int = 3
) -> Alternatives:
    """Up to ``k`` meaningfully different routes by the options' objective, and the trade-off front (see the module
    docstring). Fewer than ``k`` routes come back when the network offers no more different ones."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_ALTERNATIVES:
        raise OptionsError(f"k must be a whole number from 1 to {MAX_ALTERNATIVES}, got {k!r}", option="k")
    if options.depart is not None:
        raise OptionsError("alternatives are searched on expected waits: ask without depart", option="depart")
    router = engine.router
    km = router.metrics[3]
    best = engine.solve(origin, destination, options)
    kept: list[Solution] = [best]
    factor = np.ones(engine.graph.edge_count)
    found = best
    for _ in range(_TRIES_PER_ROUTE * (k - 1)):
        if len(kept) >= k:
            break
        factor[found.edges] *= 1.0 + PENALTY
        found = engine.solve(origin, destination, options, router=router.penalised(factor))
        if all(_shared_share(found.edges, s.edges, km) <= MAX_SHARED for s in kept):
            kept.append(found)
    labels = [f"best by {_WORDS[options.objective]}"] + [f"alternative {i + 1}" for i in range(1, len(kept))]
    # the ends of the trade-off: the best route by each of time, cost and CO2 (a kept route when the same)
    for objective, name in _OBJECTIVE_NAMES.items():
        if objective == options.objective:
            continue
        sol = engine.solve(origin, destination, replace(options, objective=objective))
        same = next((i for i, s in enumerate(kept) if np.array_equal(s.edges, sol.edges)), None)
        if same is None:
            kept.append(sol)
            labels.append(name)
    routes = [engine.finish(sol, options) for sol in kept]
    figures = np.array([[r.hours, r.usd_per_teu, r.kg_co2e_per_teu] for r in routes])
    for column, name in zip(range(3), _OBJECTIVE_NAMES.values(), strict=True):  # say which route is the extreme
        i = int(np.argmin(figures[:, column]))
        if name not in labels[i]:
            labels[i] = f"{labels[i]} · {name}" if labels[i] != name else name
    return Alternatives(
        origin=routes[0].origin,
        destination=routes[0].destination,
        objective=options.objective,
        k=k,
        routes=tuple(routes),
        labels=tuple(labels),
        pareto=pareto_front(figures),
    )
