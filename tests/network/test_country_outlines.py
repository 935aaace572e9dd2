"""Country outlines for maps: built once into the cache folder, read back as built, filtered by a box."""

import shapely

from corridor.network.cache import cache_files
from corridor.network.countries import country_outlines, outline_arrays


def _plain(tolerance_deg: float) -> list[tuple[str, shapely.Geometry]]:
    """The outlines as the Natural Earth file gives them, converted and simplified afresh (no cache)."""
    arrays = outline_arrays(tolerance_deg)
    blob, offsets = arrays["wkb"].tobytes(), arrays["offsets"].tolist()
    return [
        (str(code), shapely.from_wkb(blob[a:b]))
        for code, a, b in zip(arrays["codes"], offsets[:-1], offsets[1:], strict=True)
    ]


def test_outlines_are_kept_in_the_cache_folder_and_read_back_as_built(tmp_path):
    fresh = _plain(0.2)
    built = country_outlines(0.2, cache_dir=tmp_path)  # no file yet: built and saved
    assert [f.kind for f in cache_files(tmp_path)] == ["country_outlines"]
    assert [code for code, _ in built] == [code for code, _ in fresh]
    assert all(shapely.equals_exact(a, b, 0.0) for (_, a), (_, b) in zip(built, fresh, strict=True))
    codes = {code for code, _ in built}
    assert {"KZ", "LT", "CN", "DE", "AZ", "GE"} <= codes and len(built) > 200
    lithuania = next(shape for code, shape in built if code == "LT")
    assert lithuania.contains(shapely.Point(23.9, 54.9))  # Kaunas (lon, lat)


def test_a_damaged_cache_file_is_built_again(tmp_path):
    country_outlines(0.3, cache_dir=tmp_path)
    path = cache_files(tmp_path)[0].path
    path.write_bytes(path.read_bytes()[:500])
    from corridor.network import countries

    countries._OUTLINES.clear()  # read the folder again, as a new process would
    again = country_outlines(0.3, cache_dir=tmp_path)
    assert [code for code, _ in again] == [code for code, _ in _plain(0.3)]


def test_a_box_keeps_the_countries_whose_bounds_meet_it(tmp_path):
    every = country_outlines(0.2, cache_dir=tmp_path)
    box = (20.0, 53.0, 27.0, 57.0)  # lon_min, lat_min, lon_max, lat_max: the Baltic states' south
    kept = country_outlines(0.2, box=box, cache_dir=tmp_path)
    expected = [
        code
        for code, shape in every
        if shapely.intersects(shapely.box(*shape.bounds), shapely.box(*box)) and not shape.is_empty
    ]
    assert [code for code, _ in kept] == expected
    assert {"LT", "LV", "PL", "BY"} <= {code for code, _ in kept} and "CN" not in {code for code, _ in kept}
