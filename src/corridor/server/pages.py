"""The map page, the API docs and the static files, all served from the package (no CDN)."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import corridor

__all__ = ["STATIC_DIR", "install_pages"]

STATIC_DIR = Path(str(resources.files("corridor").joinpath("server/static")))
VENDOR_DIR = STATIC_DIR / "vendor"  # browser libraries copied from npm by `make web`
#: In index.html, replaced by the objective the page starts with: the compare default, as everywhere.
DEFAULT_OBJECTIVE_MARK = "{{default_objective}}"

_NO_VENDOR = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>corridor</title></head><body>
<h1>corridor</h1><p>The map library is not bundled with this installation: run <code>make web</code>
(it copies MapLibre GL JS and Swagger UI from npm into the package) and reload.
The REST API works without it: <a href="/openapi.json">/openapi.json</a>.</p></body></html>"""


def page_html() -> str:
    """index.html with the default objective filled in."""
    text = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return text.replace(DEFAULT_OBJECTIVE_MARK, html.escape(corridor.DEFAULT_COMPARE_OBJECTIVE))


def install_pages(app: FastAPI) -> None:
    """``/`` (the map page), ``/docs`` (Swagger UI over /openapi.json) and ``/static``."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page():
        if not (VENDOR_DIR / "maplibre-gl.mjs").is_file():
            return HTMLResponse(_NO_VENDOR, status_code=503)
        return HTMLResponse(page_html())

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
