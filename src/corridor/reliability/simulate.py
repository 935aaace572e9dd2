"""Monte Carlo of a route's transit time: each leg drawn from the data pack's distributions, legs in order.

Route choice stays on expected values (the network's hours); this gives the distribution of the route chosen.
Each leg is split into the parts the data pack has a distribution for — moving time (rail, road, sea, a
service's running), border dwell and gauge change, container moves at terminals, the wait for a departure, and
disruption holds (Caspian storms, by month) — and ``draws`` values of each are drawn, vectorised and seeded.
Legs are independent except through the clock: a timetabled departure (GTFS) is the next one after the
container's simulated arrival, so a delay upstream can make it miss a sailing and wait for the next. Without a
departure time the start is drawn uniformly over a year (the weekday phase for timetables, the month for holds).

The expected waits used here are the ones the network was built with: a timetabled service waits for the next
departure of its timetable (the mean over a week is Σh²/2Σh), a service without a timetable waits
H/2·(1 + CV²) for mean headway H and headway CV (a whole headway for a Poisson stream, half of it when evenly
spaced), a liner sailing a uniform wait over its weekly interval.

Planned transit is the time without delays: each part at its planned share (the technical minimum of a border
or a container move), a scheduled wait as the schedule has it (with a departure time, the actual next departure;
without one, the timetable's mean wait, or half the headway for a service planned at evenly spaced departures),
no storm hold and no lateness at sea. Irregular headways, queues and holds are the delays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np

from corridor.reliability.families import draw
from corridor.reliability.result import LegSpread, Reliability
from corridor.reliability.table import Distribution, ReliabilityTable
from corridor.reliability.waits import Waits
from corridor.results import Leg, Route
from corridor.timetables import Timetables

__all__ = ["PlaceFacts", "ReliabilityModel", "ServiceFacts", "simulate"]

_YEAR_HOURS = 52 * 168.0
_QUANTILES = np.array([0.10, 0.50, 0.90, 0.95])


@dataclass(frozen=True)
class PlaceFacts:
    """What the simulation needs of a pack place: its id, whether it is a port, one container move's hours."""

    id: str
    port: bool
    handling_hours: float


@dataclass(frozen=True)
class ServiceFacts:
    """A service's departures from one stop: how often, whether at random, and its kind (ferry or train)."""

    kind: str  # "ferry" | "train"
    departures_per_week: float
    irregular: bool


@dataclass(frozen=True)
class ReliabilityModel:
    """The tables a simulation draws from, with the pack facts to read a route's legs."""

    waits: Waits
    places: Mapping[str, PlaceFacts]  # by display name (the names legs carry)
    services: Mapping[tuple[str, str], ServiceFacts]  # by (service name, boarding place id)
    liner_wait_hours: float
    crossing_ids: Mapping[str, str] = field(default_factory=dict)  # crossing name → id
    holds: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )  # service → (chance, mean h) by month

    @staticmethod
    def month_holds(table: ReliabilityTable, services: Iterable[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per service with ``hold`` rows: the chance of a hold per sailing and its mean hours, month by month."""
        out = {}
        for name in services:
            rows = [table.holds(name, m) for m in range(1, 13)]
            if any(r is not None for r in rows):
                chance = np.array([r.event_probability if r else 0.0 for r in rows])
                mean = np.array([r.event_mean_hours if r else 0.0 for r in rows])
                out[name] = (chance, mean)
        return out

    @property
    def table(self) -> ReliabilityTable:
        return self.waits.table

    @property
    def timetables(self) -> Timetables | None:
        return self.waits.timetables


@dataclass(frozen=True)
class _Part:
    """One leg drawn: door-to-door hours per draw, the part outside transit (first wait, end handling), and the
    planned hours of both."""

    total: np.ndarray
    outside: np.ndarray
    planned: float
    planned_outside: float
    note: str


class _Draws:
    """Per-leg sampled hours (door to door), the part outside transit, and the planned hours, for one route."""

    def __init__(
        self, model: ReliabilityModel, n: int, rng: np.random.Generator, start: np.ndarray, base: datetime, timed: bool
    ):
        self.model, self.n, self.rng = model, n, rng
        self.clock = start.copy()  # hours since ``base`` (a Monday 00:00 UTC), per draw
        self.planned_clock = float(start[0]) if timed else None  # with a departure time: the planned chain's clock
        self.base = base

    def sample(self, dist: Distribution, expected: float) -> np.ndarray:
        if expected <= 0 and dist.family not in ("event",):
            return np.zeros(self.n)
        return draw(dist, expected, self.n, self.rng)

    def months(self) -> np.ndarray:
        """Calendar month (1–12) of each draw's clock."""
        moments = np.datetime64(self.base.replace(tzinfo=None), "s") + (self.clock * 3600.0).astype("timedelta64[s]")
        return moments.astype("datetime64[M]").astype(np.int64) % 12 + 1


def _place(model: ReliabilityModel, name: str) -> PlaceFacts | None:
    return model.places.get(name)


def _terminal_row(model: ReliabilityModel, place: PlaceFacts | None) -> Distribution:
    if place is None:
        return model.table.lookup("terminal", ("inland",))
    return model.table.lookup("terminal", (place.id, "port" if place.port else "inland"))


def _moves(d: _Draws, place: PlaceFacts | None, hours: float) -> tuple[np.ndarray, float, str]:
    row = _terminal_row(d.model, place)
    return d.sample(row, hours), float(row.planned_hours(hours)), f"handling: {row.describe()}"


def _service_leg(d: _Draws, leg: Leg, first: bool, last: bool) -> _Part:
    """A ride on a ferry or train service: board move, wait, running, holds, alight move."""
    model = d.model
    service = leg.service or ""
    board, alight = _place(model, leg.from_), _place(model, leg.to)
    facts = model.services.get((service, board.id if board else ""))
    kind = facts.kind if facts else ("ferry" if leg.mode == "ferry" else "train")
    board_h = board.handling_hours if board else 0.0
    alight_h = alight.handling_hours if alight else 0.0
    running_h = max(leg.hours - leg.wait_hours - board_h - alight_h, 0.0)
    board_draw, board_planned, _ = _moves(d, board, board_h)
    alight_draw, alight_planned, _ = _moves(d, alight, alight_h)
    ready = d.clock + board_draw
    timetable = model.timetables.get(service, board.id) if (model.timetables and board) else None
    planned_wait = 0.0
    if timetable is not None and timetable.headway_hours is None:
        wait = timetable.next_departure_hours(ready) - ready
        why = f"next departure of its weekly timetable ({len(timetable.departures_hours)} a week)"
        if d.planned_clock is not None:  # planned: delivered one expected move before the departure (cut-off)
            at = np.array([d.planned_clock + board_h])
            planned_wait = float(timetable.next_departure_hours(at)[0] - at[0]) + board_h - board_planned
        else:  # no date: the timetable's mean wait over the week
            planned_wait = float(timetable.mean_wait_hours())
    else:
        headway = timetable.headway_hours if timetable is not None else None
        if headway is None and facts is not None and facts.departures_per_week > 0:
            headway = 168.0 / facts.departures_per_week
        cv, basis = model.waits.headway_cv(service, irregular=facts.irregular if facts else False)
        if headway:
            row = model.table.lookup("service_wait", (service, "irregular"))
            wait = draw(_with_cv(row, cv), headway, d.n, d.rng)
            planned_wait = headway / 2.0  # the plan spaces departures evenly; irregularity is a delay
            mean_wait = headway / 2 * (1 + cv * cv)
            why = f"mean headway {headway:.0f} h, {basis}: expected wait H/2·(1 + CV²) = {mean_wait:.1f} h"
        else:
            wait, why = np.zeros(d.n), "no wait"
    run_row = model.table.lookup("service_running", (service, kind))
    running = d.sample(run_row, running_h)
    hold_note = ""
    hold = model.holds.get(service)
    if hold is not None:  # a storm hold of the month the container reaches the ship: chance and mean hours
        month = d.months() - 1
        hit = d.rng.random(d.n) < hold[0][month]
        running = running + np.where(hit, d.rng.exponential(1.0, d.n) * hold[1][month], 0.0)
        hold_note = "; weather holds by month"
    total = board_draw + wait + running + alight_draw
    outside = (board_draw + wait if first else 0.0) + (alight_draw if last else 0.0)
    planned = board_planned + planned_wait + float(run_row.planned_hours(running_h)) + alight_planned
    planned_outside = (board_planned + planned_wait if first else 0.0) + (alight_planned if last else 0.0)
    note = f"wait: {why}; running: {run_row.describe()}{hold_note}"
    return _Part(total, np.broadcast_to(outside, (d.n,)).astype(float), planned, planned_outside, note)


def _with_cv(row: Distribution, cv: float) -> Distribution:
    """A renewal row with the given headway CV (0 for evenly spaced departures)."""
    return replace(row, family="renewal", cv=cv)


def _transfer_leg(d: _Draws, leg: Leg, next_leg: Leg | None, first: bool, last: bool) -> _Part:
    """Container moves at a place, and the wait for a liner when the next leg is at sea."""
    model = d.model
    liner = model.liner_wait_hours if next_leg is not None and next_leg.mode == "sea" else 0.0
    place = _place(model, leg.from_)
    handling_h = max(leg.hours - liner, 0.0)
    moves, planned, note = _moves(d, place, handling_h)
    wait = d.rng.uniform(0.0, 2.0 * liner, d.n) if liner > 0 else np.zeros(d.n)
    if liner > 0:
        note += f"; liner wait uniform over a weekly interval (mean {liner:.0f} h)"
        planned += liner  # a weekly string's mean wait is part of its schedule
    one_move = place.handling_hours if place else 0.0
    share = min(one_move / handling_h, 1.0) if handling_h > 0 else 0.0
    ends = int(first) + int(last)
    outside = moves * share * ends + (wait if first else 0.0)
    planned_outside = (planned - liner) * share * ends + (liner if first else 0.0)
    return _Part(moves + wait, outside, planned, planned_outside, note)


def _border_leg(d: _Draws, leg: Leg) -> _Part:
    border = leg.border
    assert border is not None
    model = d.model
    crossing = model.crossing_ids.get(border.name)
    mode = border.mode if border.mode in ("rail", "road") else "rail"
    keys = (crossing, mode) if crossing else (mode,)
    dwell_row = model.table.lookup("border", keys)
    total = d.sample(dwell_row, border.dwell_hours)
    planned = float(dwell_row.planned_hours(border.dwell_hours))
    note = f"border: {dwell_row.describe()}"
    if border.gauge_change and border.gauge_change_hours > 0:
        gauge_keys = (crossing, border.gauge_change) if crossing else (border.gauge_change,)
        gauge_row = model.table.lookup("gauge_change", gauge_keys)
        total = total + d.sample(gauge_row, border.gauge_change_hours)
        planned += float(gauge_row.planned_hours(border.gauge_change_hours))
        note += f"; gauge change: {gauge_row.describe()}"
    return _Part(total, np.zeros(d.n), planned, 0.0, note)


def _moving_leg(d: _Draws, leg: Leg) -> _Part:
    if leg.mode == "sea":
        row = d.model.table.lookup("sea_running", ())
    else:
        component = "rail_running" if leg.mode == "rail" else "road_running"
        row = d.model.table.lookup(component, tuple(leg.countries[:1]))
    return _Part(d.sample(row, leg.hours), np.zeros(d.n), float(row.planned_hours(leg.hours)), 0.0, row.describe())


def _week_start(day: date) -> datetime:
    """00:00 UTC of the Monday on or before ``day``."""
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day)


def simulate(
    route: Route,
    model: ReliabilityModel,
    *,
    draws: int = 10_000,
    seed: int = 0,
    depart: datetime | None = None,
    year_of: date | None = None,
) -> Reliability:
    """The distribution of ``route``'s time from ``draws`` seeded draws (the same seed gives the same figures).

    ``depart``: the moment the container is ready at the origin (naive = UTC); without it the start is uniform
    over the year of ``year_of`` (default: the route's as-of year).
    """
    rng = np.random.default_rng(seed)
    if depart is not None:
        base = _week_start(depart.date())
        start = np.full(draws, (depart - base).total_seconds() / 3600.0)
    else:
        ref = year_of or (date.fromisoformat(route.as_of) if route.as_of else date.today())
        base = _week_start(date(ref.year, 1, 1))
        start = rng.uniform(0.0, _YEAR_HOURS, draws)
    d = _Draws(model, draws, rng, start, base, timed=depart is not None)
    legs = route.legs
    totals: list[np.ndarray] = []
    planned_parts: list[float] = []
    outside = np.zeros(draws)
    notes: list[str] = []
    planned_outside = 0.0
    for k, leg in enumerate(legs):
        first, last = k == 0, k == len(legs) - 1
        if leg.mode in ("ferry", "service"):
            part = _service_leg(d, leg, first, last)
        elif leg.mode == "transfer":
            part = _transfer_leg(d, leg, legs[k + 1] if k + 1 < len(legs) else None, first, last)
        elif leg.mode == "border":
            part = _border_leg(d, leg)
        else:
            part = _moving_leg(d, leg)
        totals.append(part.total)
        planned_parts.append(part.planned)
        planned_outside += part.planned_outside
        outside = outside + part.outside
        notes.append(part.note)
        d.clock = d.clock + part.total
        if d.planned_clock is not None:
            d.planned_clock += part.planned
    door = np.sum(totals, axis=0) if totals else np.zeros(draws)
    transit = door - outside
    q_transit = np.quantile(transit, _QUANTILES)
    q_door = np.quantile(door, _QUANTILES)
    stacked = np.vstack(totals) if totals else np.zeros((0, draws))
    q_legs = np.quantile(stacked, _QUANTILES[:3], axis=1) if len(totals) else np.zeros((3, 0))
    var = stacked.var(axis=1) if len(totals) else np.zeros(0)
    var_sum = float(var.sum())
    spreads = tuple(
        LegSpread(
            index=k,
            mode=leg.mode,
            from_=leg.from_,
            to=leg.to,
            planned_hours=planned_parts[k],
            mean_hours=float(stacked[k].mean()),
            p10_hours=float(q_legs[0, k]),
            p50_hours=float(q_legs[1, k]),
            p90_hours=float(q_legs[2, k]),
            spread_share=float(var[k] / var_sum) if var_sum > 0 else 0.0,
            assumption=notes[k],
        )
        for k, leg in enumerate(legs)
    )
    door_planned = float(sum(planned_parts))
    planned_transit = max(door_planned - planned_outside, 0.0)
    arrivals: dict[str, str | None] = {"arrival_planned": None, "arrival_p10": None, "arrival_p50": None}
    arrivals["arrival_p90"] = None
    if depart is not None:
        at = depart.replace(tzinfo=None)
        arrivals = {
            "arrival_planned": _moment(at, door_planned),
            "arrival_p10": _moment(at, float(q_door[0])),
            "arrival_p50": _moment(at, float(q_door[1])),
            "arrival_p90": _moment(at, float(q_door[2])),
        }
    return Reliability(
        draws=draws,
        seed=seed,
        planned_hours=planned_transit,
        mean_hours=float(transit.mean()),
        p10_hours=float(q_transit[0]),
        p50_hours=float(q_transit[1]),
        p90_hours=float(q_transit[2]),
        p95_hours=float(q_transit[3]),
        door_planned_hours=door_planned,
        door_mean_hours=float(door.mean()),
        door_p10_hours=float(q_door[0]),
        door_p50_hours=float(q_door[1]),
        door_p90_hours=float(q_door[2]),
        legs=spreads,
        depart=depart.replace(tzinfo=None).isoformat(timespec="minutes") if depart else None,
        **arrivals,
    )


def _moment(start: datetime, hours: float) -> str:
    return (start + timedelta(hours=hours)).isoformat(timespec="minutes")
