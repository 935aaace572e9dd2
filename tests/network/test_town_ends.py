"""Towns as route ends on the small network: a town is a point snapped like 'lat,lon' and labelled with its name and
country; pack places come first; unknown names get suggestions and a hint. (The small network lies where north-east
Poland is, so real towns there reach it.)"""

import pytest

import corridor.network.towns as towns_module
from corridor.errors import CoordinateError, UnknownPlaceError


@pytest.mark.parametrize("text", ["Warsaw", "Warszawa", "Варшава", "华沙", "Warsaw, PL", "Warszawa (PL)"])
def test_a_town_in_any_script_is_a_route_end(small_net, text):
    route = small_net.route(text, "Eastgrad")
    assert route.origin == "Warsaw (PL)"
    assert route.destination == "Eastgrad"
    assert route.snap_km[0] > 0  # joined the network like coordinates: Warsaw is 30 km from the Westburg rail node
    assert route.to_dict()["origin"] == "Warsaw (PL)"


def test_a_town_is_the_same_end_as_its_coordinates(small_net):
    town = small_net.route("Białystok", "Westburg")
    point = small_net.route("53.13333,23.16433", "Westburg")  # GeoNames' Białystok
    assert town.origin == "Białystok (PL)" and point.origin == "53.1333,23.1643"
    assert town.legs == point.legs and town.km == point.km and town.snap_km == point.snap_km


def test_a_town_label_reaches_the_route_its_legs_and_its_json(small_net):
    route = small_net.route("Westburg", "Białystok", via=["Olsztyn"])
    assert route.destination == "Białystok (PL)"
    assert route.via == ("Olsztyn (PL)",)
    data = route.to_dict()
    assert data["destination"] == "Białystok (PL)" and data["via"] == ["Olsztyn (PL)"]
    rail = [leg for leg in route.legs if leg.mode == "rail"]
    assert (rail[0].from_, rail[0].to, rail[1].from_) == ("Westburg", "Olsztyn (PL)", "Olsztyn (PL)")
    # the last leg ends where the route leaves the network (37 km from Białystok here), named after that node
    assert route.snap_km[1] > 30 and route.legs[-1].to == "Sokółka (PL)"


def test_pack_places_win_and_need_no_town_index(small_net, monkeypatch):
    def refuse():
        raise AssertionError("the town index was loaded for a pack place")

    monkeypatch.setattr(towns_module, "load_towns", refuse)
    assert small_net.route("westburg terminal", "Vostokgrad").origin == "Westburg"
    assert small_net.route("52.5,21.0", "Eastgrad").origin == "52.5,21"


def test_a_misspelling_gets_pack_places_first_then_towns_and_a_hint(small_net):
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Westburg", "Eastgard")
    err = info.value
    assert err.query == "Eastgard" and err.option == "destination"
    assert err.suggestions[:2] == ["Eastgrad", "Eastport"]
    assert "give 'lat,lon'" in str(err).lower() and "`corridor places`" in str(err)
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Bialystk", "Westburg")
    assert info.value.option == "origin"
    assert "Białystok (PL)" in info.value.suggestions


def test_a_country_without_that_town_is_unknown_and_says_where_it_is(small_net):
    with pytest.raises(UnknownPlaceError) as info:
        small_net.route("Warszawa, DE", "Eastgrad")
    assert info.value.suggestions == ["Warsaw (PL)"]


def test_a_town_far_from_the_network_is_a_coordinate_error_naming_it(small_net):
    with pytest.raises(CoordinateError, match=r"Madrid \(ES\) at 40\.4\d*,-3\.7\d* is more than 50 km") as info:
        small_net.route("Madrid", "Eastgrad")
    assert info.value.option == "origin" and info.value.snap_distance_km == 50


def test_a_seaport_code_is_a_route_end(small_net):
    route = small_net.route("PLGDN", "Eastgrad", max_snap_km=300)  # Gdańsk's port, 230 km from the small network
    assert route.origin == "Gdańsk (PLGDN)"
    assert route.snap_km[0] > 100


def test_the_town_index_lives_in_the_networks_cache_folder(small_net, monkeypatch, tmp_path):
    from corridor.engine import Engine
    from corridor.settings import Settings

    seen = []
    real = towns_module.load_towns

    def spy(cache_dir=None):
        seen.append(cache_dir)
        return real()  # the index of the test cache (building another one here would cost seconds)

    monkeypatch.setattr(towns_module, "load_towns", spy)
    engine = small_net.engine
    elsewhere = Engine(
        engine.graph, engine.pack, engine.router.landmark_dist, settings=Settings(cache_dir=tmp_path / "cache")
    )
    assert elsewhere.router.town_cache_dir == tmp_path / "cache"
    elsewhere.router.resolve("Białystok", modes=frozenset({"rail", "road"}), max_snap_km=50.0)
    small_net.route("Białystok", "Westburg", draws=0)
    assert seen == [tmp_path / "cache", None]  # --cache-dir's folder; else the default folder
