"""Assign corridor demand: flows on services, crossings and terminals, congestion and bottlenecks.

Each link of the assignable network costs ``value of time × hours + USD + carbon price × kg
CO2e`` per TEU. Services, crossings and terminals with a capacity add a queueing delay to
their hours (``corridor.assign.vdf``, QUEUE: ``w · ρ/(1 − ρ)`` with ``ρ`` the load and ``w``
the delay scale: the interval between departures for a service, the processing time for a
crossing, the handling time for a terminal); the stretches between them are uncongested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.assign import AssignmentNetwork, AssignmentResult, VdfKind, assign
from corridor.assign import Demand as ClassDemand
from corridor.assign.vdf import DEFAULT_KNEE
from corridor.errors import OptionsError
from corridor.flows.demand import Demand, DemandRow
from corridor.flows.fit import CountFit, fit_summaries
from corridor.flows.network import CorridorNetwork
from corridor.flows.sue import RouteChoice, stochastic_equilibrium

__all__ = [
    "BOTTLENECK_CAPACITY_STEP",
    "FlowResult",
    "RouteChoiceRules",
    "assign_corridor",
    "assignable_network",
    "class_demands",
    "class_rows",
    "land_only_rows",
    "route_choice",
    "solve_assignment",
]

#: How much a capacity is raised to rank bottlenecks (each is re-assigned with its capacity × this).
BOTTLENECK_CAPACITY_STEP = 1.25


def assignable_network(cn: CorridorNetwork, capacity: np.ndarray, carbon_usd_per_kg: float) -> AssignmentNetwork:
    queue = np.isfinite(capacity)
    return AssignmentNetwork(
        num_nodes=cn.node_count,
        tail=cn.tail,
        head=cn.head,
        free_flow_time=cn.hours,
        capacity=capacity,
        vdf_kind=np.where(queue, VdfKind.QUEUE, VdfKind.BPR).astype(np.int8),
        alpha=np.where(queue, cn.wait_scale_hours, 0.0),
        beta=np.where(queue, DEFAULT_KNEE, 0.0),
        fixed_cost=cn.usd_per_teu + carbon_usd_per_kg * cn.kg_co2e_per_teu,
    )


def class_rows(demand: Demand) -> dict[str, list[DemandRow]]:
    """The demand's rows by class, classes and rows in order: the order of each class's OD cells in the assignment."""
    return {name: [r for r in demand.rows if r.user_class == name] for name in demand.classes}


def land_only_rows(demand: Demand, land_groups: frozenset[str]) -> dict[str, tuple[bool, ...]]:
    """Per class, for each of its rows in :func:`class_rows` order, whether the row's group is a land market (its
    boxes pay to ship from their origin's country: ``corridor.flows.segments``)."""
    return {name: tuple(r.group in land_groups for r in rows) for name, rows in class_rows(demand).items()}


def class_demands(cn: CorridorNetwork, demand: Demand, vot: dict[str, float]) -> list[ClassDemand]:
    out = []
    for name, rows in class_rows(demand).items():
        out.append(
            ClassDemand(
                origin=np.array([cn.zone_origin[r.origin] for r in rows], dtype=np.int64),
                destination=np.array([cn.zone_destination[r.destination] for r in rows], dtype=np.int64),
                flow=np.array([r.teu_per_year for r in rows], dtype=np.float64),
                time_weight=vot[name],
                name=name,
            )
        )
    return out


@dataclass
class FlowResult:
    """An assignment of corridor demand, as tables.

    ``links``: every link with its TEU per year, capacity, utilisation and the delay congestion
    adds; ``bottlenecks``: capacitated links ranked by the TEU-hours a year saved if their
    capacity were raised by a quarter (each re-assigned); ``od``: every demand pair with its
    route at equilibrium and when uncongested, and whether it changed; ``gap_history``: the
    relative gap per iteration.
    """

    network: CorridorNetwork
    assignment: AssignmentResult
    links: pd.DataFrame
    bottlenecks: pd.DataFrame
    od: pd.DataFrame
    gap_history: np.ndarray
    unserved_teu_per_year: float
    summary: dict[str, Any] = field(default_factory=dict)
    fit: tuple[CountFit, ...] = ()  # the data pack's observed counts against these flows

    def fit_summary(self) -> dict[str, Any]:
        """WAPE, bias, RMSE and GEH over the counts a calibration fits and, apart, those it holds out."""
        return fit_summaries(self.fit)

    def countries(self) -> pd.DataFrame:
        """TEU-km a year per country ("open sea" outside any), from each link's flow and its km in each country."""
        totals: dict[str, float] = {}
        for flow, by_country in zip(self.links["teu_per_year"], self.network.country_km, strict=True):
            if flow > 0:
                for code, km in by_country.items():
                    totals[code] = totals.get(code, 0.0) + flow * km
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        return pd.DataFrame(ranked, columns=["country", "teu_km_per_year"])

    def to_dict(self) -> dict[str, Any]:
        """Summary, links, bottlenecks and OD pairs, ready for JSON."""
        return {
            "summary": self.summary,
            "links": _records(self.links.drop(columns=["geometry"], errors="ignore")),
            "bottlenecks": _records(self.bottlenecks),
            "od": _records(self.od),
            "gap_history": [float(g) for g in self.gap_history],
            "fit": [f.to_dict() for f in self.fit],
            "fit_summary": self.fit_summary(),
        }

    def to_geojson(self) -> dict[str, Any]:
        """Links with flow as GeoJSON LineStrings (lon, lat), TEU per year and utilisation as properties."""
        features = []
        for row, coords in zip(self.links.to_dict(orient="records"), self.network.geometry, strict=True):
            if len(coords) < 2 or row["teu_per_year"] <= 0:
                continue
            props = {k: _plain(row[k]) for k in ("kind", "name", "teu_per_year", "utilisation", "delay_hours")}
            geometry = {"type": "LineString", "coordinates": np.round(coords[:, ::-1], 4).tolist()}
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        return {"type": "FeatureCollection", "features": features}


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else round(float(value), 3)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _route_label(cn: CorridorNetwork, links: np.ndarray) -> str:
    named = [str(cn.name[a]) for a in links if cn.kind[a] in ("service", "crossing", "terminal") and cn.name[a]]
    return " → ".join(dict.fromkeys(named)) if named else "direct"


def _main_routes(cn: CorridorNetwork, result: AssignmentResult, pairs) -> dict[tuple[int, int, int], tuple[str, float]]:
    """(label of the path carrying most flow, its share) per (class, origin node, destination node)."""
    out: dict[tuple[int, int, int], tuple[str, float]] = {}
    if result.paths is None:
        return out
    for c, o, d in pairs:
        paths = result.paths.between(o, d, c)
        if not paths:
            continue
        total = sum(f for _, f in paths) or 1.0
        links, flow = max(paths, key=lambda p: p[1])
        out[(c, o, d)] = (_route_label(cn, links), flow / total)
    return out


@dataclass(frozen=True)
class RouteChoiceRules:
    """How stochastic assignment chooses: each class's dispersion (per USD per TEU), the countries it avoids, which
    of its OD rows (in :func:`class_rows` order) are of a land market, and what a box of a land market sees on top
    of a route's cost when the route ships from its origin's country (USD per TEU; inf: such routes are not in its
    set)."""

    dispersion_per_usd: dict[str, float]
    avoid: dict[str, frozenset[str]] = field(default_factory=dict)
    land_only: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    land_sea_usd_per_teu: float = np.inf


def route_choice(cn: CorridorNetwork, classes: list[ClassDemand], rules: RouteChoiceRules) -> RouteChoice:
    """Every OD cell's candidate routes: the pair's routes in the corridor variants, less those through countries
    its class avoids; for a cell of a land market, a route that leaves the origin's country by sea carries
    ``rules.land_sea_usd_per_teu`` on top of its cost (left out where that is inf). A cell with no route left is
    dropped (its demand is unserved)."""
    names = {v: k for k, v in cn.zone_origin.items()}
    dest_names = {v: k for k, v in cn.zone_destination.items()}
    od_class: list[int] = []
    od_o: list[int] = []
    od_d: list[int] = []
    od_flow: list[float] = []
    path_od: list[int] = []
    firsts: list[int] = [0]
    links: list[np.ndarray] = []
    extra: list[float] = []
    for c, k in enumerate(classes):
        shut = rules.avoid.get(k.name, frozenset())
        land = rules.land_only.get(k.name, ())
        for i, (o, d, f) in enumerate(zip(k.origin.tolist(), k.destination.tolist(), k.flow.tolist(), strict=True)):
            at_sea = rules.land_sea_usd_per_teu if i < len(land) and land[i] else 0.0  # on a route shipping from home
            routes = [
                r
                for r in cn.routes.get((names[o], dest_names[d]), [])
                if not (r.countries & shut) and not (r.leaves_by_sea and np.isinf(at_sea))
            ]
            if not routes or f <= 0:
                continue
            cell = len(od_class)
            od_class.append(c)
            od_o.append(o)
            od_d.append(d)
            od_flow.append(f)
            for r in routes:
                path_od.append(cell)
                links.append(r.links)
                firsts.append(firsts[-1] + len(r.links))
                extra.append(at_sea if r.leaves_by_sea else 0.0)
    return RouteChoice(
        od_class=np.array(od_class, np.int64), od_origin=np.array(od_o, np.int64),
        od_destination=np.array(od_d, np.int64), od_flow=np.array(od_flow, float),
        path_od=np.array(path_od, np.int64), link_first=np.array(firsts, np.int64),
        links=np.concatenate(links) if links else np.zeros(0, np.int64), path_usd_per_teu=np.array(extra, float),
    )  # fmt: skip


def solve_assignment(cn, network, classes, method, gap, rules, *, max_seconds=None, progress=None, max_iterations=None):
    """One assignment: deterministic (ue, so) through the general engine, or stochastic (sue) over the route sets."""
    if method != "sue":
        extra = {} if max_iterations is None else {"max_iterations": max_iterations}
        # gradient projection: the report names each pair's main route, which needs the paths
        return assign(
            network, classes, method=method, algorithm="gp", gap=gap, max_seconds=max_seconds, progress=progress,
            **extra,
        )  # fmt: skip
    rules = rules or RouteChoiceRules({})
    return stochastic_equilibrium(
        network, route_choice(cn, classes, rules),
        time_weight=[k.time_weight for k in classes],
        dispersion_per_usd=[rules.dispersion_per_usd[k.name] for k in classes],
        class_names=[k.name for k in classes], gap=gap, progress=progress,
        **({} if max_iterations is None else {"max_iterations": max_iterations}),
    )  # fmt: skip


def assign_corridor(
    cn: CorridorNetwork,
    demand: Demand,
    *,
    value_of_time_usd_per_teu_hour: float | dict[str, float],
    carbon_price_usd_per_t_co2e: float,
    method: str = "ue",
    gap: float = 1e-6,
    max_seconds: float | None = None,
    rank_bottlenecks: bool = True,
    progress: Callable[[int, float], None] | None = None,
    rules: RouteChoiceRules | None = None,
) -> FlowResult:
    """Assign ``demand`` on ``cn`` (see the module docstring for the costs); ``method`` ``sue`` shares each pair
    over its routes by logit (``rules``: each class's dispersion and avoided countries)."""
    vot = (
        dict(value_of_time_usd_per_teu_hour)
        if isinstance(value_of_time_usd_per_teu_hour, dict)
        else dict.fromkeys(demand.classes, float(value_of_time_usd_per_teu_hour))
    )
    missing = [c for c in demand.classes if c not in vot]
    if missing:
        raise OptionsError(f"no value of time for demand class {', '.join(missing)}", option="value_of_time")
    if method == "sue" and (rules is None or any(c not in rules.dispersion_per_usd for c in demand.classes)):
        raise OptionsError("stochastic assignment needs a dispersion for every demand class", option="dispersion")
    carbon = carbon_price_usd_per_t_co2e / 1000.0
    classes = class_demands(cn, demand, vot)
    capacity = cn.capacity_teu_per_year
    network = assignable_network(cn, capacity, carbon)
    result = solve_assignment(cn, network, classes, method, gap, rules, max_seconds=max_seconds, progress=progress)
    # the same demand without capacities: which pairs the queues reroute
    free_network = assignable_network(cn, np.full_like(capacity, np.inf), carbon)
    if method == "sue":
        free = solve_assignment(cn, free_network, classes, "sue", gap, rules)
    else:
        free = solve_assignment(cn, free_network, classes, "ue", 1e-12, rules, max_iterations=50)

    flows = result.flows
    utilisation = np.where(np.isfinite(capacity), flows / capacity, np.nan)
    delay = result.link_times - cn.hours
    over = np.where(np.isfinite(capacity), np.maximum(flows - capacity, 0.0), 0.0)
    links = pd.DataFrame(
        {
            "link": np.arange(cn.link_count),
            "kind": cn.kind,
            "name": cn.name,
            "teu_per_year": flows,
            "capacity_teu_per_year": capacity,
            "utilisation": utilisation,
            "free_flow_hours": cn.hours,
            "hours": result.link_times,
            "delay_hours": delay,
            "delay_teu_hours_per_year": flows * delay,
            "over_capacity_teu_per_year": over,
            "uncongested_teu_per_year": free.flows,
            "km": cn.km,
            "usd_per_teu": cn.usd_per_teu,
            "kg_co2e_per_teu": cn.kg_co2e_per_teu,
        }
    )

    bottlenecks = _bottlenecks(cn, classes, result, carbon, method, gap, rules) if rank_bottlenecks else pd.DataFrame()

    pairs = [(c, int(o), int(d)) for c, k in enumerate(classes) for o, d in zip(k.origin, k.destination, strict=True)]
    at_eq, at_free = _main_routes(cn, result, pairs), _main_routes(cn, free, pairs)
    names = {v: k for k, v in cn.zone_origin.items()}
    dest_names = {v: k for k, v in cn.zone_destination.items()}
    od_rows = []
    for (c, o, d), k_flow in zip(pairs, np.concatenate([k.flow for k in classes]), strict=True):
        eq_label, share = at_eq.get((c, o, d), ("", np.nan))
        free_label, _ = at_free.get((c, o, d), ("", np.nan))
        od_rows.append(
            {
                "origin": names[o],
                "destination": dest_names[d],
                "class": classes[c].name,
                "teu_per_year": float(k_flow),
                "route": eq_label,
                "route_share": share,
                "uncongested_route": free_label,
                "route_changed": eq_label != free_label,
            }
        )
    od = pd.DataFrame(od_rows)
    teu_hours = float(flows @ result.link_times)
    summary = {
        **result.to_dict(),
        "demand_teu_per_year": demand.total_teu_per_year,
        "teu_hours_per_year": teu_hours,
        "congestion_delay_teu_hours_per_year": float(flows @ delay),
        "over_capacity_teu_per_year": float(over.sum()),
        "od_pairs_rerouted": int(od["route_changed"].sum()) if len(od) else 0,
        "unroutable_pairs": [list(u) for u in cn.unroutable],
    }
    return FlowResult(cn, result, links, bottlenecks, od, result.gap_history, float(over.sum()), summary)


def _bottlenecks(cn, classes, base: AssignmentResult, carbon: float, method: str, gap: float, rules) -> pd.DataFrame:
    """Capacitated links in use, each re-assigned with its capacity raised by a quarter."""
    base_teu_hours = float(base.flows @ base.link_times)
    rows = []
    for a in np.flatnonzero(np.isfinite(cn.capacity_teu_per_year) & (base.flows > 0)):
        capacity = cn.capacity_teu_per_year.copy()
        capacity[a] *= BOTTLENECK_CAPACITY_STEP
        raised = solve_assignment(cn, assignable_network(cn, capacity, carbon), classes, method, gap, rules)
        saved = base_teu_hours - float(raised.flows @ raised.link_times)
        rows.append(
            {
                "link": int(a),
                "kind": cn.kind[a],
                "name": cn.name[a],
                "teu_per_year": float(base.flows[a]),
                "capacity_teu_per_year": float(cn.capacity_teu_per_year[a]),
                "utilisation": float(base.flows[a] / cn.capacity_teu_per_year[a]),
                "delay_hours": float(base.link_times[a] - cn.hours[a]),
                "teu_hours_saved_per_year": saved,
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.sort_values("teu_hours_saved_per_year", ascending=False, kind="stable").reset_index(drop=True)
    return frame


def demand_pairs(demand: Demand) -> Iterable[tuple[str, str]]:
    """The distinct (origin, destination) pairs of a demand."""
    return list(dict.fromkeys((r.origin, r.destination) for r in demand.rows))
