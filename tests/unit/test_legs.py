"""Legs of routes on the small hand-built network: mode runs, the border leg with its gauge change, transfers at
terminals, the wait for a ferry, a train or a liner, and totals that are the sum of the legs."""

import itertools
import math

import pytest

from small_network import small_pack

PACK = small_pack()
CROSSING = next(c for c in PACK.crossings if c.mode == "rail")
ROADGATE = next(c for c in PACK.crossings if c.mode == "road")


def modes(route):
    return [leg.mode for leg in route.legs]


def assert_totals_are_the_sum_of_the_legs(route):
    for total, part in (("hours", "hours"), ("usd_per_teu", "usd_per_teu"), ("km", "km")):
        assert math.isclose(getattr(route, total), sum(getattr(leg, part) for leg in route.legs), rel_tol=1e-9)
    assert math.isclose(route.kg_co2e_per_teu, sum(leg.kg_co2e_per_teu for leg in route.legs), rel_tol=1e-9)


def test_fastest_route_crosses_the_border_by_rail_with_a_gauge_change(small_net):
    route = small_net.route("Westburg", "Eastgrad")
    assert modes(route) == ["transfer", "rail", "border", "rail", "transfer"]
    assert route.countries == ("XW", "XE")
    assert (route.origin, route.destination, route.objective) == ("Westburg", "Eastgrad", "time")
    assert_totals_are_the_sum_of_the_legs(route)


def test_border_leg_carries_dwell_fee_and_gauge_change(small_net):
    route = small_net.route("Westburg", "Eastgrad")
    border = route.legs[2]
    assert (border.from_, border.to) == (CROSSING.name, CROSSING.name)
    assert border.km == 0.0 and border.countries == ("XW", "XE")
    assert border.hours == pytest.approx(CROSSING.dwell_hours + CROSSING.gauge_change_hours)  # 8 + 6
    assert border.usd_per_teu == pytest.approx(CROSSING.fee_usd_per_teu + CROSSING.gauge_change_usd_per_teu)
    assert border.note == "rail crossing, gauge change by bogie exchange"
    crossing = border.border
    assert (crossing.from_country, crossing.to_country, crossing.mode) == ("XW", "XE", "rail")
    assert (crossing.dwell_hours, crossing.fee_usd_per_teu) == (8.0, 100.0)
    assert (crossing.gauge_change, crossing.gauge_change_hours, crossing.gauge_change_usd_per_teu) == (
        "bogie_exchange",
        6.0,
        150.0,
    )
    assert route.border_crossings == (crossing,)
    assert border.to_dict()["gauge_change"] == "bogie_exchange"


def test_rail_legs_around_the_border_exclude_its_dwell(small_net):
    route = small_net.route("Westburg", "Eastgrad")
    before, after = route.legs[1], route.legs[3]
    assert (before.from_, before.to, after.from_, after.to) == ("Westburg", "Gaugeton", "Gaugeton", "Eastgrad")
    assert before.countries == ("XW", "XE") and after.countries == ("XE",)
    # 1000 km/day in XW, 800 in XE: a few hours of running, none of the 14 h at the border
    for leg in (before, after):
        assert 0 < leg.hours < 3 and leg.km > 50
        assert leg.usd_per_teu == pytest.approx(leg.km * PACK.param("rail_usd_per_teu_km"))


def test_transfer_legs_at_the_end_terminals(small_net):
    route = small_net.route("Westburg", "Eastgrad")
    first, last = route.legs[0], route.legs[-1]
    assert (first.from_, first.to, last.from_, last.to) == ("Westburg", "Westburg", "Eastgrad", "Eastgrad")
    assert first.note == "1 container move (handling) at Westburg"
    assert first.hours >= PACK.place("westburg").handling_hours
    assert first.usd_per_teu >= PACK.place("westburg").handling_usd_per_teu
    assert route.terminal_hours == (3.0, 3.0) and route.origin_wait_hours == 0.0
    assert route.transit_hours == pytest.approx(route.hours - 6.0)


def test_ferry_leg_includes_the_wait_for_an_irregular_departure(small_net):
    route = small_net.route("Westburg", "Northhaven")
    assert modes(route) == ["transfer", "rail", "border", "rail", "transfer", "ferry"]
    assert route.countries == ("XW", "XE", "XN")
    transfer, ferry = route.legs[-2:]
    assert (transfer.from_, transfer.to) == ("Eastport", "Eastport")
    assert (ferry.from_, ferry.to, ferry.service) == ("Eastport", "Northhaven", "North Ferry")
    assert ferry.wait_hours == pytest.approx(168 / 4)  # irregular, 4 a week: a whole mean interval
    assert "headway CV 1" in ferry.note and "irregular intervals" in ferry.note
    # wait, sailing, one move onto the ship at Eastport and one off at Northhaven
    assert ferry.hours == pytest.approx(42 + 14 + 4 + 3)
    assert ferry.usd_per_teu == pytest.approx(400 + 60 + 45)
    assert ferry.km == 240 and ferry.countries == ("XE", "XN")
    assert_totals_are_the_sum_of_the_legs(route)


def test_train_service_waits_half_the_interval_at_the_origin(small_net):
    route = small_net.route("Westburg", "Eastgrad", modes="service")
    assert modes(route) == ["service"]
    (train,) = route.legs
    assert (train.from_, train.to, train.service) == ("Westburg", "Eastgrad", "West–East Express")
    assert train.wait_hours == pytest.approx(168 / 2 / 2)  # fixed timetable, 2 a week
    assert "H/2·(1 + CV²) for mean headway 84 h and headway CV 0, evenly spaced" in train.note
    assert route.origin_wait_hours == pytest.approx(42.0)
    assert route.transit_hours == pytest.approx(20.0)  # the running time: no wait, no handling at the ends
    assert route.usd_per_teu == pytest.approx(900 + 50 + 50)


def test_sea_lane_boards_with_the_liner_wait(small_net):
    route = small_net.route("Westport", "Eastport", modes="sea")
    assert modes(route) == ["transfer", "sea", "transfer"]
    board, sea, land = route.legs
    assert board.note == "1 container move (handling) at Westport, expected wait 12 h for the next liner sailing"
    assert land.note == "1 container move (handling) at Eastport"
    assert (sea.from_, sea.to, sea.countries) == ("Westport", "Eastport", ())
    assert route.origin_wait_hours == pytest.approx(12.0) == pytest.approx(PACK.sea_wait_hours)
    assert route.countries == ("XW", "XE")
    assert_totals_are_the_sum_of_the_legs(route)


def test_cheapest_route_is_by_road_through_roadgate_without_a_gauge_change(small_net):
    route = small_net.route("Westburg", "Eastgrad", objective="cost")
    assert modes(route) == ["transfer", "road", "border", "road", "transfer"]
    border = route.legs[2]
    assert border.from_ == ROADGATE.name and border.note == "road crossing"
    assert border.border.gauge_change is None and border.border.mode == "road"
    assert (border.hours, border.usd_per_teu) == (30.0, 30.0)
    assert route.usd_per_teu < small_net.route("Westburg", "Eastgrad").usd_per_teu
    assert route.hours > small_net.route("Westburg", "Eastgrad").hours


@pytest.mark.parametrize("objective", ["time", "cost", "co2", "generalized", "distance"])
def test_every_objective_routes_and_path_matches_route(small_net, objective):
    route = small_net.route("Westport", "Eastgrad", objective=objective)
    path = small_net.path("Westport", "Eastgrad", objective=objective)
    assert route.objective == path.objective == objective
    for key in ("km", "hours", "usd_per_teu", "kg_co2e_per_teu"):
        assert getattr(path, key) == pytest.approx(getattr(route, key))
    assert [tuple(p) for p in path.coordinates.tolist()] == list(route.coordinates)


@pytest.mark.parametrize("objective", ["time", "distance"])
def test_rail_hierarchy_answers_as_the_landmark_search(small_net, objective):
    """Rail only with a fixed objective uses the contraction hierarchy; an avoid forces the landmark search."""
    fast = small_net.route("Westport", "Eastport", modes="rail", objective=objective)
    searched = small_net.route("Westport", "Eastport", modes="rail", objective=objective, avoid="XN")
    assert fast.to_dict() == searched.to_dict()
    assert modes(fast) == ["transfer", "rail", "border", "rail", "transfer"]


def test_via_place_is_passed_in_order(small_net):
    route = small_net.route("Westburg", "Eastgrad", via="Westport")
    assert route.via == ("Westport",)
    assert route.hours > small_net.route("Westburg", "Eastgrad").hours
    assert any(leg.to == "Westport" for leg in route.legs)


def test_coordinates_snap_to_the_nearest_land_node(small_net):
    route = small_net.route("52.5,21.0", "Eastgrad")
    assert route.origin == "52.5,21"
    assert route.snap_km[0] == pytest.approx(0.0, abs=1e-6)
    assert route.legs[0].mode == "rail" and route.countries == ("XW", "XE")
    assert small_net.route((52.5, 21.0), "Eastgrad").to_dict() == route.to_dict()


def test_same_place_both_ends_is_an_empty_route(small_net):
    route = small_net.route("Eastgrad", "eastgrad")
    assert route.legs == () and route.km == 0.0 and route.hours == 0.0


def test_dict_and_geojson_views(small_net):
    route = small_net.route("Westburg", "Northhaven")
    data = route.to_dict()
    assert data["countries"] == ["XW", "XE", "XN"]
    assert [leg["mode"] for leg in data["legs"]] == modes(route)
    assert data["border_crossings"][0]["name"] == CROSSING.name
    assert data["geometry"]["type"] == "LineString"
    assert data["geometry"]["coordinates"][0] == [pytest.approx(21.02), pytest.approx(52.48)]  # lon, lat
    collection = route.to_geojson()
    assert collection["type"] == "FeatureCollection" and "legs" not in collection["properties"]
    features = collection["features"]
    assert [f["properties"]["mode"] for f in features] == modes(route)
    assert [f["properties"]["index"] for f in features] == list(range(len(route.legs)))
    for leg, feature in zip(data["legs"], features, strict=True):
        assert feature["geometry"] == leg["geometry"]
        if leg["mode"] == "border":
            assert leg["geometry"]["type"] == "Point", leg
        elif leg["mode"] != "transfer":  # a transfer is a Point, or a short line where the terminal is off centre
            assert leg["geometry"]["type"] == "LineString", leg
    # the legs' lines join end to start and together follow the route line
    moving = [leg["geometry"]["coordinates"] for leg in data["legs"] if leg["geometry"]["type"] == "LineString"]
    for before, after in itertools.pairwise(moving):
        assert before[-1] == after[0]
    assert moving[0][0] == data["geometry"]["coordinates"][0]
    assert moving[-1][-1] == data["geometry"]["coordinates"][-1]
    border = next(leg for leg in data["legs"] if leg["mode"] == "border")
    assert any(border["geometry"]["coordinates"] == line[-1] for line in moving)  # where the crossing is
