"""Towns as route ends on the world network: names in other scripts reach the pack places, a town not in the pack
joins the network near it and is named after it, a seaport code is its port."""

import pytest

pytestmark = pytest.mark.integration


def test_names_in_other_scripts_are_the_pack_places(world):
    route = world.route("Алматы", "Клайпеда")
    assert (route.origin, route.destination) == ("Almaty", "Klaipėda")
    assert world.route("西安", "LTKLJ").destination == "Klaipėda"


def test_a_town_off_the_pack_is_a_point_named_after_it(world):
    route = world.route("Poznań", "Duisburg")
    assert route.origin == "Poznań (PL)" and route.destination == "Duisburg"
    assert route.snap_km[0] < 5.0  # Poznań lies on the rail and road networks
    assert route.legs[0].from_ == "Poznań (PL)"  # the node it joins is named after the town too
    assert route.countries[0] == "PL"
    assert world.route("Poznan, PL", "Duisburg").km == route.km


def test_a_town_is_routed_like_its_coordinates(world):
    town = world.route("Kaliningrad", "Minsk")
    point = world.route("54.70639,20.51102", "Minsk")  # GeoNames' Kaliningrad
    assert town.origin == "Kaliningrad (RU)"
    assert (town.km, town.hours, [leg.to for leg in town.legs]) == (
        point.km,
        point.hours,
        [leg.to for leg in point.legs],
    )
