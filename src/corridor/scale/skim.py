"""Origin–destination skims: days, USD, kg CO2e and km between many places, one search tree per origin.

``skim(engine, origins, destinations, options=...)`` answers every pair (origin, destination) as
``Network.path`` does, and returns a long table: ``origin, destination, feasible, <metrics…>, reason``.

How one tree serves a whole row
-------------------------------
A point query (``Router.solve``) searches under masks: the avoided countries, the allowed modes, what is
closed on the day asked, and, for an intermodal chain, road nodes only within ``road_carriage_max_km`` of
the pair's two ends. Per origin, a skim builds the same masks once, except that road nodes within the
radius of the origin **or of any destination** are allowed: a superset of every pair's own mask. It then
grows one Dijkstra tree from the origin's nodes (``bounded_tree`` without a limit) with the objective's
weights, and reads each destination's best path from the parents (``unwind``).

That path is the pair's answer only if it also keeps the pair's own rules: its road nodes lie within the
radius of the pair's two ends, and it enters no country twice (``Router._detour_bans``: the point query
would search again with the detour closed). If it does, it is optimal for the pair: it is a best path in
a graph that contains the pair's graph, and it lies in the pair's graph, so no path of the pair's graph
is cheaper, and the point query, which finds a best path of the pair's graph, finds one of the same cost.

The same cost is not yet the same figures: where two paths tie on the objective (two parallel tracks of
equal length, one slower: the distance and CO2 objectives meet such ties), the point query and the tree
may take different ones, with different hours or USD. So a tree path is used only if no node on it is
reached at the same cost (relative ``1e-9``) by another edge whose path has other totals, and the
destination is not reached at two of its nodes at the same cost; then every best path has the tree
path's totals. The totals are summed over the path's edges exactly as ``RoutePath`` sums them, so they
equal ``Network.path``'s.

Every other pair (a tree path that breaks a pair rule or meets such a tie, an end in an avoided country)
is answered by a point query, ``Engine.path``, so its figures and its reason are the point query's own.
A destination the tree does not reach has no route (its mask is a subset of the tree's): it gets the
point query's ``NoRouteError`` text, built by the router as the point query builds it (with the closed
elements the best route would need, when one exists with them open).

* A pair whose origin and destination are the same place (the same label) is zero.
* A pair without a route is ``feasible`` False, its metrics NaN, and ``reason`` the ``NoRouteError`` text
  (or the ``OptionsError`` text when an end lies in an avoided country).
* Vias and departure times are not supported in skims (``OptionsError``).

On a cluster (``client``: a Dask client, see ``corridor.scale.executor``) the origins are dealt into tasks of
several origins each (about eight a worker, each origin to the next task in turn); every worker loads the network
from the cache folder and data pack of the engine's settings (``worker_network``) and runs the same per-origin
code, so the table equals the serial one to the last bit. A network built in memory (``Network.from_pack``, or by
hand) cannot be skimmed on a cluster: the workers could not load it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from numba import njit

from corridor.errors import NoRouteError, OptionsError
from corridor.routing.search import bounded_tree, unwind
from corridor.scale.executor import run_tasks, settings_key, worker_network
from corridor.units import Layer

if TYPE_CHECKING:
    from corridor.engine import Engine
    from corridor.network.places import PlaceQuery
    from corridor.options import QueryOptions
    from corridor.routing.route import Endpoint

__all__ = ["DEFAULT_SKIM_METRICS", "SKIM_METRICS", "check_metrics", "skim"]

#: What a skim can report per pair.
SKIM_METRICS = ("days", "hours", "usd_per_teu", "kg_co2e_per_teu", "km")
#: What it reports unless asked otherwise.
DEFAULT_SKIM_METRICS = ("days", "usd_per_teu", "kg_co2e_per_teu", "km")

_ROAD = int(Layer.ROAD)
_TIE = 1e-9  # relative: two costs (or totals) this close are equal
_NONE = (float("nan"),) * 4
_ZERO = (0.0, 0.0, 0.0, 0.0)

# One answer: origin label, destination label, feasible, (hours, usd, co2, km), reason, served by a point query.
_Answer = tuple[str, str, bool, tuple[float, float, float, float], str, bool]
_Points = dict[str, tuple[float, float]]  # label → (lat, lon)

# Engines loaded from a cache, by (cache folder, data pack): a cluster of threads in this process answers with the
# one the caller holds rather than loading a second copy.
_IN_PROCESS: dict[tuple[str | None, str | None], weakref.ref[Engine]] = {}


def check_metrics(metrics: Iterable[str] | str) -> tuple[str, ...]:
    """The metric names asked for (a list or comma text), in order, without repeats; OptionsError for others."""
    names = [m.strip() for m in metrics.split(",")] if isinstance(metrics, str) else [str(m).strip() for m in metrics]
    names = [m for m in names if m]
    unknown = [m for m in names if m not in SKIM_METRICS]
    if unknown:
        raise OptionsError(f"unknown metric {unknown[0]!r}; a skim reports {', '.join(SKIM_METRICS)}", option="metrics")
    if not names:
        raise OptionsError(f"no metrics asked for; a skim reports {', '.join(SKIM_METRICS)}", option="metrics")
    return tuple(dict.fromkeys(names))


def skim(
    engine: Engine,
    origins: Iterable[PlaceQuery] | str,
    destinations: Iterable[PlaceQuery] | str | None = None,
    *,
    metrics: Iterable[str] | str = DEFAULT_SKIM_METRICS,
    options: QueryOptions,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Every pair of ``origins`` × ``destinations`` as ``Network.path`` answers it, one search tree per origin.

    Parameters
    ----------
    origins, destinations : place names, ``"lat,lon"`` text or ``(lat, lon)`` pairs, or ``"all"`` (every place
        of the data pack); destinations None: the same as the origins.
    metrics : among ``days, hours, usd_per_teu, kg_co2e_per_teu, km`` (a list or comma text).
    options : checked query options (``QueryOptions.make``): objective, avoid, modes, as_of, profile…; no via.
    client : a Dask client to share the origins over its workers (None: here, one origin after another).
    progress : ``progress(origins_done, origins)`` as origins are answered.

    Returns a DataFrame, one row per pair, origin-major in the order given: ``origin``, ``destination`` (as
    ``Network.path`` names them), ``feasible``, the metrics (NaN where infeasible) and ``reason`` (empty where
    feasible). ``frame.attrs`` holds ``points`` (label → (lat, lon)) and ``point_queries`` (how many pairs
    the trees could not serve).

    Raises UnknownPlaceError, CoordinateError or OptionsError for bad input, before any search.
    """
    columns = check_metrics(metrics)
    _check_options(options)
    origin_list = _queries(engine, origins, "origins")
    destination_list = origin_list if destinations is None else _queries(engine, destinations, "destinations")
    router = engine.router
    # every end is checked here, before any search or task: a bad one names itself
    starts = [router.resolve(q, modes=options.modes, max_snap_km=options.max_snap_km) for q in origin_list]
    ends = [
        router.resolve(q, modes=options.modes, max_snap_km=options.max_snap_km, option="destination")
        for q in destination_list
    ]
    engine.closures(engine.as_of(options))  # a day outside the pack's dates fails here too
    total = len(origin_list)
    if client is None:
        context = _Context.build(engine, destination_list, options)
        answers: list[_Answer] = []
        for k, query in enumerate(origin_list):
            answers.extend(_origin_answers(engine, context, query))
            if progress is not None:
                progress(k + 1, total)
    else:
        key = _cluster_key(engine)
        _IN_PROCESS[key] = weakref.ref(engine)
        # about eight tasks per worker, each origin dealt in turn (neighbours in the list, such as one country's
        # terminals, cost alike): the workers finish together; every task at least two origins (about 0.5 s)
        count = max(1, min(total // 2, _TASKS_PER_WORKER * _worker_threads(client)))
        shares = [list(range(c, total, count)) for c in range(count)]
        tasks = [_Task(key, tuple(origin_list[i] for i in share), tuple(destination_list), options) for share in shares]

        def told(done: int, of: int) -> None:
            if progress is not None:
                progress(total if done == of else min(total, round(done * total / of)), total)

        blocks = run_tasks(_run_task, tasks, client=client, progress=told)
        by_origin: list[list[_Answer]] = [[] for _ in range(total)]
        width = len(destination_list)
        for share, block in zip(shares, blocks, strict=True):
            for k, i in enumerate(share):
                by_origin[i] = block[k * width : (k + 1) * width]
        answers = [a for row in by_origin for a in row]
    points = {e.label: (float(e.lat), float(e.lon)) for e in [*starts, *ends]}
    return _frame(answers, columns, points)


#: Tasks a cluster worker gets of a skim: enough to even out origins of unequal cost.
_TASKS_PER_WORKER = 8


def _check_options(options: QueryOptions) -> None:
    if options.via:
        raise OptionsError("vias are not supported in skims; skim to and from the via place instead", option="via")
    if options.depart is not None:
        raise OptionsError("a departure time is not supported in skims", option="depart")


def _queries(engine: Engine, given: Iterable[PlaceQuery] | str, what: str) -> list[PlaceQuery]:
    """The places asked for as a list: ``"all"`` is every place of the pack; one text or pair is one place."""
    if isinstance(given, str):
        return [p.name for p in engine.pack.places] if given.strip().casefold() == "all" else [given]
    if isinstance(given, tuple) and len(given) == 2 and all(isinstance(v, int | float) for v in given):
        lat, lon = cast(tuple[float, float], given)
        return [(float(lat), float(lon))]  # one (lat, lon) pair
    out = list(given)
    if not out:
        raise OptionsError(f"no {what} given", option=what)
    return out


def _cluster_key(engine: Engine) -> tuple[str | None, str | None]:
    """What a worker loads the engine's network by; a network built in memory has none."""
    settings = engine.settings
    if settings is None or engine.router.rail_hierarchies is None:  # by hand, or Engine.from_pack
        raise OptionsError(
            "a network built in memory (by hand, or from a scenario's data pack) cannot be skimmed on a cluster: "
            "its workers load their network from the cache; skim it here (client=None)",
            option="client",
        )
    return settings_key(settings.cache_folder, settings.data_pack)


def _worker_threads(client: Any) -> int:
    """How many tasks the cluster runs at once (at least 1)."""
    try:
        return max(1, sum(int(n) for n in client.nthreads().values()))
    except (AttributeError, TypeError, ValueError):
        return 1


@dataclass(frozen=True)
class _Task:
    """Some origins against every destination, on the network of ``key`` (cache folder, data pack)."""

    key: tuple[str | None, str | None]
    origins: tuple[Any, ...]
    destinations: tuple[Any, ...]
    options: QueryOptions


def _run_task(task: _Task) -> list[_Answer]:
    """A worker's share: its network (this process's, loaded once), then each origin's row."""
    ref = _IN_PROCESS.get(task.key)
    engine = ref() if ref is not None else None
    if engine is None:
        network: Any = worker_network(*task.key)
        engine = getattr(network, "engine", network)  # the network, or the engine itself
    context = _Context.build(engine, list(task.destinations), task.options)
    return [a for query in task.origins for a in _origin_answers(engine, context, query)]


@dataclass
class _Context:
    """What every origin of a skim shares: the destinations, and the masks and weights of the options."""

    options: QueryOptions
    destinations: list[Any]
    ends: list[Endpoint]
    protected: list[set[int]]  # the countries each destination's nodes lie in (a detour ban never closes them)
    coef: np.ndarray
    node_ok: np.ndarray  # avoid, closures, and road only near a destination (where a radius holds)
    mode_ok: np.ndarray
    blocked: np.ndarray  # avoid (services through avoided countries) and closures
    allowed: np.ndarray  # avoid and closures only
    stop_ok: np.ndarray  # avoid only: where an end may lie
    open_blocked: np.ndarray  # avoid only: the blocked edges without the day's closures
    closures: dict[Any, Any]
    reach_km: float | None  # the truck radius; None where road may carry the whole way
    is_road: np.ndarray
    alternatives: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # usable edges: id, tail, head, weight
    _near: dict[int, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, engine: Engine, destinations: list[Any], options: QueryOptions) -> _Context:
        router, g = engine.router, engine.graph
        ends = [
            router.resolve(q, modes=options.modes, max_snap_km=options.max_snap_km, option="destination")
            for q in destinations
        ]
        stop_ok, mode_ok, open_blocked = router.masks(options.avoid, options.modes)
        closures = engine.closures(engine.as_of(options))
        allowed, blocked = stop_ok, open_blocked
        if closures:
            node_closed, edge_closed = router.closure_masks(closures)
            allowed, blocked = stop_ok & ~node_closed, open_blocked | edge_closed
        reach_km = options.road_reach_km(engine.pack.param("road_carriage_max_km"))
        if "road" not in options.modes:
            reach_km = None
        is_road = g.node_layer == _ROAD
        node_ok = allowed
        if reach_km is not None:
            node_ok = allowed & (~is_road | router.road_reach(tuple(ends), reach_km, rail="rail" in options.modes))
        coef = engine.coefficients(options)
        m = router.metrics  # the weights as the search computes them, term by term
        weight = coef[0] * m[0] + coef[1] * m[1] + coef[2] * m[2] + coef[3] * m[3]
        usable = np.flatnonzero(mode_ok[g.edge_mode] & ~blocked & np.isfinite(weight))
        return cls(
            options=options,
            destinations=destinations,
            ends=ends,
            protected=[{int(c) for c in g.node_country[e.nodes] if c >= 0} for e in ends],
            coef=coef,
            node_ok=node_ok,
            mode_ok=mode_ok,
            blocked=blocked,
            allowed=allowed,
            stop_ok=stop_ok,
            open_blocked=open_blocked,
            closures=dict(closures),
            reach_km=reach_km,
            is_road=is_road,
            alternatives=(usable, router.tail[usable], g.head[usable], weight[usable]),
        )

    def near(self, engine: Engine, j: int) -> np.ndarray:
        """The road nodes within the radius of destination ``j`` (sorted), computed once."""
        found = self._near.get(j)
        if found is None:
            assert self.reach_km is not None
            rail = "rail" in self.options.modes
            found = self._near[j] = np.flatnonzero(engine.router.road_reach((self.ends[j],), self.reach_km, rail=rail))
        return found

    def tree(self, engine: Engine, start: Endpoint, node_ok: np.ndarray, blocked: np.ndarray):
        """(cost, parent edge) of every node from the start's nodes, under the objective's weights."""
        g, router = engine.graph, engine.router
        return bounded_tree(
            g.first_out, g.head, router.metrics, g.edge_mode, self.coef,
            sources=start.nodes, source_cost=np.zeros(len(start.nodes)),
            mode_ok=self.mode_ok, node_ok=node_ok, edge_blocked=blocked, limit=np.inf,
        )  # fmt: skip

    def contested(self, engine: Engine, dist: np.ndarray, parent: np.ndarray) -> np.ndarray:
        """Nodes the tree reaches by one edge while another edge reaches them at the same cost with other totals:
        a best path through one may differ from the point query's in the metrics the objective leaves out."""
        edge, tail, head, weight = self.alternatives
        router = engine.router
        sums = _tree_sums(parent, router.tail, router.metrics, dist)
        return _ties(dist, parent, sums, edge, tail, head, weight, router.metrics, router.tail, _TIE)


def _origin_answers(engine: Engine, ctx: _Context, query: Any) -> list[_Answer]:
    """One origin against every destination: one tree, then each destination's path read from it."""
    router, g = engine.router, engine.graph
    options = ctx.options
    start = router.resolve(query, modes=options.modes, max_snap_km=options.max_snap_km)
    node_ok, near_start = ctx.node_ok, None
    if ctx.reach_km is not None:
        near_start = router.road_reach((start,), ctx.reach_km, rail="rail" in options.modes)
        node_ok = node_ok | (ctx.allowed & near_start)
    dist, parent = ctx.tree(engine, start, node_ok, ctx.blocked)
    contested = ctx.contested(engine, dist, parent)
    start_countries = {int(c) for c in g.node_country[start.nodes] if c >= 0}
    start_ok = bool(ctx.stop_ok[start.nodes].any())
    open_dist: list[np.ndarray] = []  # the tree without the day's closures, grown when first needed
    answers: list[_Answer] = []
    for j, end in enumerate(ctx.ends):
        a, b = start.label, end.label
        if b == a:
            answers.append((a, b, True, _ZERO, "", False))
            continue
        found = _tree_path(engine, ctx, j, dist, parent, contested, near_start, start_countries)
        if isinstance(found, tuple):
            answers.append((a, b, True, found, "", False))
        elif found == "unreached" and start_ok and ctx.stop_ok[end.nodes].any():
            if ctx.closures and not open_dist:
                open_dist.append(ctx.tree(engine, start, ctx.stop_ok, ctx.open_blocked)[0])
            answers.append((a, b, False, _NONE, _no_route_text(engine, ctx, start, end, open_dist), False))
        else:
            answers.append(_point_query(engine, query, ctx.destinations[j], options, a, b))
    return answers


def _tree_path(
    engine: Engine,
    ctx: _Context,
    j: int,
    dist: np.ndarray,
    parent: np.ndarray,
    contested: np.ndarray,
    near_start: np.ndarray | None,
    start_countries: set[int],
) -> tuple[float, float, float, float] | str:
    """The (hours, usd, co2, km) of destination ``j``'s tree path if it is the pair's answer; else why not:
    ``unreached`` (no route) or ``point`` (a point query must answer)."""
    router, g = engine.router, engine.graph
    end = ctx.ends[j]
    costs = dist[end.nodes]
    k = int(np.argmin(costs))
    if not np.isfinite(costs[k]):
        return "unreached"
    if np.count_nonzero(costs <= costs[k] + _TIE * costs[k]) > 1:
        return "point"  # reached at two of its nodes at the same cost
    edges, source = unwind(parent, g.head, router.tail, int(end.nodes[k]))
    nodes = np.concatenate(([source], g.head[edges])).astype(np.int64)
    if contested[nodes[1:]].any():  # a tie on the way: the point query may take the other branch
        return "point"
    if near_start is not None:  # road only within the radius of this pair's two ends
        road = nodes[ctx.is_road[nodes]]
        road = road[~near_start[road]]
        if len(road) and not np.isin(road, ctx.near(engine, j)).all():
            return "point"
    if router._detour_bans(nodes, edges, start_countries | ctx.protected[j]):  # enters a country twice
        return "point"
    hours, usd, co2, km = router.metrics.take(edges, axis=1).sum(axis=1).tolist()  # as RoutePath sums them
    return (hours, usd, co2, km)


def _no_route_text(engine: Engine, ctx: _Context, start: Endpoint, end: Endpoint, open_dist: list[np.ndarray]) -> str:
    """The point query's NoRouteError text for a pair the tree does not reach, built by the router as the point
    query builds it: with the closed elements the best route would need, when the day's closures cut it."""
    router, options = engine.router, ctx.options
    error = router._no_route(start.label, end.label, options.avoid, options.modes, ())
    if open_dist and np.isfinite(open_dist[0][end.nodes]).any():  # open, a route exists: say what it would need
        router._explain(
            error, (start, end), options.objective, ctx.coef, ctx.stop_ok, ctx.mode_ok, ctx.open_blocked, ctx.closures
        )
    return str(error)


def _point_query(engine: Engine, origin: Any, destination: Any, options: QueryOptions, a: str, b: str) -> _Answer:
    """A pair the tree cannot serve, answered as ``Network.path`` answers it."""
    try:
        p = engine.path(origin, destination, options)
    except NoRouteError as exc:
        return (a, b, False, _NONE, str(exc), True)
    except OptionsError as exc:  # an end in an avoided country
        if exc.option != "avoid":
            raise
        return (a, b, False, _NONE, str(exc), True)
    return (p.origin, p.destination, True, (p.hours, p.usd_per_teu, p.kg_co2e_per_teu, p.km), "", True)


@njit(cache=True, nogil=True)
def _tree_sums(parent, tail, metrics, dist):  # pragma: no cover - numba
    """Per reached node, the (hours, usd, co2, km) of its tree path (node-major)."""
    n = len(parent)
    sums = np.zeros((n, 4))
    done = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    for v in range(n):
        if done[v] or not np.isfinite(dist[v]):
            continue
        top = 0
        x = v
        while not done[x] and parent[x] >= 0:
            stack[top] = x
            top += 1
            x = tail[parent[x]]
        done[x] = True
        while top > 0:
            top -= 1
            y = stack[top]
            e = parent[y]
            p = tail[e]
            for k in range(4):
                sums[y, k] = sums[p, k] + metrics[k, e]
            done[y] = True
    return sums


@njit(cache=True, nogil=True)
def _below(t, h, floor, dist, parent, edge_tail):  # pragma: no cover - numba
    """Whether ``h`` lies on the tree path to ``t`` (looked for among the ancestors that cost at least ``floor``)."""
    x = t
    while True:
        if x == h:
            return True
        e = parent[x]
        if e < 0:
            return False
        x = edge_tail[e]
        if dist[x] < floor:
            return False


@njit(cache=True, nogil=True)
def _ties(dist, parent, sums, edge, tail, head, weight, metrics, edge_tail, tie):  # pragma: no cover - numba
    """Nodes that another edge than their tree edge reaches at the same cost (within ``tie``, relative) by a
    path whose totals differ."""
    out = np.zeros(len(dist), np.bool_)
    for i in range(len(edge)):
        h = head[i]
        reached = dist[h]
        if out[h] or not np.isfinite(reached) or parent[h] == edge[i]:
            continue
        if dist[tail[i]] + weight[i] > reached + tie * reached:
            continue
        t, e = tail[i], edge[i]
        if _below(t, h, reached - tie * reached, dist, parent, edge_tail):
            continue  # not another way in: the edge comes back from below (a loop of zero cost)
        for k in range(4):
            if abs(sums[t, k] + metrics[k, e] - sums[h, k]) > tie * max(abs(sums[h, k]), 1.0):
                out[h] = True
                break
    return out


def _frame(answers: Sequence[_Answer], metrics: tuple[str, ...], points: _Points) -> pd.DataFrame:
    """The long table of the answers, with the metrics asked for."""
    sums = np.array([a[3] for a in answers], dtype=np.float64).reshape(len(answers), 4)
    values = {
        "days": sums[:, 0] / 24.0,
        "hours": sums[:, 0],
        "usd_per_teu": sums[:, 1],
        "kg_co2e_per_teu": sums[:, 2],
        "km": sums[:, 3],
    }
    frame = pd.DataFrame(
        {
            "origin": [a[0] for a in answers],
            "destination": [a[1] for a in answers],
            "feasible": np.array([a[2] for a in answers], dtype=bool),
            **{m: values[m] for m in metrics},
            "reason": [a[4] for a in answers],
        }
    )
    frame.attrs["points"] = points
    frame.attrs["point_queries"] = sum(1 for a in answers if a[5])
    return frame
