"""``corridor serve``: the map page and the REST API."""

from __future__ import annotations

from typing import Annotated

import typer

import corridor
from corridor.cli.loading import network

__all__ = ["register", "serve"]


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (1–65535).", min=1, max=65535)] = 8000,
    cors: Annotated[
        list[str] | None, typer.Option(help="Allow browser calls from this origin (repeat); off by default.")
    ] = None,
) -> None:
    """The map page and the REST API (OpenAPI at /docs), on one process sharing one loaded network."""
    try:
        import uvicorn

        from corridor.server import create_app
    except ImportError:
        raise corridor.ExtraNotInstalledError("corridor serve", "server") from None
    net = network()
    typer.echo(f"corridor: http://{host}:{port} (API docs at /docs)", err=True)
    uvicorn.run(create_app(net, cors_origins=cors), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command()(serve)
