"""Metrics read off a route, the error to a range, and route families."""

import math

import pytest

from corridor.datapack import load_pack
from corridor.results import BorderCrossing, Leg, Route
from corridor.validation.measure import error_pct, measure, route_family


def _leg(mode, km, hours, countries, **kw):
    return Leg(
        mode=mode,
        from_="a",
        to="b",
        km=km,
        hours=hours,
        usd_per_teu=10.0,
        kg_co2e_per_teu=1.0,
        countries=countries,
        **kw,
    )


def _route(legs, **kw):
    return Route(
        origin="A",
        destination="B",
        objective="time",
        km=sum(leg.km for leg in legs),
        hours=sum(leg.hours for leg in legs),
        usd_per_teu=sum(leg.usd_per_teu for leg in legs),
        kg_co2e_per_teu=sum(leg.kg_co2e_per_teu for leg in legs),
        countries=tuple(dict.fromkeys(c for leg in legs for c in leg.countries)),
        legs=tuple(legs),
        coordinates=((0.0, 0.0), (1.0, 1.0)),
        **kw,
    )


BORDER = BorderCrossing("X", "KZ", "RU", "rail", 3.0, 50.0, None, 0.0, 0.0)


def test_error_pct_to_the_nearest_end():
    assert error_pct(10, 5, 20) == 0.0
    assert error_pct(5, 5, 20) == 0.0 and error_pct(20, 5, 20) == 0.0
    assert error_pct(4, 5, 20) == pytest.approx(-20.0)
    assert error_pct(30, 5, 20) == pytest.approx(50.0)
    assert math.isnan(error_pct(math.nan, 5, 20))
    assert error_pct(1, 0, 0) == math.inf
    assert error_pct(20.0 - 3.6e-14, 20, 30) == 0.0  # floating-point noise is inside


def test_metrics_of_a_route():
    pack = load_pack()
    legs = [
        _leg("transfer", 0, 2.0, ("KZ",)),
        _leg("rail", 1000, 40.0, ("KZ",)),
        _leg("border", 0, 3.0, ("KZ", "RU"), border=BORDER),
        _leg("rail", 500, 20.0, ("RU",)),
        _leg("transfer", 0, 3.0, ("RU",)),
    ]
    r = _route(legs, terminal_hours=(2.0, 3.0), origin_wait_hours=0.0)
    assert measure(r, "km", pack) == 1500
    assert measure(r, "hours", pack) == pytest.approx(63.0)  # 68 h less the end handling
    assert measure(r, "days", pack) == pytest.approx(63.0 / 24)
    assert measure(r, "border_hours", pack) == pytest.approx(3.0)
    assert measure(r, "usd_per_teu", pack) == pytest.approx(50.0)
    assert measure(r, "usd_per_feu", pack) == pytest.approx(50.0 * pack.param("usd_per_feu_factor"))
    assert measure(r, "kg_co2e_per_teu", pack) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        measure(r, "parsecs", pack)


def test_transit_hours_leave_out_the_first_wait_and_end_handling():
    r = _route([_leg("service", 1734, 90.0, ("LT", "BY", "UA"))], origin_wait_hours=12.0, terminal_hours=(12.0, 12.0))
    assert r.transit_hours == pytest.approx(54.0)
    assert r.to_dict()["transit_hours"] == pytest.approx(54.0)


def test_route_families():
    sea = _route([_leg("rail", 100, 1, ("CN",)), _leg("sea", 19000, 500, ())])
    middle = _route(
        [_leg("rail", 3000, 70, ("KZ",)), _leg("ferry", 468, 40, ("KZ", "AZ")), _leg("rail", 800, 20, ("AZ", "GE"))]
    )
    northern = _route([_leg("rail", 3000, 70, ("CN", "KZ")), _leg("rail", 3000, 70, ("RU", "BY", "PL"))])
    regional = _route([_leg("rail", 400, 12, ("BY", "LT"))])
    baltic = _route([_leg("ferry", 430, 14, ("LT", "SE"))])
    assert [route_family(r) for r in (sea, middle, northern, regional, baltic)] == [
        "sea",
        "middle corridor",
        "northern",
        "link or regional",
        "link or regional",
    ]
