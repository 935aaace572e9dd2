"""The engine below the verbs: a loaded network and what route, compare, reach, assign, validate
and scenario runs need from it."""

from corridor.engine.core import Engine, pack_crossings, pack_places

__all__ = ["Engine", "pack_crossings", "pack_places"]
