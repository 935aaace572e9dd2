"""Hostile options through the Python API: every wrong type or value is an OptionsError (or a
CoordinateError) naming the option, raised before any search, never a TypeError, an
AttributeError or a misleading "no route"."""

import math

import pytest

import corridor

pytestmark = pytest.mark.integration

NAN, INF = math.nan, math.inf
GENERALIZED = {"objective": "generalized"}

#: (keyword arguments, error class, the option it must name)
ROUTE_CASES = [
    ({"via": 5}, corridor.OptionsError, "via"),
    ({"via": {"Aktau"}}, corridor.OptionsError, "via"),  # a set has no visiting order
    ({"via": [5]}, corridor.CoordinateError, "via"),
    ({"via": (91, 0)}, corridor.CoordinateError, "via"),
    ({"via": [(91, 0)]}, corridor.CoordinateError, "via"),
    ({"avoid": 5}, corridor.OptionsError, "avoid"),
    ({"avoid": [5]}, corridor.OptionsError, "avoid"),
    ({"avoid": b"RU"}, corridor.OptionsError, "avoid"),
    ({"avoid": ["RUS"]}, corridor.OptionsError, "avoid"),
    ({"modes": 5}, corridor.OptionsError, "modes"),
    ({"modes": [None]}, corridor.OptionsError, "modes"),
    ({"modes": []}, corridor.OptionsError, "modes"),
    ({"objective": None}, corridor.OptionsError, "objective"),
    ({"objective": ["time"]}, corridor.OptionsError, "objective"),
    ({**GENERALIZED, "value_of_time_usd_per_teu_hour": NAN}, corridor.OptionsError, "value_of_time_usd_per_teu_hour"),
    ({**GENERALIZED, "value_of_time_usd_per_teu_hour": INF}, corridor.OptionsError, "value_of_time_usd_per_teu_hour"),
    ({**GENERALIZED, "value_of_time_usd_per_teu_hour": -1}, corridor.OptionsError, "value_of_time_usd_per_teu_hour"),
    ({**GENERALIZED, "value_of_time_usd_per_teu_hour": 1e9}, corridor.OptionsError, "value_of_time_usd_per_teu_hour"),
    ({**GENERALIZED, "value_of_time_usd_per_teu_hour": "3"}, corridor.OptionsError, "value_of_time_usd_per_teu_hour"),
    ({**GENERALIZED, "carbon_price_usd_per_t_co2e": NAN}, corridor.OptionsError, "carbon_price_usd_per_t_co2e"),
    ({**GENERALIZED, "carbon_price_usd_per_t_co2e": -INF}, corridor.OptionsError, "carbon_price_usd_per_t_co2e"),
    ({"max_snap_km": NAN}, corridor.OptionsError, "max_snap_km"),
    ({"max_snap_km": INF}, corridor.OptionsError, "max_snap_km"),
    ({"max_snap_km": 0}, corridor.OptionsError, "max_snap_km"),
    ({"max_snap_km": "5"}, corridor.OptionsError, "max_snap_km"),
    ({"max_snap_km": True}, corridor.OptionsError, "max_snap_km"),
]


@pytest.mark.parametrize("query", ["route", "path"])
@pytest.mark.parametrize(("options", "error", "option"), ROUTE_CASES, ids=[repr(c[0]) for c in ROUTE_CASES])
def test_route_and_path_name_the_bad_option(world, query, options, error, option):
    with pytest.raises(error) as info:
        getattr(world, query)("Almaty", "Klaipeda", **options)
    assert info.value.option == option, info.value


def test_documented_option_forms_are_accepted(world):
    """avoid and modes as comma text or lists, via as one place, a pair or a list: the same answers."""
    as_text = world.path("Almaty", "Klaipeda", avoid="RU,BY", modes="rail,road,ferry,service")
    as_list = world.path("Almaty", "Klaipeda", avoid=["ru", " by"], modes=("rail", "road", "ferry", "service"))
    assert as_text.km == pytest.approx(as_list.km) and as_text.hours == pytest.approx(as_list.hours)
    one = world.path("Almaty", "Klaipeda", via="Aktau")
    listed = world.path("Almaty", "Klaipeda", via=["Aktau"])
    assert one.km == pytest.approx(listed.km)
    pair = world.path("Almaty", "Klaipeda", via=(43.65, 51.17))  # one (lat, lon) place, not two places
    assert pair.km > 0


REACH_CASES = [
    ({"days": NAN}, "days"),
    ({"days": INF}, "days"),
    ({"days": "3"}, "days"),
    ({"days": True}, "days"),
    ({"days": 0}, "days"),
    ({"days": 1e6}, "days"),
    ({"usd_per_teu": NAN}, "usd_per_teu"),
    ({"usd_per_teu": INF}, "usd_per_teu"),
    ({"days": 3, "via": 5}, "via"),
    ({"days": 3, "corridor": 5}, "corridor"),
]


@pytest.mark.parametrize(("options", "option"), REACH_CASES, ids=[repr(c[0]) for c in REACH_CASES])
def test_reach_names_the_bad_option(world, options, option):
    with pytest.raises(corridor.OptionsError) as info:
        world.reach("Almaty", **options)
    assert info.value.option == option, info.value


def test_reach_names_a_bad_gateway_as_via(world):
    with pytest.raises(corridor.CoordinateError) as info:
        world.reach("Almaty", days=3, via="91,0")
    assert info.value.option == "via"


COMPARE_CASES = [
    ({"objective": "x"}, "objective"),
    ({"objective": None}, "objective"),
    ({"value_of_time_usd_per_teu_hour": NAN}, "value_of_time_usd_per_teu_hour"),
    ({"carbon_price_usd_per_t_co2e": INF}, "carbon_price_usd_per_t_co2e"),
    ({"corridors": 5}, "corridors"),
    ({"corridors": []}, "corridors"),
    ({"avoid": 5}, "avoid"),
]


@pytest.mark.parametrize(("options", "option"), COMPARE_CASES, ids=[repr(c[0]) for c in COMPARE_CASES])
def test_compare_names_the_bad_option_before_routing_any_family(world, options, option, monkeypatch):
    def no_routing(*_args, **_kwargs):
        raise AssertionError("a family was routed before the options were checked")

    monkeypatch.setattr(world, "route", no_routing)
    with pytest.raises(corridor.OptionsError) as info:
        world.compare("Xi'an", "Duisburg", **options)
    assert info.value.option == option, info.value


def test_compare_takes_corridor_ids_as_comma_text(world):
    options = world.compare("Xi'an", "Duisburg", corridors="middle,northern", objective="time")
    assert [o.corridor for o in options] == ["middle", "northern"]


def test_assign_refuses_a_nan_value_of_time(world):
    with pytest.raises(corridor.OptionsError) as info:
        world.assign(value_of_time_usd_per_teu_hour={"standard": NAN})
    assert info.value.option == "value_of_time_usd_per_teu_hour"
    with pytest.raises(corridor.OptionsError) as info:
        world.assign(carbon_price_usd_per_t_co2e=INF)
    assert info.value.option == "carbon_price_usd_per_t_co2e"
