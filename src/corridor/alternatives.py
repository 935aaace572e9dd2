"""Alternative routes for one pair: k meaningfully different routes and the trade-off between days, USD and CO2.

Different routes come from the penalty method: after each route found, the weights of the edges
in the grid cells it ran through (``CELL_DEG`` degrees, about 10 km) are multiplied by
``1 + PENALTY`` and the pair is searched again; a route found that way is kept when at most
``MAX_SHARED`` of its km run through cells of any route already kept, so a detour by one node or
one town, or the other track of a double line, never counts as an alternative. Weights only grow,
so the landmark bounds stay valid and each search stays exact on the weights it is given (and
repaired, like any route, where it would enter a country twice: with the first ban that works, and
the crossings that repair closed stay closed for the next search). The routes are reported with their
true figures (no penalty), ranked by the objective asked.

Ranked by reliability (``rank="p90"``), the same routes come in the order of their transit P90, the
days from departure to arrival (terminal to terminal, as every table shows it) that nine containers
in ten beat, from each route's own Monte Carlo draws: the searches stay on expected values
(percentiles do not add up along a path), the ranking is of the routes found. With draws, the route
with the lowest P90 is marked "most reliable" either way.

The trade-off: the best routes by time, by cost and by CO2 join the routes found, and ``pareto``
marks those no other route beats on days, USD per TEU and kg CO2e per TEU at once. This is the
Pareto set among the routes found (the ends of the front and the routes between them that the
searches met), not an enumeration of every non-dominated path, which grows exponentially.

The penalised searches run one after another, since each needs the route before it; helper threads
(one per spare core) meanwhile search the ends of the trade-off and finish every route found (legs,
reliability, emissions), so with the work balanced a call takes about the best search, the
penalised searches and the last route's finishing. The answer does not depend on the threads'
timing.
"""

from __future__ import annotations

import functools
import os
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.constants import ALTERNATIVE_RANKS
from corridor.errors import OptionsError
from corridor.options import QueryOptions
from corridor.results import Route

if TYPE_CHECKING:
    from corridor.engine import Engine
    from corridor.network.places import PlaceQuery
    from corridor.routing.route import Solution

__all__ = [
    "CELL_DEG",
    "MAX_ALTERNATIVES",
    "MAX_SHARED",
    "PENALTY",
    "Alternatives",
    "find_alternatives",
    "helper_count",
    "pareto_front",
]

#: Each search multiplies the weights of the edges of the route it found by 1 + PENALTY.
PENALTY = 0.5
#: A route is another alternative when at most this share of its km runs on a route already kept.
MAX_SHARED = 0.6
#: The most alternatives one call answers (k).
MAX_ALTERNATIVES = 5
#: Penalised searches per alternative asked before giving up on finding more.
_TRIES_PER_ROUTE = 3
#: Routes are compared, and penalised, by the grid cells of this many degrees they run through: two tracks
#: side by side (the OSM layer draws many double lines twice) are one way.
CELL_DEG = 0.1
_ROWS, _COLS = round(180 / CELL_DEG), round(360 / CELL_DEG)
_CELLS: weakref.WeakKeyDictionary[Any, _CellIndex] = weakref.WeakKeyDictionary()  # by router

_OBJECTIVE_NAMES = {"time": "fastest", "cost": "cheapest", "co2": "lowest CO2"}
_MOST_RELIABLE = "most reliable"
_WORDS = {"time": "time", "cost": "cost", "co2": "CO2", "generalized": "generalized cost", "distance": "distance"}


@dataclass(frozen=True)
class Alternatives:
    """Different routes for one pair, ranked by the objective (or by P90), and which make up the trade-off front.

    ``routes[0]`` is the best route by the objective, or with ``rank == "p90"`` the one with the lowest
    transit P90; ``labels`` say what each route is ("best by time", "alternative 2", "cheapest", "most
    reliable"...); ``pareto`` holds the indices of the routes that no other route beats on days, USD per TEU and
    kg CO2e per TEU at once.
    """

    origin: str
    destination: str
    objective: str
    k: int
    routes: tuple[Route, ...]
    labels: tuple[str, ...]
    pareto: tuple[int, ...]
    rank: str = "objective"

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "rank": self.rank,
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


@dataclass(frozen=True)
class _CellIndex:
    """Each edge's grid cell (``CELL_DEG`` degrees square, by its midpoint), and the edges sorted by cell, so the
    edges of a route's cells are a few slices instead of a pass over every edge."""

    cell: np.ndarray  # int64 per edge
    order: np.ndarray  # edge ids sorted by cell
    sorted_cell: np.ndarray  # cell[order]

    def edges_in(self, cells: np.ndarray) -> np.ndarray:
        """The edges whose cell is one of ``cells`` (unique cell numbers)."""
        lo = np.searchsorted(self.sorted_cell, cells, side="left")
        count = np.searchsorted(self.sorted_cell, cells, side="right") - lo
        starts = np.repeat(lo - np.cumsum(count) + count, count)
        return self.order[starts + np.arange(int(count.sum()))]


def _cell_index(engine: Engine) -> _CellIndex:
    """The cell index of the engine's network, computed once per router."""
    g, router = engine.graph, engine.router
    index = _CELLS.get(router)
    if index is None:
        tail, head = router.tail, g.head
        lat = (g.node_lat[tail] + g.node_lat[head]) / 2.0
        lon = (g.node_lon[tail] + g.node_lon[head]) / 2.0
        rows = np.clip(((lat + 90.0) / CELL_DEG).astype(np.int64), 0, _ROWS - 1)
        cols = np.clip(((lon + 180.0) / CELL_DEG).astype(np.int64), 0, _COLS - 1)
        cell = rows * _COLS + cols
        order = np.argsort(cell, kind="stable")
        index = _CELLS[router] = _CellIndex(cell, order, cell[order])
    return index


def _shared_share(cells: np.ndarray, km: np.ndarray, taken: np.ndarray) -> float:
    """The share of a route's km (its edges' ``cells`` and ``km``) in the grid cells ``taken`` (sorted, unique)."""
    total = float(km.sum())
    return float(km[np.isin(cells, taken, assume_unique=False)].sum()) / total if total > 0.0 else 1.0


def helper_count() -> int:
    """How many helper threads alternatives use: one core fewer than the machine has, since the calling thread
    searches too (on two cores, two helpers were slower than one), and at most three."""
    return max(1, min(3, (os.cpu_count() or 2) - 1))


@functools.cache
def _helpers() -> ThreadPoolExecutor:
    """The helper threads of alternatives, started once per process (a thread keeps its search buffers)."""
    return ThreadPoolExecutor(max_workers=helper_count(), thread_name_prefix="corridor-alternatives")


if hasattr(os, "register_at_fork"):  # POSIX: a forked process has none of its parent's threads, so its own helpers
    os.register_at_fork(after_in_child=_helpers.cache_clear)


def _solve_and_finish(
    engine: Engine, origin: PlaceQuery, destination: PlaceQuery, options: QueryOptions
) -> tuple[Solution, Route]:
    """The best solution under ``options`` and its finished route."""
    sol = engine.solve(origin, destination, options)
    return sol, engine.finish(sol, options)


def find_alternatives(
    engine: Engine,
    origin: PlaceQuery,
    destination: PlaceQuery,
    options: QueryOptions,
    *,
    k: int = 3,
    rank: str = "objective",
) -> Alternatives:
    """Up to ``k`` meaningfully different routes by the options' objective, and the trade-off front, ordered by
    ``rank`` (see the module docstring). Fewer than ``k`` routes come back when the network offers no more."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_ALTERNATIVES:
        raise OptionsError(f"k must be a whole number from 1 to {MAX_ALTERNATIVES}, got {k!r}", option="k")
    if rank not in ALTERNATIVE_RANKS:
        raise OptionsError(f"rank must be one of {', '.join(ALTERNATIVE_RANKS)}, got {rank!r}", option="rank")
    if rank == "p90" and options.draws <= 0:
        raise OptionsError("rank 'p90' needs each route's reliability: ask with draws above 0", option="rank")
    if options.depart is not None:
        raise OptionsError("alternatives are searched on expected waits: ask without depart", option="depart")
    router = engine.router
    km, index = router.metrics[3], _cell_index(engine)
    cells = index.cell
    others = [objective for objective in _OBJECTIVE_NAMES if objective != options.objective]
    # Helper threads search the ends of the trade-off and finish each route found (legs, reliability,
    # emissions) while this one runs the penalised searches, which each need the route before them.
    pool, pending = _helpers(), []

    def soon(call: Callable[..., Any], *args: Any) -> Future[Any]:
        pending.append(pool.submit(call, *args))
        return pending[-1]

    try:
        ends = [soon(_solve_and_finish, engine, origin, destination, replace(options, objective=o)) for o in others]
        best = engine.solve(origin, destination, options)
        kept: list[Solution] = [best]
        finishing = [soon(engine.finish, best, options)]
        taken = [np.unique(cells[best.edges])]  # per kept route, the grid cells it runs through
        factor = np.ones(engine.graph.edge_count)
        closed = np.zeros(0, np.int64)
        found = best
        for _ in range(_TRIES_PER_ROUTE * (k - 1)):
            if len(kept) >= k:
                break
            # penalise every edge in the cells the last route ran through, so a parallel track is no way out
            factor[index.edges_in(np.unique(cells[found.edges]))] *= 1.0 + PENALTY
            closed = np.union1d(closed, found.repair_closed)  # a detour repaired once is not searched again
            found = engine.solve(origin, destination, options, router=router.penalised(factor, closed))
            on = cells[found.edges]
            if all(_shared_share(on, km[found.edges], t) <= MAX_SHARED for t in taken):
                kept.append(found)
                taken.append(np.unique(on))
                finishing.append(soon(engine.finish, found, options))
        coef = engine.coefficients(options)  # the alternatives best first by the objective's true (unpenalised) cost
        cost = [float(coef @ router.metrics[:, sol.edges].sum(axis=1)) for sol in kept]
        order = [0, *sorted(range(1, len(kept)), key=cost.__getitem__)]
        kept = [kept[i] for i in order]
        routes = [finishing[i].result() for i in order]
        labels = [f"best by {_WORDS[options.objective]}"] + [f"alternative {i + 1}" for i in range(1, len(kept))]
        # the ends of the trade-off: the best route by each of time, cost and CO2 (a kept route when the same)
        for objective, end in zip(others, ends, strict=True):
            sol, route = end.result()
            if not any(np.array_equal(s.edges, sol.edges) for s in kept):
                kept.append(sol)
                routes.append(route)
                labels.append(_OBJECTIVE_NAMES[objective])
    finally:  # on an error, what this call queued and the helpers have not started is dropped
        for future in pending:
            future.cancel()
    if options.draws > 0:
        p90 = [r.reliability.p90_hours if r.reliability else np.inf for r in routes]
        if rank == "p90":  # a stable sort: routes of equal P90 keep the objective's order
            order = sorted(range(len(routes)), key=p90.__getitem__)
            routes, labels, p90 = [routes[i] for i in order], [labels[i] for i in order], [p90[i] for i in order]
        labels[int(np.argmin(p90))] += f" · {_MOST_RELIABLE}"
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
        rank=rank,
    )
