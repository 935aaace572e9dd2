"""A route's transit-time distribution on the world network: ordered percentiles, reproducible draws, the network's
expected waits equal to the simulation's, and departures that wait for the next timetabled sailing."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from corridor.reliability.families import draw
from corridor.units import Mode

pytestmark = pytest.mark.integration

QUESTIONS = [
    ("Almaty", "Karlshamn", {"avoid": "RU,BY"}),
    ("Xi'an", "Duisburg", {}),
    ("Khorgos", "Klaipeda", {"avoid": "RU,BY"}),
    ("Shanghai", "Rotterdam", {"modes": "sea"}),
]


@pytest.mark.parametrize(("origin", "destination", "options"), QUESTIONS)
def test_percentiles_are_ordered_and_planned_is_below_the_median(world, origin, destination, options):
    rel = world.route(origin, destination, draws=4000, **options).reliability
    assert rel is not None
    assert 0 < rel.p10_hours <= rel.p50_hours <= rel.p90_hours <= rel.p95_hours
    assert 0 < rel.planned_hours <= rel.p50_hours  # a ship on time may arrive up to a day early: P10 can be earlier
    assert rel.door_p10_hours <= rel.door_p50_hours <= rel.door_p90_hours
    assert rel.door_p50_hours >= rel.p50_hours  # door to door adds the first wait and the end handling
    assert rel.planning_time_index >= 1.0 and rel.buffer_index >= 0.0
    assert sum(leg.spread_share for leg in rel.legs) == pytest.approx(1.0)


def test_the_same_seed_gives_the_same_figures(world):
    a = world.route("Almaty", "Karlshamn", avoid="RU,BY", draws=3000, seed=7).reliability
    b = world.route("Almaty", "Karlshamn", avoid="RU,BY", draws=3000, seed=7).reliability
    c = world.route("Almaty", "Karlshamn", avoid="RU,BY", draws=3000, seed=8).reliability
    assert a.to_dict() == b.to_dict()
    assert a.p50_hours != c.p50_hours


def test_no_draws_means_no_reliability(world):
    assert world.route("Almaty", "Aktau", draws=0).reliability is None


def test_rail_legs_are_drawn_around_the_expected_hours(world):
    """Route choice stays on expected values: a rail leg's simulated mean is the leg's network hours."""
    r = world.route("Xi'an", "Duisburg", draws=20_000)
    rail = [(leg, spread) for leg, spread in zip(r.legs, r.reliability.legs, strict=True) if leg.mode == "rail"]
    assert rail
    for leg, spread in rail:
        assert spread.mean_hours == pytest.approx(leg.hours, rel=0.03)


def test_the_middle_corridor_spread_comes_from_the_caspian(world):
    """The irregular Caspian crossing (no timetable, storms) makes most of the spread of a Middle Corridor route."""
    rel = world.route("Almaty", "Karlshamn", avoid="RU,BY").reliability
    caspian = [leg for leg in rel.legs if leg.from_ in ("Aktau", "Kuryk") or leg.to in ("Aktau", "Kuryk")]
    assert sum(leg.spread_share for leg in caspian) > 0.5
    assert any("H/2·(1 + CV²)" in leg.assumption for leg in caspian)


def test_irregular_waits_in_the_network_follow_the_headway_cv(world):
    """The network's expected wait at an irregular service is H/2·(1 + CV²) with the pack's CV, and the sampled
    wait has that mean."""
    engine = world.engine
    g = engine.graph
    waits = engine.reliability_model.waits
    irregular = [s for s in engine.pack.services if s.timetable == "irregular"]
    assert irregular
    rng = np.random.default_rng(1)
    for s in irregular:
        row = waits.table.lookup("service_wait", (s.service, "irregular"))
        headway = 168.0 / s.departures_per_week
        expected = headway / 2.0 * (1.0 + row.cv**2)
        k = g.service_names.index(s.service)
        boards = np.flatnonzero((g.services.service == k) & (g.services.wait_hours > 0))
        assert boards.size
        assert g.services.wait_hours[boards] == pytest.approx(np.full(boards.size, expected))
        assert draw(row, headway, 200_000, rng).mean() == pytest.approx(expected, rel=0.02)


def _weekly_trip(world):
    """A service with one fixed departure a week from a port, and that port: the first found in the timetables."""
    timetables = world.engine.reliability_model.timetables
    for t in timetables.services:
        if t.headway_hours is None and len(t.departures_hours) == 1:
            return t
    pytest.fail("the shipped timetables have no weekly timetabled service")


def test_departing_just_after_a_weekly_sailing_waits_about_a_week(world):
    """Delivered just before the cut-off (one container move before the sailing) it sails within hours; just after,
    it waits for next week's sailing."""
    trip = _weekly_trip(world)
    engine = world.engine
    place = engine.pack.place(trip.from_place)
    sailing = datetime(2026, 12, 7) + timedelta(hours=float(trip.departures_hours[0]))
    cut_off = sailing - timedelta(hours=place.handling_hours)
    destination = next(
        s.to_place for s in engine.pack.services if s.service == trip.service and s.from_place == trip.from_place
    )
    ask = {"via": trip.service, "draws": 500}
    arrivals = {}
    for label, depart in (("before", cut_off - timedelta(hours=3)), ("after", cut_off + timedelta(hours=1))):
        r = world.route(place.name, engine.pack.place(destination).name, depart=depart, **ask)
        assert [leg.service for leg in r.legs if leg.service] == [trip.service]
        arrivals[label] = datetime.fromisoformat(r.reliability.arrival_planned) - depart
    # before: 3 h to the cut-off plus the move; after: a week less an hour plus the move
    assert arrivals["after"] - arrivals["before"] == pytest.approx(
        timedelta(days=7, hours=-4), abs=timedelta(minutes=2)
    )
    assert arrivals["before"] < timedelta(hours=3 + place.handling_hours + 24 * 4)


def test_a_depart_search_boards_at_the_next_departure(world):
    """With a departure time the search charges the actual wait for a timetabled boarding edge (shorter or longer
    than the expected one); its total time is the planned arrival's, not the expected hours'."""
    router = world.engine.router
    assert router.timed.count > 0
    g = world.engine.graph
    timed = np.flatnonzero(np.diff(router.timed.ptr))
    assert set(np.unique(g.edge_mode[timed]).tolist()) <= {int(Mode.FERRY), int(Mode.SERVICE)}


def test_a_depart_outside_the_timetables_says_which_dates_are_covered(world):
    from corridor.errors import OptionsError

    with pytest.raises(OptionsError, match="timetables cover"):
        world.route("Klaipeda", "Kiel", depart="2031-01-05T08:00")
