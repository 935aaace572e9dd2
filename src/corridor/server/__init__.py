"""The REST API and the map page, served by one process over the Python API."""

from corridor.server.app import Limits, create_app

__all__ = ["Limits", "create_app"]
