"""Map layers as GeoJSON, with the work per request bounded.

A box is limited by zoom to what a large screen shows (:data:`MAX_TILES_ACROSS` tiles each way), so
no request can ask for the whole world's roads at street zoom; edges are snapped to a grid of about
a pixel, coarsened in proportion when the answer would pass the feature cap, so the work is a few
array passes over one layer's edges (kept once per process).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

import corridor

__all__ = [
    "LAYERS",
    "MAX_TILES_ACROSS",
    "Box",
    "BoxError",
    "LayerEdges",
    "countries_geojson",
    "layer_edges",
    "layer_geojson",
    "parse_box",
    "services_geojson",
]

LAYERS = ("rail", "road", "sea", "countries", "services")
#: A box may span at most this many map tiles of its zoom each way (a 4K screen shows about 15).
MAX_TILES_ACROSS = 32

Box = tuple[float, float, float, float]


class BoxError(ValueError):
    """A bounding box that is malformed, or too large for its zoom."""


def parse_box(text: str, zoom: int) -> Box:
    """``west,south,east,north`` in degrees, checked: finite, ordered, and not larger than the zoom allows."""
    try:
        west, south, east, north = (float(x) for x in text.split(","))
    except ValueError:
        raise BoxError("bbox must be west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BoxError("bbox values must be finite numbers")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BoxError("bbox must be west,south,east,north with west < east, south < north, inside ±180, ±90")
    tile_deg = 360.0 / 2**zoom
    if east - west > MAX_TILES_ACROSS * tile_deg or north - south > MAX_TILES_ACROSS * tile_deg / 2:
        most = min(360.0, MAX_TILES_ACROSS * tile_deg)
        raise BoxError(f"bbox too large for zoom {zoom}: at most {most:g}° wide and {most / 2:g}° high; zoom out")
    return (west, south, east, north)


@dataclass(frozen=True)
class LayerEdges:
    """One layer's edges, each once (tail < head), as end coordinates in degrees."""

    lon_a: np.ndarray
    lat_a: np.ndarray
    lon_b: np.ndarray
    lat_b: np.ndarray


def layer_edges(net: corridor.Network, layer: str) -> LayerEdges:
    """The edges of ``layer`` (rail, road, sea) with both ends in it (``Network.layer_segments``)."""
    return LayerEdges(*net.layer_segments(layer))


def layer_geojson(edges: LayerEdges, layer: str, box: Box, zoom: int, cap: int) -> dict[str, Any]:
    """Edges inside the box, snapped to a grid of about a pixel at ``zoom``, coarser when over ``cap``."""
    west, south, east, north = box
    inside = np.flatnonzero(
        (edges.lon_a >= west) & (edges.lon_a <= east) & (edges.lat_a >= south) & (edges.lat_a <= north)
    )
    cell = 360.0 / 2 ** (zoom + 8)  # about a pixel
    ends = np.column_stack((edges.lon_a[inside], edges.lat_a[inside], edges.lon_b[inside], edges.lat_b[inside]))
    while True:
        grid = np.round(ends / cell).astype(np.int64)
        pairs = np.unique(grid[np.any(grid[:, :2] != grid[:, 2:], axis=1)], axis=0)
        if len(pairs) <= cap:
            break
        # lines: segments fall about in proportion to the cell, so one or two coarser grids suffice
        cell *= 2 ** max(1, math.ceil(math.log2(len(pairs) / cap)))
    lines = (pairs.reshape(-1, 2, 2) * cell).round(5).tolist()
    feature = {"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": lines}}
    feature["properties"] = {"layer": layer, "segments": len(lines), "grid_deg": cell}
    return {"type": "FeatureCollection", "features": [feature]}


@lru_cache(maxsize=16)
def _outlines(tolerance_deg: float) -> tuple[tuple[str, Any], ...]:
    return tuple((code, shape) for code, shape in corridor.country_outlines(tolerance_deg) if not shape.is_empty)


def countries_geojson(box: Box, zoom: int) -> dict[str, Any]:
    """Country outlines (Natural Earth) clipped to the box, simplified to about a pixel at ``zoom``."""
    import shapely

    tolerance = max(0.01, 360.0 / 2 ** (zoom + 9))
    tolerance = float(2 ** round(math.log2(tolerance)))  # a few cached levels, not one per zoom
    features = []
    for code, shape in _outlines(tolerance):
        part = shapely.clip_by_rect(shape, *box)
        if part.is_empty:
            continue
        geometry = shapely.geometry.mapping(shapely.set_precision(part, tolerance / 4))
        features.append({"type": "Feature", "geometry": geometry, "properties": {"country": code}})
    return {"type": "FeatureCollection", "features": features}


def services_geojson(net: corridor.Network, box: Box) -> dict[str, Any]:
    """The data pack's scheduled services (trains, ferries) as lines from place to place (schematic)."""
    west, south, east, north = box
    where = {p.id: p for p in net.places()}  # the pack guarantees every service's places exist
    seen, features = set(), []
    for s in net.pack.services:  # no public list of services yet
        a, b = where[s.from_place], where[s.to_place]
        key = (s.service, frozenset((a.id, b.id)))  # one line for both directions
        if key in seen or not any(west <= p.lon <= east and south <= p.lat <= north for p in (a, b)):
            continue
        seen.add(key)
        props = {"service": s.service, "mode": s.mode, "from": a.name, "to": b.name, "hours": s.hours}
        props["departures_per_week"] = s.departures_per_week
        line = {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]}
        features.append({"type": "Feature", "geometry": line, "properties": props})
    return {"type": "FeatureCollection", "features": features}
