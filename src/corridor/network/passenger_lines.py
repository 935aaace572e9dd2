"""High-speed passenger lines that container trains do not use, found in the attribute-free rail layer.

The OSM-derived rail layer has nodes and edges with km, nothing else, so a route can run on a
high-speed line that freight trains never see (Xi'an → Ürümqi over the Lanzhou–Ürümqi HSR comes
out 4–12 % short of the conventional line). ``passenger_lines.csv`` lists such lines as polylines
(``waypoints``) with a ``buffer_km``; :func:`passenger_edges` marks the layer's edges that belong to
them. Nothing here reads the layer or the pack: the build passes arrays in and drops the marked edges.

The rule, chosen from what the layer looks like along the Lanzhou–Ürümqi line (the high-speed line
is its own chain of nodes with long straight edges; it meets the conventional line at a few
junctions, often at shared stations, and in places runs within 1–3 km of it):

1. *near*: every point of an edge (its ends and samples along it) lies within ``buffer_km`` of the
   line's polyline;
2. *whole runs*: an edge is marked only if its whole run is near. A run is a chain of edges between
   nodes whose degree is not 2, continued through the line's own small stations: dead-end spurs and
   passing loops shorter than ``stub_km`` do not end it. A conventional line that merely touches the
   buffer, or shares a station, keeps its edges;
3. *never cut*: the nodes where a run meets the rest of the layer must stay joined by unmarked edges
   within ``max_detour`` times its length, first for each run alone (a station throat shared by both
   lines, or a line the layer has no freight alternative for, fails here and is kept), then for all
   together: where a conventional run lies so close that it was taken too, both parallel runs fail
   and the one fitting the polyline worse (larger mean distance) is freed first.

Waypoints should follow the line's own alignment (``passenger_lines.csv`` takes the layer's nodes) and
start and end where it leaves the conventional network: a polyline drawn through a shared city
station takes its yard into the buffer, which rule 3 then has to sort out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from corridor.datapack import PassengerLine
from corridor.network.geo import chord_to_km, haversine_km, km_to_chord, to_unit_xyz

__all__ = ["passenger_edges"]

#: Spacing of the points a polyline and an edge are sampled at, as a share of ``buffer_km``.
_SAMPLE_SHARE = 0.25


def passenger_edges(
    lat: np.ndarray,
    lon: np.ndarray,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    lines: Iterable[PassengerLine],
    *,
    edge_km: np.ndarray | None = None,
    max_detour: float = 3.0,
    stub_km: float = 30.0,
) -> np.ndarray:
    """Which edges of a rail layer belong to one of ``lines`` (bool[m]); see the module docstring.

    ``lat``/``lon`` are the nodes' degrees, ``edge_u``/``edge_v`` the undirected edges (each once;
    pass every edge a route may use, healing links included), ``edge_km`` their lengths (default:
    great circle). A run whose ends the remaining edges join only by a path longer than
    ``max_detour`` × its length (or not at all) is left unmarked. Dead-end spurs and passing loops
    shorter than ``stub_km`` (sidings, a station only the line serves) do not split the line.
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    u, v = np.asarray(edge_u, np.int64), np.asarray(edge_v, np.int64)
    km = haversine_km(lat[u], lon[u], lat[v], lon[v]) if edge_km is None else np.asarray(edge_km, float)
    near = np.zeros(len(u), bool)
    fit = np.full(len(u), np.inf)  # mean distance of the edge to the nearest listed line, km
    for line in lines:
        line_near, line_fit = _near_edges(lat, lon, u, v, line)
        near |= line_near
        fit = np.minimum(fit, line_fit)
    if not near.any():
        return near
    spur = _spur_edges(len(lat), u, v, km, stub_km)
    run = _run_labels(len(lat), u, v, km, spur, near, stub_km)
    far = np.bincount(run, weights=~near, minlength=int(run.max()) + 1)
    members = {int(r): np.flatnonzero(run == r) for r in np.unique(run[near]) if far[r] == 0}
    graph = _Layer(lat, lon, u, v, km, spur)
    # each run on its own must have a stand-in (a shared station throat, a lone line has none) ...
    alone = np.zeros(len(u), bool)
    for c in list(members):
        alone[members[c]] = True
        if not graph.joined(members[c], alone, max_detour):
            del members[c]
        alone[:] = False
    # ... and all of them together: where two parallel runs were both taken, free the worse-fitting one.
    # Freeing edges never breaks a run that passed, so only the failing ones are asked again.
    marked = np.zeros(len(u), bool)
    for edges in members.values():
        marked[edges] = True
    failing = list(members)
    while failing := [c for c in failing if not graph.joined(members[c], marked, max_detour)]:
        worst = max(failing, key=lambda c: float(np.average(fit[members[c]], weights=km[members[c]] + 1e-9)))
        marked[members.pop(worst)] = False
        failing.remove(worst)
    return marked


def _spur_edges(n: int, u: np.ndarray, v: np.ndarray, km: np.ndarray, stub_km: float) -> np.ndarray:
    """Edges of the dead-end chains shorter than ``stub_km`` (bool[m]): sidings, a station's spur."""
    chain = _chain_labels(n, u, v)
    dead_end = np.bincount(np.concatenate([u, v]), minlength=n) == 1
    size = int(chain.max()) + 1
    ends_dead = np.bincount(chain, weights=dead_end[u] | dead_end[v], minlength=size) > 0
    return (ends_dead & (np.bincount(chain, weights=km, minlength=size) < stub_km))[chain]


def _near_edges(
    lat: np.ndarray, lon: np.ndarray, u: np.ndarray, v: np.ndarray, line: PassengerLine
) -> tuple[np.ndarray, np.ndarray]:
    """Edges lying wholly within ``line.buffer_km`` of its polyline, and their mean distance to it (km, else inf)."""
    step = line.buffer_km * _SAMPLE_SHARE
    tree = cKDTree(to_unit_xyz(*_densify(line.waypoints, step)))
    limit = line.buffer_km + step / 2  # the sampled polyline lies at most step/2 farther than the true one
    node_d = _distance_km(tree, lat, lon, limit)
    cand = np.flatnonzero(np.isfinite(node_d[u]) & np.isfinite(node_d[v]))
    near = np.zeros(len(u), bool)
    fit = np.full(len(u), np.inf)
    if len(cand) == 0:
        return near, fit
    a, b = u[cand], v[cand]
    samples = np.maximum(2, np.ceil(haversine_km(lat[a], lon[a], lat[b], lon[b]) / step).astype(np.int64) + 1)
    edge = np.repeat(np.arange(len(cand)), samples)
    t = (np.arange(len(edge)) - np.repeat(np.cumsum(samples) - samples, samples)) / np.repeat(samples - 1, samples)
    d = _distance_km(
        tree, lat[a][edge] + t * (lat[b] - lat[a])[edge], lon[a][edge] + t * (lon[b] - lon[a])[edge], limit
    )
    inside = np.bincount(edge, weights=np.isfinite(d), minlength=len(cand)) == samples
    total = np.bincount(edge, weights=np.where(np.isfinite(d), d, 0.0), minlength=len(cand))
    near[cand[inside]] = True
    fit[cand[inside]] = total[inside] / samples[inside]
    return near, fit


def _densify(points: Sequence[tuple[float, float]], step_km: float) -> tuple[np.ndarray, np.ndarray]:
    """The polyline's vertices plus points every ``step_km`` or less along each segment."""
    lats, lons = [], []
    for (a_lat, a_lon), (b_lat, b_lon) in itertools.pairwise(points):
        n = max(1, math.ceil(float(haversine_km(a_lat, a_lon, b_lat, b_lon)) / step_km))
        t = np.arange(n) / n
        lats.append(a_lat + t * (b_lat - a_lat))
        lons.append(a_lon + t * (b_lon - a_lon))
    lats.append(np.array([points[-1][0]]))
    lons.append(np.array([points[-1][1]]))
    return np.concatenate(lats), np.concatenate(lons)


def _distance_km(tree: cKDTree, lat: Any, lon: Any, limit_km: float) -> np.ndarray:
    """Great-circle km from each point to the nearest sampled polyline point; inf beyond ``limit_km``."""
    chord, _ = tree.query(to_unit_xyz(lat, lon), distance_upper_bound=km_to_chord(limit_km))
    chord = np.atleast_1d(chord)
    out = np.full(len(chord), np.inf)
    ok = np.isfinite(chord)
    out[ok] = chord_to_km(chord[ok])
    return out


def _chain_labels(n: int, u: np.ndarray, v: np.ndarray, aside: np.ndarray | None = None) -> np.ndarray:
    """Chain of each edge (int[m]): edges meeting at a node of degree 2 share a chain. Edges ``aside``
    (spurs) count for no node's degree, so a chain runs on past them; each keeps a chain of its own."""
    m = len(u)
    aside = np.zeros(m, bool) if aside is None else aside
    ids = np.flatnonzero(~aside)
    ends = np.concatenate([u[ids], v[ids]])
    edge_of_end = np.concatenate([ids, ids])
    through = np.bincount(ends, minlength=n)[ends] == 2
    order = np.argsort(ends[through], kind="stable")
    pairs = edge_of_end[through][order].reshape(-1, 2)  # the two edges at each node of degree 2
    graph = sp.coo_matrix((np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
    return connected_components(graph, directed=False)[1]


def _run_labels(
    n: int, u: np.ndarray, v: np.ndarray, km: np.ndarray, aside: np.ndarray, near: np.ndarray, loop_km: float
) -> np.ndarray:
    """Chains joined into runs of the line (int[m]). Parallel chains shorter than ``loop_km`` between
    the same two nodes (a station's passing loop) count as one unit, and two units wholly ``near`` the
    line join where they are the only units a node meets. Edges ``aside`` (spurs) keep a run of their own
    each."""
    chain = _chain_labels(n, u, v, aside).astype(np.int64)
    size = int(chain.max()) + 1
    # each chain's end nodes: the nodes its edges touch once (sorted by chain, then node)
    keys, counts = np.unique(np.concatenate([chain, chain]) * n + np.concatenate([u, v]), return_counts=True)
    end_chain, end_node = keys[counts == 1] // n, keys[counts == 1] % n
    two = np.bincount(end_chain, minlength=size) == 2
    start = np.flatnonzero(np.r_[True, end_chain[1:] != end_chain[:-1]])
    first, second = np.full(size, -1, np.int64), np.full(size, -1, np.int64)
    first[end_chain[start]] = end_node[start]
    paired = start[two[end_chain[start]]]
    second[end_chain[paired]] = end_node[paired + 1]
    # a unit: the short chains (loops) between one pair of end nodes; any other chain is a unit of its own
    loop = two & (np.bincount(chain, weights=km, minlength=size) < loop_km)
    pair = np.where(loop, np.minimum(first, second) * n + np.maximum(first, second), -1 - np.arange(size))
    unit = np.unique(pair, return_inverse=True)[1]
    units = int(unit.max()) + 1
    # a node met by exactly two units (spurs aside), both wholly near the line, joins them
    counted = ~(np.bincount(chain, weights=aside, minlength=size) > 0)[end_chain]
    met = np.unique(end_node[counted] * units + unit[end_chain[counted]])
    met_node, met_unit = met // units, met % units
    at = np.bincount(met_node, minlength=n)[met_node] == 2
    pairs = met_unit[at][np.argsort(met_node[at], kind="stable")].reshape(-1, 2)
    unit_far = np.bincount(unit[chain], weights=~near, minlength=units) > 0
    pairs = pairs[~unit_far[pairs[:, 0]] & ~unit_far[pairs[:, 1]]]
    graph = sp.coo_matrix((np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1])), shape=(units, units))
    return connected_components(graph, directed=False)[1][unit][chain]


class _Layer:
    """The layer's edges with a node index, to ask whether a run's ends stay joined without some edges."""

    def __init__(
        self, lat: np.ndarray, lon: np.ndarray, u: np.ndarray, v: np.ndarray, km: np.ndarray, spur: np.ndarray
    ) -> None:
        self.lat, self.lon, self.u, self.v, self.km = lat, lon, u, v, km
        # spurs do not count: a run whose station spur is cut off still "meets the rest" only at its ends
        self.degree = np.bincount(np.concatenate([u[~spur], v[~spur]]), minlength=len(lat))
        self.tree = cKDTree(to_unit_xyz(lat, lon))
        self._local: dict[bytes, _Local | None] = {}

    def joined(self, edges: np.ndarray, removed: np.ndarray, max_detour: float) -> bool:
        """Whether the nodes where the run ``edges`` meets the rest of the layer stay joined by edges not
        ``removed``, within ``max_detour`` × the run's length of the first of them. A run that meets the
        rest at no node counts as joined; one that meets it at a single node (a dead-end branch) never."""
        key = edges.tobytes()
        if key not in self._local:
            self._local[key] = self._around(edges, max_detour)
        local = self._local[key]
        if local is None:
            return True
        if len(local.targets) == 0:
            return False
        keep = ~removed[local.edges]
        weights = np.maximum(self.km[local.edges[keep]], 1e-9)
        graph = sp.coo_matrix((weights, (local.u[keep], local.v[keep])), shape=(local.n, local.n)).tocsr()
        dist = dijkstra(graph, directed=False, indices=local.source, limit=local.limit + 1e-6)
        return bool(np.all(np.isfinite(dist[local.targets])))

    def _around(self, edges: np.ndarray, max_detour: float) -> _Local | None:
        """The part of the layer a detour of at most ``max_detour`` × the run's length can use, renumbered
        (None: the run meets the rest of the layer nowhere)."""
        nodes, counts = np.unique(np.concatenate([self.u[edges], self.v[edges]]), return_counts=True)
        ends = nodes[self.degree[nodes] > counts]
        if len(ends) == 0:
            return None
        limit = max_detour * float(self.km[edges].sum())
        # a path of length <= limit from the first end stays within limit of it
        ball = np.asarray(
            self.tree.query_ball_point(to_unit_xyz(self.lat[ends[0]], self.lon[ends[0]])[0], km_to_chord(limit + 1.0))
        )
        inside = np.zeros(len(self.lat), bool)
        inside[ball] = True
        local_edges = np.flatnonzero(inside[self.u] & inside[self.v])
        index = np.full(len(self.lat), -1, np.int64)
        index[ball] = np.arange(len(ball))
        targets = index[ends[1:]]
        if np.any(targets < 0):  # an end beyond any detour's reach
            targets = np.array([-1])
        return _Local(
            local_edges, index[self.u[local_edges]], index[self.v[local_edges]], len(ball) + 1,
            int(index[ends[0]]), targets, limit,
        )  # fmt: skip


class _Local(NamedTuple):
    """The layer around one run, its nodes renumbered 0..n-2 (n-1: a node no detour reaches)."""

    edges: np.ndarray  # layer edge ids
    u: np.ndarray  # local node numbers of their ends
    v: np.ndarray
    n: int
    source: int  # the run's first end
    targets: np.ndarray  # its other ends
    limit: float  # km a detour may take
