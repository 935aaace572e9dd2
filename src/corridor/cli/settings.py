"""``--cache-dir`` and ``--data-pack``: given before the command, kept as one ``corridor.Settings`` for it.

The values live in a context variable the app's callback sets before each command runs (the
command line handles one command per process; a test runner invoking the app again sets it anew);
they become ``corridor.Settings`` when a command first asks, so a command that needs no network
(``assign-tntp``) does not load the network code.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Annotated

import typer

import corridor

__all__ = ["current_settings", "settings_callback"]

_given: ContextVar[tuple[Path | None, Path | None] | None] = ContextVar("corridor_cli_settings", default=None)


def settings_callback(
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", help="The network cache's folder (default: $CORRIDOR_CACHE_DIR or the user cache dir)."
        ),
    ] = None,
    data_pack: Annotated[
        Path | None, typer.Option("--data-pack", help="A data-pack folder to use instead of the shipped one.")
    ] = None,
) -> None:
    """Freight routes, days, cost and CO2 on the China – Kazakhstan – Europe corridors."""
    _given.set((cache_dir, data_pack))


def current_settings() -> corridor.Settings:
    """The settings of the command being run (the defaults outside one)."""
    given = _given.get()
    if given is None:
        return corridor.Settings()
    cache_dir, data_pack = given
    return corridor.Settings(cache_dir=cache_dir, data_pack=data_pack)
