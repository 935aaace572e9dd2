"""Bad input on the small network: unknown places with suggestions, coordinates off the network, and options that
are refused with an OptionsError naming them."""

import math

import pytest

from corridor.errors import CoordinateError, InputError, OptionsError, UnknownPlaceError


def test_unknown_place_suggests_close_names(small_net):
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Eastgard", "Westburg")
    err = info.value
    assert err.query == "Eastgard"
    assert err.suggestions[0] == "Eastgrad"
    assert str(err).startswith("unknown place 'Eastgard'; did you mean 'Eastgrad'")
    assert isinstance(err, InputError) and isinstance(err, ValueError)


def test_unknown_place_without_anything_close_has_no_suggestions(small_net):
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Westburg", "Qqqqqq")
    assert info.value.suggestions == []
    assert str(info.value) == (
        "unknown place 'Qqqqqq'; give 'lat,lon', a town as 'name, CC' (ISO country code), or see `corridor places`"
    )


@pytest.mark.parametrize("name", ["Vostokgrad", "EASTGRAD", "east grad", "eastgrad"])
def test_aliases_ids_and_any_case_find_the_place(small_net, name):
    assert small_net.route("Westburg", name).destination == "Eastgrad"


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"origin": "10,10"}, "origin"),
        ({"destination": "-33.9,18.4"}, "destination"),
        ({"via": "0,0"}, "via"),
    ],
)
def test_coordinates_far_from_the_network(small_net, kwargs, option):
    query = {"origin": "Westburg", "destination": "Eastgrad", **kwargs}
    with pytest.raises(CoordinateError, match="more than 50 km from any usable rail or road network node") as info:
        small_net.route(query["origin"], query["destination"], via=query.get("via"))
    assert info.value.option == option
    assert info.value.snap_distance_km == 50.0


def test_max_snap_km_widens_the_search(small_net):
    with pytest.raises(CoordinateError):
        small_net.route("51.5,21.0", "Eastgrad")
    route = small_net.route("51.5,21.0", "Eastgrad", max_snap_km=150)
    assert 50 < route.snap_km[0] < 150


def test_coordinates_snap_only_to_allowed_land_modes(small_net):
    with pytest.raises(CoordinateError, match="rail or road"):
        small_net.route("52.5,21.0", "Eastport", modes="sea")


@pytest.mark.parametrize("text", ["95,10", "10,200", "-91,0"])
def test_coordinates_out_of_range(small_net, text):
    with pytest.raises(CoordinateError, match="out of range") as info:
        small_net.route(text, "Eastgrad")
    assert info.value.option == "origin"


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"objective": "fastest"}, "objective"),
        ({"objective": None}, "objective"),
        ({"avoid": "Eastland"}, "avoid"),
        ({"avoid": [5]}, "avoid"),
        ({"avoid": 5}, "avoid"),
        ({"modes": "plane"}, "modes"),
        ({"modes": " , "}, "modes"),
        ({"via": {"Westport"}}, "via"),
        ({"via": 5}, "via"),
        ({"value_of_time_usd_per_teu_hour": 10}, "objective"),  # only for objective 'generalized'
        ({"objective": "generalized", "value_of_time_usd_per_teu_hour": -1}, "value_of_time_usd_per_teu_hour"),
        ({"objective": "generalized", "value_of_time_usd_per_teu_hour": True}, "value_of_time_usd_per_teu_hour"),
        ({"objective": "generalized", "carbon_price_usd_per_t_co2e": math.nan}, "carbon_price_usd_per_t_co2e"),
        ({"objective": "generalized", "carbon_price_usd_per_t_co2e": math.inf}, "carbon_price_usd_per_t_co2e"),
        ({"max_snap_km": 0}, "max_snap_km"),
        ({"max_snap_km": 5000}, "max_snap_km"),
        ({"max_snap_km": "50"}, "max_snap_km"),
    ],
)
def test_bad_options_name_the_option(small_net, kwargs, option):
    with pytest.raises(OptionsError) as info:
        small_net.route("Westburg", "Eastgrad", **kwargs)
    assert info.value.option == option
    with pytest.raises(OptionsError):
        small_net.path("Westburg", "Eastgrad", **kwargs)


def test_generalized_objective_uses_the_given_prices(small_net):
    cheap_time = small_net.route("Westburg", "Eastgrad", objective="generalized", value_of_time_usd_per_teu_hour=0)
    dear_time = small_net.route("Westburg", "Eastgrad", objective="generalized", value_of_time_usd_per_teu_hour=100)
    assert cheap_time.legs[1].mode == "road"  # money only: the road is cheaper
    assert dear_time.legs[1].mode == "rail"  # time is dear: the rail is faster


def test_unknown_place_names_the_input_that_held_it(small_net):
    import pytest

    import corridor

    for kwargs, option in (({}, "origin"), ({"via": ["Nowhere-ville"]}, "via")):
        origin = "Nowhere-ville" if option == "origin" else small_net.places()[0].name
        with pytest.raises(corridor.UnknownPlaceError) as caught:
            small_net.route(origin, small_net.places()[-1].name, **kwargs)
        assert caught.value.option == option


def test_an_unknown_via_near_a_service_name_keeps_the_hint(small_net):
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Westburg", "Eastgrad", via="West–East Expres")
    err = info.value
    assert err.option == "via" and "West–East Express" in err.suggestions
    assert err.hint and str(err).endswith("or see `corridor places`")
