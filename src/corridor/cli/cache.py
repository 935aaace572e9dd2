"""``corridor cache info`` and ``corridor cache clear``: what the network cache folder holds, and emptying it."""

from __future__ import annotations

import datetime as dt

import typer

import corridor
from corridor.cli.options import AsJson
from corridor.cli.settings import current_settings
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["register"]

cache_app = typer.Typer(no_args_is_help=True, help="The network cache: what it holds, and clearing it.")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


@cache_app.command("info")
def info(as_json: AsJson = False) -> None:
    """The cache folder, corridor's files in it, and which one the current code and data pack use."""
    found = corridor.cache_info(current_settings())
    if as_json:
        echo_json(found.to_dict())
        return
    state = "present" if found.current_exists else "not built yet (the next command that needs the network builds it)"
    typer.echo(f"cache folder: {found.folder}\nin use: {found.current} ({state})")
    table = new_table(None, [("file", "left"), ("size", "right"), ("modified", "left"), ("", "left")])
    for f in found.files:
        when = dt.datetime.fromtimestamp(f.modified).isoformat(sep=" ", timespec="seconds")
        note = "in use" if f.path.name == found.current else ("half-written" if f.temporary else "")
        table.add_row(f.path.name, _megabytes(f.bytes), when, note)
    table.add_section()
    table.add_row("total", _megabytes(found.bytes), "", f"{len(found.files)} files")
    out.print(table)


@cache_app.command("clear")
def clear(as_json: AsJson = False) -> None:
    """Remove corridor's files from the cache folder (nothing else there); the next load rebuilds (about a minute)."""
    removed = corridor.clear_cache(current_settings())
    if as_json:
        echo_json({"removed": [f.to_dict() for f in removed], "bytes": sum(f.bytes for f in removed)})
        return
    typer.echo(f"removed {len(removed)} files, {_megabytes(sum(f.bytes for f in removed))}")


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
