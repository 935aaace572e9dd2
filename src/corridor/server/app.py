"""The REST API (FastAPI) and the map page: a thin skin over the Python API.

The network is loaded once per process and shared by every request (the router is safe
across threads). Requests are capped: body size (413, read no further than the cap), requests
in flight per lane (429: routes, compare and reach, map layers and scenarios each have their
own), and compute time (503, and the work is told to stop). Map layers are bounded by zoom and
cached. Client mistakes are 4xx naming the field (see ``server.errors``); an unknown place is
404 with suggestions. No file-system path is ever taken from a request. CORS is off unless
origins are given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from corridor.jsontext import dumps
from corridor.server.body_limit import BodyLimit
from corridor.server.errors import install_error_handlers, invalid
from corridor.server.lanes import Lanes, LaneSpec, Stop
from corridor.server.layers import (
    LAYERS,
    BoxError,
    LayerEdges,
    countries_geojson,
    layer_edges,
    layer_geojson,
    parse_box,
    services_geojson,
)
from corridor.server.models import (
    CompareRequest,
    CorridorOptionModel,
    ErrorModel,
    PlaceModel,
    ReachRequest,
    RouteRequest,
    ScenarioRunRequest,
)

if TYPE_CHECKING:
    from corridor.api import Network

__all__ = ["Limits", "create_app"]

STATIC_DIR = Path(str(resources.files("corridor").joinpath("server/static")))
VENDOR_DIR = STATIC_DIR / "vendor"  # browser libraries copied from npm by `make web`


@dataclass(frozen=True)
class Limits:
    """Caps that keep one server responsive: body bytes, requests in flight per lane, seconds of work.

    Each lane has its own cap on requests in flight, so a burst of one kind (map layers, compares,
    scenarios) never pushes another kind, plain routes above all, into 429.
    """

    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 32  # routes, places, health
    max_in_flight_heavy: int = 16  # compare, reach
    max_in_flight_layers: int = 8  # map layers
    max_in_flight_scenarios: int = 2  # one running, one waiting
    wait_for_slot_seconds: float = 5.0
    compute_seconds: float = 20.0
    scenario_seconds: float = 180.0
    max_network_features: int = 30_000
    cached_answers: int = 4096  # route and compare answers kept per process (the network never changes)
    cached_layers: int = 256  # map-layer answers kept per process
    quick_workers: int = os.cpu_count() or 2  # threads for routes and places
    heavy_workers: int = os.cpu_count() or 2  # threads for compare and reach (lower OS priority)
    layer_workers: int = 1  # threads for map layers (lower OS priority)

    def lanes(self) -> dict[str, LaneSpec]:
        return {
            "quick": LaneSpec(self.quick_workers, self.max_in_flight),
            "heavy": LaneSpec(self.heavy_workers, self.max_in_flight_heavy, low_priority=True),
            "layers": LaneSpec(self.layer_workers, self.max_in_flight_layers, low_priority=True),
            "scenario": LaneSpec(1, self.max_in_flight_scenarios, low_priority=True),
        }


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
    lanes = Lanes(limits.lanes(), wait_for_slot_seconds=limits.wait_for_slot_seconds)

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
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    install_error_handlers(app)
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
        answer = await lanes.run("quick", lambda _stop: cached_route(key), limits.compute_seconds)
        return Response(answer, media_type="application/json")

    @app.post("/compare", response_model=list[CorridorOptionModel], responses=errors)
    async def compare(body: CompareRequest):
        """The best route through each corridor family, side by side."""
        key = body.model_dump_json()
        answer = await lanes.run("heavy", lambda _stop: cached_compare(key), limits.compute_seconds)
        return Response(answer, media_type="application/json")

    @app.post("/reach", responses=errors)
    async def reach(body: ReachRequest):
        """Places and countries within a budget of days or USD per TEU (optionally GeoJSON bands)."""

        def run(_stop: Stop) -> bytes:
            result = net().reach(
                body.origin, days=body.days, usd_per_teu=body.usd_per_teu, via=body.via, corridor=body.corridor
            )
            out = result.to_dict()
            if body.geojson:
                out["geojson"] = result.to_geojson()
            return _json(out)

        return Response(await lanes.run("heavy", run, limits.compute_seconds), media_type="application/json")

    @app.post("/scenario/run", responses=errors)
    async def scenario_run(body: ScenarioRunRequest):
        """Run a shipped scenario by name, or a scenario body (which may extend shipped scenarios and use
        shipped demand sets only: no request reaches the server's files)."""
        from corridor.scenario import SHIPPED_SCENARIOS, load_scenario, run_scenario, scenario_from_body

        if body.name is not None:
            if body.name not in SHIPPED_SCENARIOS:
                return JSONResponse(
                    {"detail": f"unknown scenario {body.name!r}", "suggestions": list(SHIPPED_SCENARIOS)}, 404
                )
            spec = load_scenario(body.name)
        else:
            spec = scenario_from_body(body.body)

        def run(stop: Stop) -> bytes:
            result = run_scenario(spec, progress=lambda _step, _fraction: stop.check())
            return _json(
                {
                    "scenario": result.name,
                    "chain": list(result.applied.names),
                    "corridors": result.corridor_table().to_dict(orient="records"),
                    "flows": result.flows.summary,
                    "bottlenecks": result.flows.bottlenecks.to_dict(orient="records"),
                }
            )

        return Response(await lanes.run("scenario", run, limits.scenario_seconds), media_type="application/json")

    @lru_cache(maxsize=3)
    def edges_of(layer: str) -> LayerEdges:
        return layer_edges(net(), layer)

    @lru_cache(maxsize=limits.cached_layers)
    def cached_layer(layer: str, box: tuple[float, float, float, float], zoom: int) -> bytes:
        if layer == "countries":
            return _json(countries_geojson(box, zoom))
        if layer == "services":
            return _json(services_geojson(net(), box))
        return _json(layer_geojson(edges_of(layer), layer, box, zoom, limits.max_network_features))

    @app.get("/network/{layer}", responses=errors)
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
            return JSONResponse({"detail": f"unknown layer {layer!r}; use one of {', '.join(LAYERS)}"}, 404)
        try:
            box = parse_box(bbox, zoom)
        except BoxError as exc:
            return invalid("bbox", str(exc), where="query")
        answer = await lanes.run("layers", lambda _stop: cached_layer(layer, box, zoom), limits.compute_seconds)
        return Response(answer, media_type="application/json")

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


def _json(value: Any) -> bytes:
    """A JSON answer encoded once (it is cached as bytes), NaN and infinity as null."""
    return dumps(value, compact=True).encode()
