"""The REST API (FastAPI) and the map page: a thin skin over the Python API, assembled here.

The network is loaded once per process and shared by every request (the router is safe
across threads). Requests are capped: body size (413, read no further than the cap), requests
in flight per lane (429: routes, compare and reach, map layers, and the long runs — scenarios,
assignments, validation — each have their own), and compute time (503, and the work is told to
stop). Map layers are bounded by zoom and cached. Client mistakes are 4xx naming the field (see
``server.errors``); an unknown place is 404 with suggestions. No file-system path is ever taken
from a request. CORS is off unless origins are given.

The routes live by group: ``routes`` (health, places, route, compare, reach), ``runs`` (assign,
validate, scenario run and compare), ``maps`` (map layers) and ``pages`` (the map page, the docs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from corridor.server import maps, pages, routes, runs
from corridor.server.body_limit import BodyLimit
from corridor.server.context import Context, Limits
from corridor.server.errors import install_error_handlers

if TYPE_CHECKING:
    from corridor.server.context import NetworkSource

__all__ = ["Limits", "create_app"]


def create_app(
    network: NetworkSource = None,
    *,
    limits: Limits | None = None,
    cors_origins: list[str] | None = None,
) -> FastAPI:
    """The app. ``network``: a loaded Network, a function that loads one, or None for ``Network.load()``."""
    ctx = Context(network, limits or Limits())
    app = FastAPI(
        title="corridor",
        summary="Freight routes, days, cost and CO2 on the China – Kazakhstan – Europe corridors.",
        version="1",
        docs_url=None,  # served by ``pages`` from the bundled Swagger UI: no CDN
        redoc_url=None,
    )
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST"])
    app.add_middleware(BodyLimit, max_bytes=ctx.limits.max_body_bytes)
    install_error_handlers(app)
    for group in (routes, runs, maps):
        app.include_router(group.router(ctx))
    pages.install_pages(app)
    return app
