"""The town index: folded names to GeoNames towns, and seaport UN/LOCODEs to their ports, in flat arrays.

Names (primary and alternate, folded by ``places.fold_name``) are kept sorted in one UTF-8 blob; each has the
towns that bear it, most populous first (a CSR list). A name is found by binary search over the blob, well under
a millisecond; the arrays come from ``town_sources.build_town_arrays`` and are cached by ``towns.load_town_index``.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from corridor.errors import DataError
from corridor.network.cache import has_schema, in_range
from corridor.network.places import fold_name, fold_names

__all__ = [
    "CODE_PATTERN",
    "SUGGEST_MIN_POPULATION",
    "TownIndex",
    "TownMatch",
    "parse_locode",
    "valid_town_arrays",
]

#: Suggestions for an unknown name come from towns of at least this many people (and every pack place).
SUGGEST_MIN_POPULATION = 5_000
#: A UN/LOCODE as written: country, an optional space, three letters or digits 2-9.
CODE_PATTERN = re.compile(r"([A-Z]{2}) ?([A-Z2-9]{3})")
_SCHEMA = {
    "town_name_blob": ("uint8", 1),
    "town_name_start": ("int64", 1),
    "town_country": ("U", 1),
    "town_lat": ("float64", 1),
    "town_lon": ("float64", 1),
    "town_population": ("int64", 1),
    "key_blob": ("uint8", 1),
    "key_start": ("int64", 1),
    "key_first": ("int64", 1),
    "key_town": ("int32", 1),
    "code": ("U", 1),
    "code_name": ("U", 1),
    "code_lat": ("float64", 1),
    "code_lon": ("float64", 1),
    "code_population": ("int64", 1),
}


@dataclass(frozen=True)
class TownMatch:
    """A town (or a seaport's UN/LOCODE, ``code``) that a name resolved to: WGS84 degrees, GeoNames population."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    code: str = ""

    @property
    def label(self) -> str:
        """How a route shows it: "Stockholm (SE)", or "Stockholm (SESTO)" for a code."""
        return f"{self.name} ({self.code or self.country})"


def parse_locode(text: str) -> str | None:
    """The code "SESTO" from "SESTO" or "SE STO" (capitals, as UN/LOCODE writes them); None for any other text."""
    match = CODE_PATTERN.fullmatch(text.strip())
    return None if match is None else match[1] + match[2]


def valid_town_arrays(arrays: Mapping[str, np.ndarray]) -> bool:
    """A cached index whose parts fit together: offsets within their blobs, postings within the towns."""
    if not has_schema(arrays, _SCHEMA):
        return False
    towns = len(arrays["town_lat"])
    keys = len(arrays["key_start"]) - 1
    lengths = [len(arrays[k]) for k in ("town_country", "town_lon", "town_population")]
    codes = arrays["code"]
    return (
        towns > 0
        and lengths == [towns] * 3
        and _offsets(arrays["town_name_start"], towns, len(arrays["town_name_blob"]))
        and _offsets(arrays["key_start"], keys, len(arrays["key_blob"]))
        and len(arrays["key_first"]) == keys + 1
        and int(arrays["key_first"][0]) == 0
        and int(arrays["key_first"][-1]) == len(arrays["key_town"])
        and bool(np.all(np.diff(arrays["key_first"]) > 0))
        and in_range(arrays["key_town"], 0, towns)
        and all(len(arrays[k]) == len(codes) for k in ("code_name", "code_lat", "code_lon", "code_population"))
        and bool(np.all(codes[1:] > codes[:-1]))
        and bool(np.all(np.abs(arrays["town_lat"]) <= 90) and np.all(np.abs(arrays["town_lon"]) <= 180))
    )


def _offsets(start: np.ndarray, count: int, blob_bytes: int) -> bool:
    """``count + 1`` increasing starts of NUL-separated texts in a blob of ``blob_bytes``."""
    return (
        len(start) == count + 1
        and int(start[0]) == 0
        and int(start[-1]) == blob_bytes + 1
        and bool(np.all(np.diff(start) >= 1))
    )


class TownIndex:
    """The towns and seaport codes by name: ``find``, ``find_code`` and ``suggest``; read-only, safe to share."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        if not valid_town_arrays(arrays):
            raise DataError("the town index arrays are inconsistent (a bug, or a damaged cache file)")
        a = {name: np.asarray(value) for name, value in arrays.items()}  # plain views: memmap indexing is slower
        self._name_blob, self._name_start = a["town_name_blob"], a["town_name_start"]
        self._country, self._lat, self._lon = a["town_country"], a["town_lat"], a["town_lon"]
        self._population = a["town_population"]
        self._key_blob, self._key_start = a["key_blob"], a["key_start"]
        self._key_first, self._key_town = a["key_first"], a["key_town"]
        self._code, self._code_name = a["code"], a["code_name"]
        self._code_lat, self._code_lon, self._code_population = a["code_lat"], a["code_lon"], a["code_population"]
        self._suggest_lock = threading.Lock()
        self._buckets: dict[str, list[str]] | None = None

    def __len__(self) -> int:
        """Number of towns."""
        return len(self._lat)

    def named(self, name: str, country: str | None = None) -> list[TownMatch]:
        """Every town called ``name`` (any of its names, any script), in ``country`` if given, most populous
        first."""
        towns = self._towns_named(fold_name(name))
        if country is not None:
            towns = towns[self._country[towns] == country.upper()]
        return [self._town(int(t)) for t in towns]

    @property
    def code_count(self) -> int:
        """Number of seaport UN/LOCODEs known."""
        return len(self._code)

    def find(self, name: str, country: str | None = None) -> TownMatch | None:
        """The most populous town called ``name`` (any of its names, any script), in ``country`` (ISO alpha-2)
        if given; None if there is none."""
        towns = self._towns_named(fold_name(name))
        if country is not None:
            towns = towns[self._country[towns] == country.upper()]
        return self._town(int(towns[0])) if len(towns) else None

    def find_code(self, code: str) -> TownMatch | None:
        """The seaport of a UN/LOCODE ("SESTO", "SE STO"), None if the text is not a known code."""
        parsed = parse_locode(code)
        if parsed is None:
            return None
        i = int(np.searchsorted(self._code, parsed))
        if i == len(self._code) or self._code[i] != parsed:
            return None
        return TownMatch(
            str(self._code_name[i]),
            parsed[:2],
            float(self._code_lat[i]),
            float(self._code_lon[i]),
            int(self._code_population[i]),
            code=parsed,
        )

    def suggest(self, name: str, country: str | None = None, n: int = 3) -> list[TownMatch]:
        """Up to ``n`` towns (of distinct labels) whose names are close to ``name``, best first: the same name in
        other countries when ``country`` has no town of it, then names that differ by a letter or two among
        towns of at least ``SUGGEST_MIN_POPULATION`` (in ``country`` if given)."""
        key = fold_name(name)
        if not key:
            return []
        out: list[TownMatch] = []
        if country is not None:  # the name exists, elsewhere
            out.extend(self._town(int(t)) for t in self._towns_named(key)[:n])
        window = [k for k in self._bucket(key[0]) if abs(len(k) - len(key)) <= max(2, len(key) // 3)]
        for close in difflib.get_close_matches(key, window, n=3 * n, cutoff=0.75):
            towns = self._towns_named(close)
            if country is not None:
                towns = towns[self._country[towns] == country.upper()]
            found = [self._town(int(t)) for t in towns[self._population[towns] >= SUGGEST_MIN_POPULATION]]
            # the town of that primary name before one that merely has it among its alternate names
            out.extend([t for t in found if fold_name(t.name) == close][:1] or found[:1])
        distinct: dict[str, TownMatch] = {}
        for town in out:
            distinct.setdefault(town.label, town)
        return list(distinct.values())[:n]

    # --- internals -----------------------------------------------------------------------------------------------
    def _key(self, key: str) -> int | None:
        """Position of a folded name among the sorted names (binary search over the blob), None if absent."""
        target = key.encode()
        blob, start = self._key_blob, self._key_start
        lo, hi = 0, len(start) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[start[mid] : start[mid + 1] - 1].tobytes() < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(start) - 1 and blob[start[lo] : start[lo + 1] - 1].tobytes() == target:
            return lo
        return None

    def _towns_named(self, key: str) -> np.ndarray:
        """The towns with a name that folds to ``key``, most populous first."""
        k = self._key(key) if key else None
        if k is None:
            return np.zeros(0, np.int32)
        return self._key_town[self._key_first[k] : self._key_first[k + 1]]

    def _town(self, i: int) -> TownMatch:
        name = self._name_blob[self._name_start[i] : self._name_start[i + 1] - 1].tobytes().decode()
        return TownMatch(
            name, str(self._country[i]), float(self._lat[i]), float(self._lon[i]), int(self._population[i])
        )

    def _bucket(self, first: str) -> list[str]:
        """The folded names starting with ``first`` that a suggestion may be: of towns of at least
        SUGGEST_MIN_POPULATION, their primary names, and their names in other scripts (folded names with a letter
        outside ASCII). A Latin alternate name ("East Gary" of Lake Station) would suggest a town under a name the
        reader never typed."""
        with self._suggest_lock:
            if self._buckets is None:
                big = np.flatnonzero(self._population >= SUGGEST_MIN_POPULATION)
                primary = set(fold_names([self._town(int(t)).name for t in big]))
                every = self._key_blob.tobytes().decode().split("\x00")
                top = self._population[self._key_town[self._key_first[:-1]]]  # each name's most populous town
                buckets: dict[str, list[str]] = {}
                for k in np.flatnonzero(top >= SUGGEST_MIN_POPULATION).tolist():
                    text = every[k]
                    if text in primary or not text.isascii():
                        buckets.setdefault(text[0], []).append(text)
                self._buckets = buckets
            return self._buckets.get(first, [])
