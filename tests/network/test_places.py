"""Place names match without case or diacritics; coordinates are parsed and checked."""

from types import SimpleNamespace

import pytest

from corridor.errors import CoordinateError, UnknownPlaceError
from corridor.network.places import PlaceIndex, normalise_name, parse_coordinates


def place(id_, name, *aliases):
    return SimpleNamespace(id=id_, name=name, aliases=aliases)


INDEX = PlaceIndex.from_places(
    [
        place("klaipeda", "Klaipėda"),
        place("xian", "Xi'an"),
        place("malaszewicze", "Małaszewicze"),
        place("baku_alat", "Baku (Alat)", "Alat", "Alyat", "Baku"),
    ]
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Klaipeda", 0),
        ("KLAIPĖDA", 0),
        ("klaipėda", 0),
        ("Xi'an", 1),
        ("xian", 1),
        ("XI AN", 1),
        ("Malaszewicze", 2),
        ("Baku", 3),
        ("alyat", 3),
        ("baku_alat", 3),
    ],
)
def test_names_match_without_case_or_diacritics(query, expected):
    assert INDEX.find(query) == expected


def test_unknown_place_suggests_close_names():
    with pytest.raises(UnknownPlaceError) as info:
        INDEX.find("Klaipeeda")
    assert info.value.suggestions == ["Klaipėda"]
    assert "Klaipėda" in str(info.value)
    with pytest.raises(UnknownPlaceError) as info:
        INDEX.find("Zzyzx")
    assert info.value.suggestions == []


def test_normalise_name():
    assert normalise_name("Łódź") == "lodz"
    assert normalise_name("Constanța") == "constanta"
    assert normalise_name("Travemünde") == "travemunde"


def test_parse_coordinates():
    assert parse_coordinates("43.25,76.95") == (43.25, 76.95)
    assert parse_coordinates(" -33.9 , 18.4 ") == (-33.9, 18.4)
    assert parse_coordinates("Klaipeda") is None
    with pytest.raises(CoordinateError) as info:
        parse_coordinates("95,10")
    assert info.value.lat == 95
    with pytest.raises(CoordinateError):
        parse_coordinates("10,190")
