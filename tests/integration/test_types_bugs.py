"""Bugs the type checker pointed at, on the real world network."""

import json

import pytest

import corridor
from corridor.engine import Engine
from corridor.routing.fixed import FIXED_OBJECTIVES

pytestmark = pytest.mark.integration


def test_reach_takes_coordinate_pairs_for_origin_and_via(world):
    """``Network.reach`` takes (lat, lon) pairs for origin and via, like ``route``; the result names both as
    resolved ('lat,lon' text), where ``via`` came back as the raw pair, not the text its type promises."""
    almaty, aktau = world.pack.place("almaty"), world.pack.place("aktau")
    result = world.reach((almaty.lat, almaty.lon), days=8, via=(aktau.lat, aktau.lon))
    assert result.origin == f"{almaty.lat:g},{almaty.lon:g}"
    assert result.via == f"{aktau.lat:g},{aktau.lon:g}"
    assert json.loads(json.dumps(result.to_dict()))["via"] == result.via
    assert "Aktau" in set(result.places["place"])
    assert (result.places["days"] <= 8 + 1e-9).all()


def test_fixed_rail_query_without_hierarchies_takes_the_landmark_search(world):
    """An engine without rail hierarchies (``Engine.from_pack``'s) answers a query the hierarchy would serve
    (rail only, a fixed objective, nothing avoided) with the landmark search, and the same answer."""
    assert world.engine.router.rail_hierarchies is not None
    bare = corridor.Network(Engine(world.graph, world.pack, world.engine.router.landmark_dist, None))
    for objective in FIXED_OBJECTIVES:
        with_ch = world.path("Xi'an", "Duisburg", modes="rail", objective=objective)
        without = bare.path("Xi'an", "Duisburg", modes="rail", objective=objective)
        assert without.hours == pytest.approx(with_ch.hours, rel=1e-9)
        assert without.km == pytest.approx(with_ch.km, rel=1e-9)
