"""The quick verbs: health, places, route, compare and reach.

The network never changes within a process, so route and compare answers are kept (as bytes)
for the same question, asked in any spelling: the key is the checked options.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

import corridor
from corridor.server.context import Context, json_bytes
from corridor.server.errors import ERROR_RESPONSES
from corridor.server.models import (
    AlternativesRequest,
    CompareRequest,
    CorridorOptionModel,
    PathRequest,
    PlaceKind,
    PlaceModel,
    ReachRequest,
    RouteRequest,
    SheetQuery,
)

__all__ = ["router"]

JSON = "application/json"
#: A 200 answer that is a page, not JSON (errors stay JSON, as for every verb).
_HTML_PAGE: dict[str, Any] = {
    "description": "A printable HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def router(ctx: Context) -> APIRouter:
    """The routes of the quick verbs, answering from ``ctx``'s network."""
    api = APIRouter()

    @api.get("/health")
    async def health() -> dict[str, Any]:
        """Liveness: the network is loaded and how big it is."""
        net = ctx.net()
        g = net.graph
        return {"status": "ok", "nodes": g.node_count, "edges": g.edge_count, "places": len(net.places())}

    @api.get("/places", response_model=list[PlaceModel])
    async def places(
        country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$"),
        kind: PlaceKind | None = None,
    ):
        """The data pack's places, optionally by country and kind."""
        return [p.to_dict() for p in ctx.net().places(country=country, kind=kind)]

    @api.get("/crossings", response_model=list[dict[str, Any]], responses=ERROR_RESPONSES)
    async def crossings(
        country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$"),
        mode: str | None = Query(None, pattern=r"^(rail|road)$"),
        as_of: str | None = Query(None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD"),
    ):
        """The data pack's border crossings (any of them may be a ``via``), optionally by country and mode, each
        saying whether it is open on ``as_of`` (default: the data pack's as-of date)."""
        return [c.to_dict() for c in ctx.net().crossings(country=country, mode=mode, as_of=as_of)]

    @lru_cache(maxsize=ctx.limits.cached_answers)
    def cached_route(origin: Any, destination: Any, options: corridor.QueryOptions) -> bytes:
        route = ctx.net().route(
            origin, destination, **_path_options(options), depart=options.depart, draws=options.draws,
            seed=options.seed, cargo_tonnes_per_teu=options.cargo_tonnes_per_teu,
        )  # fmt: skip
        return json_bytes(route.to_dict())

    @lru_cache(maxsize=ctx.limits.cached_answers)
    def cached_path(origin: Any, destination: Any, options: corridor.QueryOptions) -> bytes:
        found = ctx.net().path(origin, destination, **_path_options(options))
        return json_bytes(found.to_dict())

    @lru_cache(maxsize=ctx.limits.cached_answers)
    def cached_compare(origin: Any, destination: Any, corridors: Any, options: corridor.QueryOptions) -> bytes:
        found = ctx.net().compare(
            origin,
            destination,
            corridors=list(corridors) if isinstance(corridors, tuple) else corridors,
            objective=options.objective,
            avoid=options.avoid,
            value_of_time_usd_per_teu_hour=options.value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=options.carbon_price_usd_per_t_co2e,
            as_of=options.as_of,
            draws=options.draws,
            seed=options.seed,
        )
        return json_bytes([o.to_dict() for o in found])

    @api.post("/route", response_model=dict[str, Any], responses=ERROR_RESPONSES)
    async def route(body: RouteRequest):
        """The best route, with legs, borders, its transit-time distribution (``reliability``) and a GeoJSON line
        (``Route.to_dict()``)."""
        key = (_hashable(body.origin), _hashable(body.destination), body.options())
        answer = await ctx.run("quick", lambda _stop: cached_route(*key))
        return Response(answer, media_type=JSON)

    @lru_cache(maxsize=ctx.limits.cached_answers)
    def cached_alternatives(origin: Any, destination: Any, k: int, rank: str, options: corridor.QueryOptions) -> bytes:
        found = ctx.net().alternatives(
            origin, destination, k=k, rank=rank, **_path_options(options), draws=options.draws, seed=options.seed
        )
        return json_bytes(found.to_dict())

    @api.post("/alternatives", response_model=dict[str, Any], responses=ERROR_RESPONSES)
    async def alternatives(body: AlternativesRequest):
        """Up to ``k`` meaningfully different routes, best first (by the objective, or with ``rank`` p90 by their
        transit P90), with the fastest, cheapest and lowest-CO2 routes; ``pareto`` lists the routes no other
        beats on days, USD and CO2 at once (``Alternatives.to_dict()``)."""
        options = corridor.QueryOptions.make(**body._options(), draws=body.draws, seed=body.seed)
        key = (_hashable(body.origin), _hashable(body.destination), body.k, body.rank, options)
        answer = await ctx.run("heavy", lambda _stop: cached_alternatives(*key))
        return Response(answer, media_type=JSON)

    @api.get("/sheet", responses={**ERROR_RESPONSES, 200: _HTML_PAGE})
    async def sheet(query: Annotated[SheetQuery, Query()]):
        """A printable quote sheet of the best route (HTML): map, legs, days planned and P50/P90, cost by leg,
        emissions, the data pack's as-of date and sources."""
        request = query.route_request()
        key = (_hashable(request.origin), _hashable(request.destination), request.options())

        def run(_stop) -> str:
            route = ctx.net().route(*key[:2], **_path_options(key[2]))
            return ctx.net().quote_sheet(route)

        return HTMLResponse(await ctx.run("quick", run))

    @api.post("/path", response_model=dict[str, Any], responses=ERROR_RESPONSES)
    async def path(body: PathRequest):
        """The same query as ``/route`` answered with the totals and the line only (``RoutePath.to_dict()``)."""
        key = (_hashable(body.origin), _hashable(body.destination), body.options())
        answer = await ctx.run("quick", lambda _stop: cached_path(*key))
        return Response(answer, media_type=JSON)

    @api.post("/compare", response_model=list[CorridorOptionModel], responses=ERROR_RESPONSES)
    async def compare(body: CompareRequest):
        """The best route through each corridor family, side by side, with its P50 and P90 transit days
        (``CorridorOption.to_dict()`` each)."""
        key = (_hashable(body.origin), _hashable(body.destination), _hashable(body.corridors), body.options())
        answer = await ctx.run("heavy", lambda _stop: cached_compare(*key))
        return Response(answer, media_type=JSON)

    @api.post("/reach", responses=ERROR_RESPONSES)
    async def reach(body: ReachRequest):
        """Places and countries within a budget of days or USD per TEU (optionally GeoJSON bands)."""

        def run(_stop) -> bytes:
            result = ctx.net().reach(
                body.origin, days=body.days, usd_per_teu=body.usd_per_teu, via=body.via, corridor=body.corridor
            )
            answer = result.to_dict()
            if body.geojson:
                answer["geojson"] = result.to_geojson()
            return json_bytes(answer)

        return Response(await ctx.run("heavy", run), media_type=JSON)

    return api


def _path_options(options: corridor.QueryOptions) -> dict[str, Any]:
    """The checked options as ``Network.path`` keywords (``Network.route`` adds the departure and the draws)."""
    return {
        "via": list(options.via),
        "avoid": options.avoid,
        "modes": options.modes,
        "objective": options.objective,
        "value_of_time_usd_per_teu_hour": options.value_of_time_usd_per_teu_hour,
        "carbon_price_usd_per_t_co2e": options.carbon_price_usd_per_t_co2e,
        "max_snap_km": options.max_snap_km,
        "as_of": options.as_of,
        "profile": options.profile,
    }


def _hashable(value: Any) -> Any:
    """A place or a list of names as a cache key part: lists become tuples."""
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value
