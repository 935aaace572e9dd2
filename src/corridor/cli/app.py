"""The ``corridor`` command line: a thin skin over the Python API.

Errors from corridor, and files that cannot be read or written, become one line on stderr
and exit status 1 (one boundary: :class:`_Commands`, in ``cli.boundary``); usage errors keep
Typer's status 2. No traceback reaches the user.

One module per command or group registers itself here; every command gets the network from
:func:`_load` (through ``cli.loading``), so a test that replaces ``corridor.cli.app._load``
reaches them all.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.models import CommandInfo

import corridor
from corridor.cli import (
    assign,
    cache,
    compare,
    loading,
    network,
    places,
    reach,
    route,
    scenario,
    serve,
    skim,
    sweep,
    validate,
)
from corridor.cli.boundary import _Commands, _one_line
from corridor.cli.settings import current_settings, settings_callback

__all__ = ["_Commands", "_load", "_one_line", "app", "app_for", "main"]

app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
app.callback()(settings_callback)


def _load(rebuild: bool = False) -> corridor.Network:
    """The network every command uses: the settings given before the command, a progress bar while building."""
    return corridor.Network.load(current_settings(), progress=True, rebuild=rebuild)


loading.install(lambda rebuild: _load(rebuild))  # looked up at each call: a replaced _load is the one used
for _module in (route, compare, reach, places, network, validate, assign, scenario, sweep, skim, serve, cache):
    _module.register(app)


#: Options of the app itself that take a value (given before the command).
_APP_OPTIONS_WITH_VALUE = ("--cache-dir", "--data-pack")


def _command_name(args: list[str]) -> str | None:
    """The command named on a command line: its first word that is neither an option nor an option's value."""
    words = iter(args)
    for word in words:
        if word in _APP_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _name(command: CommandInfo) -> str | None:
    """A registered command's name: given, or its function's with dashes (Typer's rule)."""
    if command.name or command.callback is None:
        return command.name
    return command.callback.__name__.replace("_", "-")


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` name (the whole app when they name none it has): Typer inspects
    every command's signature before it runs one, which is a third of a small command's start-up."""
    name = _command_name(args)
    commands = [c for c in app.registered_commands if _name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=app.info.help)
    one.callback()(settings_callback)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main() -> None:
    """Entry point of the ``corridor`` script.

    The commands do graph searches and element-wise array work, no linear algebra: numpy's BLAS is told to
    start one thread (unless the environment says otherwise), which saves about 40 ms of each start-up."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    app_for(sys.argv[1:])()
