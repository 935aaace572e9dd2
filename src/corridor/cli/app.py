"""The ``corridor`` command line: a thin skin over the Python API.

Errors from corridor, and files that cannot be read or written, become one line on stderr
and exit status 1 (one boundary: :class:`_Commands`, in ``cli.boundary``); usage errors keep
Typer's status 2. No traceback reaches the user.

One module per command or group registers itself here; every command gets the network from
:func:`_load` (through ``cli.loading``), so a test that replaces ``corridor.cli.app._load``
reaches them all.
"""

from __future__ import annotations

import typer

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

__all__ = ["_Commands", "_load", "_one_line", "app", "main"]

app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
app.callback()(settings_callback)


def _load(rebuild: bool = False) -> corridor.Network:
    """The network every command uses: the settings given before the command, a progress bar while building."""
    return corridor.Network.load(current_settings(), progress=True, rebuild=rebuild)


loading.install(lambda rebuild: _load(rebuild))  # looked up at each call: a replaced _load is the one used
for _module in (route, compare, reach, places, network, validate, assign, scenario, sweep, skim, serve, cache):
    _module.register(app)


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()
