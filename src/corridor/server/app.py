"""The REST API (FastAPI) and the map page: a thin skin over the Python API.

The network is loaded once per process and shared by every request (the router is safe
across threads). Requests are capped: body size (413), requests in flight (429) and
compute time (503); validation errors are 422 with the field named; an unknown place is
404 with suggestions. No file-system path is ever taken from a request. CORS is off unless
origins are given.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from fastapi import FastAPI, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from corridor.errors import CoordinateError, CorridorError, InputError, NoRouteError, UnknownPlaceError
from corridor.server.models import (
    CompareRequest,
    CorridorOptionModel,
    ErrorModel,
    PlaceModel,
    ReachRequest,
    RouteRequest,
    ScenarioRunRequest,
)
from corridor.units import Layer

if TYPE_CHECKING:
    from corridor.api import Network

__all__ = ["Limits", "create_app"]

STATIC_DIR = Path(str(resources.files("corridor").joinpath("server/static")))
VENDOR_DIR = STATIC_DIR / "vendor"  # browser libraries copied from npm by `make web`
LAYERS = ("rail", "road", "sea", "countries", "services")


@dataclass(frozen=True)
class Limits:
    """Caps that keep one worker responsive: body bytes, requests in flight, seconds of compute."""

    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 32
    wait_for_slot_seconds: float = 5.0
    compute_seconds: float = 20.0
    scenario_seconds: float = 180.0
    max_network_features: int = 30_000
    cached_answers: int = 4096  # route and compare answers kept per process (the network never changes)
    quick_workers: int = os.cpu_count() or 2  # threads for route, places and map layers
    heavy_workers: int = os.cpu_count() or 2  # threads for compare, reach and scenarios (lower OS priority)


class _BusyError(Exception):
    pass


class _TooSlowError(Exception):
    pass


def _layer_geojson(net: Network, layer: str, bbox: tuple[float, float, float, float], zoom: int, cap: int) -> dict:
    """Edges of one layer inside the box, snapped to a grid that coarsens with lower zoom."""
    g = net.graph
    code = {"rail": Layer.RAIL, "road": Layer.ROAD, "sea": Layer.SEA}[layer]
    west, south, east, north = bbox
    tail = net.router.tail
    lat, lon = g.node_lat, g.node_lon
    on = (g.node_layer[tail] == code) & (g.node_layer[g.head] == code) & (tail < g.head)
    inside = on & (lon[tail] >= west) & (lon[tail] <= east) & (lat[tail] >= south) & (lat[tail] <= north)
    edges = np.flatnonzero(inside)
    cell = 360.0 / 2 ** (zoom + 8)
    while True:
        a = np.round(np.column_stack((lon[tail[edges]], lat[tail[edges]])) / cell).astype(np.int64)
        b = np.round(np.column_stack((lon[g.head[edges]], lat[g.head[edges]])) / cell).astype(np.int64)
        keep = np.any(a != b, axis=1)
        pairs = np.unique(np.hstack((a[keep], b[keep])), axis=0)
        if len(pairs) <= cap:
            break
        cell *= 2
    lines = (pairs.reshape(-1, 2, 2) * cell).round(5).tolist()
    feature = {"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": lines}, "properties": {}}
    feature["properties"] = {"layer": layer, "segments": len(lines), "grid_deg": cell}
    return {"type": "FeatureCollection", "features": [feature]}


@lru_cache(maxsize=16)
def _outlines(tolerance_deg: float) -> tuple[tuple[str, Any], ...]:
    from corridor.network.countries import country_outlines

    return tuple((code, shape) for code, shape in country_outlines(tolerance_deg) if not shape.is_empty)


def _countries_geojson(bbox: tuple[float, float, float, float], zoom: int) -> dict:
    """Country outlines (Natural Earth) clipped to the box, simplified to about a pixel at ``zoom``."""
    import shapely

    tolerance = max(0.01, 360.0 / 2 ** (zoom + 9))
    tolerance = float(2 ** round(math.log2(tolerance)))  # a few cached levels, not one per zoom
    features = []
    for code, shape in _outlines(tolerance):
        part = shapely.clip_by_rect(shape, *bbox)
        if part.is_empty:
            continue
        geometry = shapely.geometry.mapping(shapely.set_precision(part, tolerance / 4))
        features.append({"type": "Feature", "geometry": geometry, "properties": {"country": code}})
    return {"type": "FeatureCollection", "features": features}


def _services_geojson(net: Network, bbox: tuple[float, float, float, float]) -> dict:
    """The data pack's scheduled services (trains, ferries) as lines from place to place (schematic)."""
    pack = net.pack
    west, south, east, north = bbox
    where = {p.id: p for p in pack.places}  # the pack guarantees every service's places exist
    seen, features = set(), []
    for s in pack.services:
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


def create_app(
    network: Network | Callable[[], Network] | None = None,
    *,
    limits: Limits | None = None,
    cors_origins: list[str] | None = None,
) -> FastAPI:
    """The app. ``network``: a loaded Network, a function that loads one, or None for ``Network.load()``."""
    limits = limits or Limits()
    app = FastAPI(
        title="corridor",
        summary="Freight routes, days, cost and CO2 on the China – Kazakhstan – Europe corridors.",
        version="1",
        docs_url=None,  # served below from the bundled Swagger UI: no CDN
        redoc_url=None,
    )
    state: dict[str, Any] = {}
    slots = asyncio.Semaphore(limits.max_in_flight)

    def net() -> Network:
        if "net" not in state:
            if network is None:
                from corridor.api import Network

                state["net"] = Network.load(progress=False)
            else:
                state["net"] = network() if callable(network) else network
        return state["net"]

    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST"])

    @app.middleware("http")
    async def cap_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limits.max_body_bytes):
            return JSONResponse({"detail": f"request body over {limits.max_body_bytes} bytes"}, status_code=413)
        if request.method == "POST" and length is None:
            body = await request.body()
            if len(body) > limits.max_body_bytes:
                return JSONResponse({"detail": f"request body over {limits.max_body_bytes} bytes"}, status_code=413)
        return await call_next(request)

    # Lanes of worker threads. The heavy lane (a compare is five corridor searches) and the
    # scenario lane (one run at a time; a run can take minutes) work at a lower OS priority: they
    # take the cores a single route, the common request, leaves idle, so route answers stay quick
    # under load. The searches release the GIL, so the OS decides.
    lanes = {
        "quick": ThreadPoolExecutor(limits.quick_workers, thread_name_prefix="corridor-quick"),
        "heavy": ThreadPoolExecutor(limits.heavy_workers, thread_name_prefix="corridor-heavy", initializer=_yield_cpu),
        "scenario": ThreadPoolExecutor(1, thread_name_prefix="corridor-scenario", initializer=_yield_cpu),
    }

    async def compute(fn: Callable[[], Any], seconds: float, lane: str = "quick") -> Any:
        try:
            await asyncio.wait_for(slots.acquire(), timeout=limits.wait_for_slot_seconds)
        except TimeoutError:
            raise _BusyError from None
        try:
            work = asyncio.get_running_loop().run_in_executor(lanes[lane], fn)
            return await asyncio.wait_for(work, timeout=seconds)
        except TimeoutError:
            raise _TooSlowError from None
        finally:
            slots.release()

    @app.exception_handler(_BusyError)
    async def busy(_request, _exc):
        return JSONResponse({"detail": f"more than {limits.max_in_flight} requests in flight; retry"}, 429)

    @app.exception_handler(_TooSlowError)
    async def too_slow(_request, _exc):
        return JSONResponse({"detail": "the computation took too long and was abandoned; narrow the query"}, 503)

    @app.exception_handler(CorridorError)
    async def corridor_error(_request, exc: CorridorError):
        if isinstance(exc, UnknownPlaceError):
            return JSONResponse({"detail": str(exc), "suggestions": exc.suggestions}, 404)
        if isinstance(exc, NoRouteError):
            return JSONResponse({"detail": str(exc)}, 404)
        if isinstance(exc, CoordinateError | InputError):
            field = getattr(exc, "option", None) or "body"
            return _invalid(field, str(exc))
        return JSONResponse({"detail": str(exc)}, 500)

    errors = {404: {"model": ErrorModel}, 413: {"model": ErrorModel}, 429: {"model": ErrorModel}}
    errors |= {503: {"model": ErrorModel}}

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """Liveness: the network is loaded and how big it is."""
        g = net().graph
        return {"status": "ok", "nodes": g.node_count, "edges": g.edge_count, "places": len(net().pack.places)}

    @app.get("/places", response_model=list[PlaceModel])
    async def places(
        country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$"),
        kind: Literal["rail_terminal", "seaport", "ferry_port", "border_crossing", "gauge_change"] | None = None,
    ):
        """The data pack's places, optionally by country and kind."""
        return [p.to_dict() for p in net().places(country=country, kind=kind)]

    # the network never changes within a process, so an answer can be reused for the same question
    @lru_cache(maxsize=limits.cached_answers)
    def cached_route(key: str) -> bytes:
        body = RouteRequest.model_validate_json(key)
        route = net().route(
            body.origin,
            body.destination,
            via=body.via,
            avoid=body.avoid,
            modes=body.modes,
            objective=body.objective,
            value_of_time_usd_per_teu_hour=body.value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=body.carbon_price_usd_per_t_co2e,
        )
        return _json(route.to_dict())

    @lru_cache(maxsize=limits.cached_answers)
    def cached_compare(key: str) -> bytes:
        body = CompareRequest.model_validate_json(key)
        options = net().compare(
            body.origin, body.destination, corridors=body.corridors, objective=body.objective, avoid=body.avoid
        )
        return _json([{**o.to_dict(), "name": o.name} for o in options])

    @app.post("/route", response_model=dict[str, Any], responses=errors)
    async def route(body: RouteRequest):
        """The best route, with legs, borders and a GeoJSON line (``Route.to_dict()``)."""
        key = body.model_dump_json()
        answer = await compute(lambda: cached_route(key), limits.compute_seconds)
        return Response(answer, media_type="application/json")

    @app.post("/compare", response_model=list[CorridorOptionModel], responses=errors)
    async def compare(body: CompareRequest):
        """The best route through each corridor family, side by side."""
        key = body.model_dump_json()
        answer = await compute(lambda: cached_compare(key), limits.compute_seconds, "heavy")
        return Response(answer, media_type="application/json")

    @app.post("/reach", responses=errors)
    async def reach(body: ReachRequest) -> dict[str, Any]:
        """Places and countries within a budget of days or USD per TEU (optionally GeoJSON bands)."""

        def run():
            result = net().reach(
                body.origin, days=body.days, usd_per_teu=body.usd_per_teu, via=body.via, corridor=body.corridor
            )
            out = result.to_dict()
            if body.geojson:
                out["geojson"] = result.to_geojson()
            return _finite(out)

        return await compute(run, limits.compute_seconds, "heavy")

    @app.post("/scenario/run", responses=errors)
    async def scenario_run(body: ScenarioRunRequest) -> dict[str, Any]:
        """Run a shipped scenario by name, or a scenario body (which may extend shipped scenarios only)."""
        from corridor.scenario import SHIPPED_SCENARIOS, load_scenario, run_scenario
        from corridor.scenario.schema import Scenario

        if body.name is not None:
            if body.name not in SHIPPED_SCENARIOS:
                return JSONResponse(
                    {"detail": f"unknown scenario {body.name!r}", "suggestions": list(SHIPPED_SCENARIOS)}, 404
                )
            spec = load_scenario(body.name)
        else:
            data = {k: v for k, v in body.body.items() if k not in ("path", "parent")}
            parent = data.get("extends")
            if parent is not None and parent not in SHIPPED_SCENARIOS:
                return _invalid("extends", "a scenario body may extend only a shipped scenario")
            try:
                spec = Scenario.model_validate(data)
            except ValueError as exc:
                return _invalid("body", str(exc))
            if parent is not None:
                spec = spec.model_copy(update={"parent": load_scenario(parent), "path": "request body"})

        def run():
            result = run_scenario(spec)
            return _finite(
                {
                    "scenario": result.name,
                    "chain": list(result.applied.names),
                    "corridors": result.corridor_table().to_dict(orient="records"),
                    "flows": result.flows.summary,
                    "bottlenecks": result.flows.bottlenecks.to_dict(orient="records"),
                }
            )

        return await compute(run, limits.scenario_seconds, "scenario")

    @app.get("/network/{layer}", responses=errors)
    async def network_layer(
        layer: str,
        bbox: str = Query(..., description="west,south,east,north in degrees", examples=["20,50,30,58"]),
        zoom: int = Query(5, ge=0, le=14),
    ) -> dict[str, Any]:
        """GeoJSON of one layer inside a bounding box, simplified by zoom: the rail, road or sea
        network, the country outlines (``countries``) or the scheduled trains and ferries
        (``services``, drawn place to place)."""
        if layer not in LAYERS:
            return JSONResponse({"detail": f"unknown layer {layer!r}; use one of {', '.join(LAYERS)}"}, 404)
        try:
            west, south, east, north = (float(x) for x in bbox.split(","))
        except ValueError:
            return _invalid("bbox", "bbox must be west,south,east,north", where="query")
        ok = -180 <= west < east <= 180 and -90 <= south < north <= 90
        if not ok or not all(math.isfinite(v) for v in (west, south, east, north)):
            return _invalid("bbox", "bbox must be west,south,east,north with west < east, south < north", where="query")
        box = (west, south, east, north)
        if layer == "countries":
            return await compute(lambda: _countries_geojson(box, zoom), limits.compute_seconds)
        if layer == "services":
            return await compute(lambda: _services_geojson(net(), box), limits.compute_seconds)
        return await compute(
            lambda: _layer_geojson(net(), layer, box, zoom, limits.max_network_features), limits.compute_seconds
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page():
        if not (VENDOR_DIR / "maplibre-gl.mjs").is_file():
            return HTMLResponse(_NO_VENDOR, status_code=503)
        return HTMLResponse((STATIC_DIR / "index.html").read_text(encoding="utf-8"))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="corridor API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


_NO_VENDOR = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>corridor</title></head><body>
<h1>corridor</h1><p>The map library is not bundled with this installation: run <code>make web</code>
(it copies MapLibre GL JS and Swagger UI from npm into the package) and reload.
The REST API works without it: <a href="/openapi.json">/openapi.json</a>.</p></body></html>"""


def _invalid(field: str, message: str, *, where: str = "body") -> JSONResponse:
    """A 422 in FastAPI's validation-error shape, naming the field."""
    loc = [where] if field == where else [where, field]
    return JSONResponse({"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}, 422)


def _yield_cpu() -> None:
    """Lower this worker thread's CPU priority (Linux threads have their own nice value)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):  # not allowed: the lane still works, at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _json(value: Any) -> bytes:
    """A JSON answer encoded once (it is cached as bytes), NaN and infinity as null."""
    return json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":")).encode()


def _finite(value: Any) -> Any:
    """JSON cannot carry NaN or infinity: they become null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.floating):
        return _finite(float(value))
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
