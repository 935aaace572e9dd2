"""The ``corridor`` command line: a thin skin over the Python API.

Errors from corridor, and files that cannot be read or written, become one line on stderr
and exit status 1 (one boundary: :class:`_Commands`, in ``cli.boundary``); usage errors keep
Typer's status 2. No traceback reaches the user.

One module per command or group registers itself (``_MODULES``); every command gets the network
from :func:`_load` (through ``cli.loading``), so a test that replaces ``corridor.cli.app._load``
reaches them all. ``main`` imports and builds only the module of the command it runs; ``app``, the
whole app, is built on first use.
"""

from __future__ import annotations

import gc
import os
import sys
from importlib import import_module

import typer
from typer.models import CommandInfo

import corridor
from corridor.cli import loading
from corridor.cli.boundary import _Commands, _one_line
from corridor.cli.settings import current_settings, settings_callback

__all__ = ["_Commands", "_load", "_one_line", "app", "app_for", "main"]

#: The modules under ``corridor.cli`` that register the commands, in the order the help lists them, and the
#: names of the commands or groups each registers.
_MODULES: dict[str, tuple[str, ...]] = {
    "route": ("route", "path"),
    "compare": ("compare",),
    "reach": ("reach",),
    "places": ("places", "crossings"),
    "network": ("network",),
    "validate": ("validate",),
    "assign": ("assign", "calibrate"),
    "tntp": ("assign-tntp",),
    "scenario": ("scenario",),
    "sweep": ("sweep",),
    "skim": ("skim",),
    "serve": ("serve",),
    "cache": ("cache",),
}

app: typer.Typer  # the whole app: built on first use (``__getattr__``)


def _load(rebuild: bool = False) -> corridor.Network:
    """The network every command uses: the settings given before the command, a progress bar while building."""
    return corridor.Network.load(current_settings(), progress=True, rebuild=rebuild)


loading.install(lambda rebuild: _load(rebuild))  # looked up at each call: a replaced _load is the one used


def _new_app(modules: list[str]) -> typer.Typer:
    """An app with the commands these modules register."""
    new = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
    new.callback()(settings_callback)
    for module in modules:
        import_module(f"corridor.cli.{module}").register(new)
    return new


def _whole_app() -> typer.Typer:
    if "app" not in globals():
        globals()["app"] = _new_app(list(_MODULES))
    return globals()["app"]


def __getattr__(name: str) -> typer.Typer:
    """``app``, the whole app, built on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _whole_app()


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
    """The app with only the command ``args`` name (the whole app when they name none it has): its module alone is
    imported, and Typer inspects only its signature, not every command's."""
    name = _command_name(args)
    module = next((m for m, names in _MODULES.items() if name in names), None)
    if module is None:
        return _whole_app()
    one = _new_app([module])
    one.registered_commands = [c for c in one.registered_commands if _name(c) == name]
    one.registered_groups = [g for g in one.registered_groups if g.name == name]
    return one


def main() -> None:
    """Entry point of the ``corridor`` script.

    The commands do graph searches and element-wise array work, no linear algebra: numpy's BLAS is told to
    start one thread (unless the environment says otherwise), which saves about 40 ms of each start-up. When the
    command is done, the objects left are frozen out of the garbage collector, so the interpreter does not walk
    them all once more on its way out (about 30 ms)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        app_for(sys.argv[1:])()
    finally:
        gc.freeze()
