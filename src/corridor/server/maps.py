"""Map layers as GeoJSON: ``GET /network/{layer}`` in the layer lane, answers cached per box and zoom."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Query
from fastapi.responses import Response

from corridor.server.context import Context, json_bytes
from corridor.server.errors import ERROR_RESPONSES, invalid, unknown
from corridor.server.layers import (
    LAYERS,
    Box,
    BoxError,
    LayerEdges,
    countries_geojson,
    layer_edges,
    layer_geojson,
    parse_box,
    services_geojson,
)

__all__ = ["router"]


def router(ctx: Context) -> APIRouter:
    """The map-layer route over ``ctx``'s network."""
    api = APIRouter()

    @lru_cache(maxsize=3)
    def edges_of(layer: str) -> LayerEdges:
        return layer_edges(ctx.net(), layer)

    @lru_cache(maxsize=ctx.limits.cached_layers)
    def cached_layer(layer: str, box: Box, zoom: int) -> bytes:
        if layer == "countries":
            return json_bytes(countries_geojson(box, zoom))
        if layer == "services":
            return json_bytes(services_geojson(ctx.net(), box))
        return json_bytes(layer_geojson(edges_of(layer), layer, box, zoom, ctx.limits.max_network_features))

    @api.get("/network/{layer}", responses=ERROR_RESPONSES)
    async def network_layer(
        layer: str,
        bbox: str = Query(
            ...,
            max_length=200,
            description="west,south,east,north in degrees; at most 32 map tiles of the zoom each way",
            examples=["20,50,30,58"],
        ),
        zoom: int = Query(5, ge=0, le=14),
    ):
        """GeoJSON of one layer inside a bounding box, simplified by zoom: the rail, road or sea
        network, the country outlines (``countries``) or the scheduled trains and ferries
        (``services``, drawn place to place)."""
        if layer not in LAYERS:
            return unknown(f"unknown layer {layer!r}; use one of {', '.join(LAYERS)}", list(LAYERS), "layer")
        try:
            box = parse_box(bbox, zoom)
        except BoxError as exc:
            return invalid("bbox", str(exc), where="query")
        answer = await ctx.run("layers", lambda _stop: cached_layer(layer, box, zoom))
        return Response(answer, media_type="application/json")

    return api
