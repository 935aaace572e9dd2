"""The one way a command gets the network: the loader the app installs (``corridor.cli.app._load``, looked up
at each call, so a test that replaces it reaches every command)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import corridor

__all__ = ["install", "network"]

if TYPE_CHECKING:
    Loader = Callable[[bool], corridor.Network]

_loader: Loader = lambda rebuild: corridor.Network.load(rebuild=rebuild)  # noqa: E731 - until the app installs its own


def install(loader: Loader) -> None:
    """Make ``loader(rebuild)`` the way every command gets the network."""
    global _loader
    _loader = loader


def network(rebuild: bool = False) -> corridor.Network:
    """The loaded network (built first when the cache is missing or ``rebuild``)."""
    return _loader(rebuild)
