"""Country outlines for maps: built once into the cache folder, read back as built, filtered by a box."""

import pytest
import shapely

from corridor.network import countries
from corridor.network.cache import cache_files
from corridor.network.countries import country_outlines, outline_arrays

TOLERANCE_DEG = 0.2


@pytest.fixture(scope="module")
def fresh() -> list[tuple[str, shapely.Geometry]]:
    """The outlines as the Natural Earth file gives them, converted and simplified afresh (no cache)."""
    arrays = outline_arrays(TOLERANCE_DEG)
    blob, offsets = arrays["wkb"].tobytes(), arrays["offsets"].tolist()
    return [
        (str(code), shapely.from_wkb(blob[a:b]))
        for code, a, b in zip(arrays["codes"], offsets[:-1], offsets[1:], strict=True)
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A cache folder the outlines were built into (by the first call that asks for them)."""
    path = tmp_path_factory.mktemp("outlines")
    country_outlines(TOLERANCE_DEG, cache_dir=path)
    return path


def _same(a: list[tuple[str, shapely.Geometry]], b: list[tuple[str, shapely.Geometry]]) -> bool:
    return [code for code, _ in a] == [code for code, _ in b] and all(
        shapely.equals_exact(x, y, 0.0) for (_, x), (_, y) in zip(a, b, strict=True)
    )


def test_outlines_are_kept_in_the_cache_folder_and_read_back_as_built(folder, fresh):
    assert [f.kind for f in cache_files(folder)] == ["country_outlines"]
    built = country_outlines(TOLERANCE_DEG, cache_dir=folder)  # as built, kept in this process
    countries._OUTLINES.clear()  # read the file back, as a new process would
    again = country_outlines(TOLERANCE_DEG, cache_dir=folder)
    assert _same(built, fresh) and _same(again, fresh)
    codes = {code for code, _ in again}
    assert {"KZ", "LT", "CN", "DE", "AZ", "GE"} <= codes and len(again) > 200
    lithuania = next(shape for code, shape in again if code == "LT")
    assert lithuania.contains(shapely.Point(23.9, 54.9))  # Kaunas (lon, lat)


def test_a_box_keeps_the_countries_whose_bounds_meet_it(folder):
    every = country_outlines(TOLERANCE_DEG, cache_dir=folder)
    box = (20.0, 53.0, 27.0, 57.0)  # lon_min, lat_min, lon_max, lat_max: the Baltic states' south
    kept = country_outlines(TOLERANCE_DEG, box=box, cache_dir=folder)
    expected = [
        code
        for code, shape in every
        if not shape.is_empty and shapely.intersects(shapely.box(*shape.bounds), shapely.box(*box))
    ]
    assert [code for code, _ in kept] == expected
    assert {"LT", "LV", "PL", "BY"} <= {code for code, _ in kept} and "CN" not in {code for code, _ in kept}


def test_a_damaged_cache_file_is_built_again(folder, fresh):
    path = cache_files(folder)[0].path
    path.write_bytes(path.read_bytes()[:500])
    countries._OUTLINES.clear()
    assert _same(country_outlines(TOLERANCE_DEG, cache_dir=folder), fresh)
    assert cache_files(folder)[0].path.stat().st_size > 500  # written again, whole
