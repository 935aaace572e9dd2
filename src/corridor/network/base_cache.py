"""The base network's own cache file: its key (no data pack in it), its checks, and loading it.

The file is ``base-{env}-{key}.npz`` in the cache folder, next to the network files. Its key covers
what ``cache_key`` covers (the code, the cache version, the layer packages' versions) and the bytes of
the shipped ``straits.csv``, never the data pack: every data pack and every scenario shares one base.
A file read back is checked by :func:`valid_base` before use (a damaged or crafted one is rebuilt):
the build's compiled and scipy kernels index these arrays without bounds checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from corridor.datapack import shipped_passenger_lines_path
from corridor.network.base import BaseNetwork, build_base
from corridor.network.cache import cache_key, has_schema, in_range, load_or_build, non_negative
from corridor.network.countries import straits_source_path

__all__ = ["base_key", "load_base", "valid_base"]

Progress = Callable[[str, float], None]

#: The cache file's name (``base-{env}-{key}.npz``).
BASE_CACHE_NAME = "base"


def base_key() -> str:
    """Cache key of the base: the shipped ``straits.csv``'s and ``passenger_lines.csv``'s bytes (the rest is in
    ``cache_key``'s environment)."""
    straits = hashlib.sha256(straits_source_path().read_bytes()).hexdigest()
    lines = hashlib.sha256(shipped_passenger_lines_path().read_bytes()).hexdigest()
    return cache_key(BASE_CACHE_NAME, f"straits={straits};passenger_lines={lines}")


def load_base(cache_dir: Path | None = None, *, progress: Progress | None = None, rebuild: bool = False) -> BaseNetwork:
    """The base network from its cache file in ``cache_dir`` (default: the user cache), built (about 9 s) and
    saved first if missing, stale or invalid."""
    arrays, _ = load_or_build(
        BASE_CACHE_NAME,
        base_key(),
        lambda: build_base(progress=progress).to_arrays(),
        cache_dir=cache_dir,
        validate=valid_base,
        rebuild=rebuild,
    )
    return BaseNetwork.from_arrays(arrays)


def _schema() -> dict[str, tuple[str, int]]:
    """Name → (dtype, ndim) of every array in the base cache."""
    nodes = {"lat": "float64", "lon": "float64", "country": "int16"}
    edges = {"edge_u": "int64", "edge_v": "int64", "edge_km": "float64"}
    heal = {"heal_u": "int64", "heal_v": "int64", "heal_km": "float64", "heal_dead_end": "bool"}
    land = nodes | edges | heal
    sea = nodes | {"strait_country": "int16"} | edges | {"edge_passage": "int16"}
    schema = {f"{p}.{k}": (v, 1) for p in ("rail", "road") for k, v in land.items()}
    schema |= {f"sea.{k}": (v, 1) for k, v in sea.items()}
    return schema | {"rail.passenger": ("bool", 1), "meta": ("U", 0)}


def valid_base(arrays: dict[str, np.ndarray]) -> bool:
    """Whether a loaded base cache is complete and consistent: every array with its dtype, sizes that
    agree, coordinates on the globe, distances >= 0, and every node, country and passage index in range.
    A few vectorised passes."""
    if not has_schema(arrays, _schema()):
        return False
    meta = json.loads(str(arrays["meta"]))
    if not isinstance(meta, dict):
        return False
    countries, passages = meta.get("countries"), meta.get("passages")
    if not (isinstance(countries, list) and isinstance(passages, list)):
        return False
    if not (_codes(countries) and _codes(meta.get("strait_countries")) and _texts(passages)):
        return False
    if not (isinstance(meta.get("straits"), list) and _valid_layer_meta(meta.get("layers"))):
        return False
    sea_n = arrays["sea.lat"].size
    if not _valid_strait_nodes(meta.get("strait_nodes"), sea_n):
        return False
    n_countries = len(countries)
    for prefix in ("rail", "road", "sea"):
        if not _valid_layer(arrays, prefix, n_countries):
            return False
    for prefix in ("rail", "road"):
        n = arrays[f"{prefix}.lat"].size
        heal = [arrays[f"{prefix}.{k}"] for k in ("heal_u", "heal_v", "heal_km", "heal_dead_end")]
        if len({a.size for a in heal}) != 1 or not (in_range(heal[0], 0, n) and in_range(heal[1], 0, n)):
            return False
        if not _finite_non_negative(heal[2]):
            return False
    strait_country, passage = arrays["sea.strait_country"], arrays["sea.edge_passage"]
    if arrays["rail.passenger"].size != arrays["rail.edge_u"].size + arrays["rail.heal_u"].size:
        return False
    return (
        strait_country.size == sea_n
        and passage.size == arrays["sea.edge_u"].size
        and in_range(strait_country, -1, n_countries)
        and in_range(passage, -1, len(passages))
    )


def _valid_layer(arrays: dict[str, np.ndarray], prefix: str, n_countries: int) -> bool:
    """Nodes on the globe with a country in range; edges between nodes of the layer, finite km >= 0."""
    lat, lon, country = (arrays[f"{prefix}.{k}"] for k in ("lat", "lon", "country"))
    u, v, km = (arrays[f"{prefix}.{k}"] for k in ("edge_u", "edge_v", "edge_km"))
    n = lat.size
    return (
        lon.size == country.size == n
        and u.size == v.size == km.size
        and bool(np.all((lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180)))
        and in_range(country, -1, n_countries)
        and in_range(u, 0, n)
        and in_range(v, 0, n)
        and _finite_non_negative(km)
    )


def _finite_non_negative(values: np.ndarray) -> bool:
    return non_negative(values) and bool(np.all(np.isfinite(values)))


def _codes(value: object) -> bool:
    """A list of ISO-A2 codes (two upper-case letters)."""
    return isinstance(value, list) and all(
        isinstance(c, str) and len(c) == 2 and c.isalpha() and c.isupper() for c in value
    )


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(t, str) for t in value)


def _valid_layer_meta(layers: object) -> bool:
    """Name and healing statistics of the rail and road layers."""
    if not isinstance(layers, dict) or set(layers) != {"rail", "road"}:
        return False
    return all(
        isinstance(row, dict)
        and isinstance(row.get("name"), str)
        and all(isinstance(row.get(k), int) and row[k] >= 0 for k in ("components_before", "giant_before"))
        for row in layers.values()
    )


def _valid_strait_nodes(strait_nodes: object, sea_nodes: int) -> bool:
    """ISO code → sea node ids, every id a node of the sea layer."""
    if not isinstance(strait_nodes, dict):
        return False
    return all(
        isinstance(code, str) and len(code) == 2 and isinstance(nodes, list)
        and all(isinstance(n, int) and 0 <= n < sea_nodes for n in nodes)
        for code, nodes in strait_nodes.items()
    )  # fmt: skip
