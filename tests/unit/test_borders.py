"""Borders on the small network: crossings only where the pack lists them, avoid closes a country, modes limit
which crossings a route may use."""

import pytest

from corridor.errors import CorridorError, NoRouteError, OptionsError


def test_avoiding_the_only_transit_country_is_no_route(small_net):
    """Northhaven is reached only by the ferry from Eastport (XE): avoiding XE leaves nothing."""
    with pytest.raises(NoRouteError) as info:
        small_net.route("Westburg", "Northhaven", avoid="XE")
    err = info.value
    assert (err.origin, err.destination) == ("Westburg", "Northhaven")
    assert err.constraints["avoid"] == ["XE"]
    assert str(err) == "no route from Westburg to Northhaven avoiding XE"
    assert isinstance(err, CorridorError)


def test_no_route_names_the_modes_it_was_limited_to(small_net):
    with pytest.raises(NoRouteError, match="using only rail, road") as info:
        small_net.route("Westburg", "Northhaven", modes="rail,road")
    assert info.value.constraints["modes"] == ["rail", "road"]


def test_avoiding_the_country_of_an_end_is_an_options_error(small_net):
    with pytest.raises(OptionsError, match="Eastgrad lies in XE, which avoid=XE excludes") as info:
        small_net.route("Westburg", "Eastgrad", avoid=["xe"])
    assert info.value.option == "avoid"


def test_avoiding_a_country_off_the_route_changes_nothing(small_net):
    plain = small_net.route("Westburg", "Eastgrad")
    assert small_net.route("Westburg", "Eastgrad", avoid="XN,ZZ").to_dict() == plain.to_dict()


def test_each_crossing_is_used_by_its_own_mode(small_net):
    by_rail = small_net.route("Westburg", "Eastgrad", modes="rail")
    by_road = small_net.route("Westburg", "Eastgrad", modes="road")
    assert [b.name for b in by_rail.border_crossings] == ["Westbrück–Gaugeton"]
    assert [b.name for b in by_road.border_crossings] == ["Roadgate"]
    assert [b.gauge_change for b in by_rail.border_crossings + by_road.border_crossings] == ["bogie_exchange", None]


def test_border_leg_is_the_same_both_ways_with_the_countries_swapped(small_net):
    east = small_net.route("Westburg", "Eastgrad", modes="rail").border_crossings[0]
    west = small_net.route("Eastgrad", "Westburg", modes="rail").border_crossings[0]
    assert (east.from_country, east.to_country) == (west.to_country, west.from_country) == ("XW", "XE")
    assert (east.dwell_hours, east.fee_usd_per_teu, east.gauge_change_hours) == (
        west.dwell_hours,
        west.fee_usd_per_teu,
        west.gauge_change_hours,
    )


def test_gauge_change_place_is_a_destination(small_net):
    route = small_net.route("Westburg", "Gaugeton", modes="rail")
    assert [leg.mode for leg in route.legs] == ["transfer", "rail", "border", "transfer"]
    assert route.legs[-1].from_ == "Gaugeton" and route.countries == ("XW", "XE")


def test_compare_families_with_their_rules(small_net):
    options = small_net.compare("Westburg", "Eastgrad", objective="time")
    assert [o.corridor for o in options] == ["overland", "by_sea", "around_xe"]
    overland, by_sea, around = options
    assert overland.feasible and overland.gauge_changes == 1
    assert by_sea.feasible and by_sea.route.via == ("Westport", "Eastport")
    assert "sea" in {leg.mode for leg in by_sea.route.legs} and by_sea.route.border_crossings == ()
    # a family avoids countries in transit: the ends' own countries stay open for pre- and on-carriage
    assert around.feasible and around.route.countries[-1] == "XE"
    (blocked,) = small_net.compare("Westburg", "Northhaven", objective="time", corridors="around_xe")
    assert not blocked.feasible and blocked.route is None
    assert blocked.reason == "no route under the Around XE rules (avoiding XE)"
    assert blocked.to_dict()["route"] == blocked.reason
    # the default objective, generalized at US$4 per TEU-hour, prefers the cheaper road: no gauge change
    assert small_net.compare("Westburg", "Eastgrad", corridors="overland")[0].gauge_changes == 0


def test_compare_unknown_family_is_an_options_error(small_net):
    with pytest.raises(OptionsError, match="unknown corridor 'northern'") as info:
        small_net.compare("Westburg", "Eastgrad", corridors="overland,northern")
    assert info.value.option == "corridors"
