"""Modes, layers and edge flags shared by the network and the router."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["LAND_MODES", "EdgeFlag", "Layer", "Mode"]


class Mode(IntEnum):
    """How a container moves along an edge; also the ``mode`` of a route leg."""

    RAIL = 0
    ROAD = 1
    SEA = 2
    FERRY = 3
    SERVICE = 4
    TRANSFER = 5

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Mode:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown mode {text!r}; expected one of {', '.join(m.label for m in cls)}") from None


LAND_MODES = (Mode.RAIL, Mode.ROAD)


class Layer(IntEnum):
    """Which network a node belongs to."""

    RAIL = 0
    ROAD = 1
    SEA = 2
    TERMINAL = 3


class EdgeFlag(IntEnum):
    """Bits of the per-edge flag array."""

    HEALED = 1  # synthetic link bridging a small gap in an OSM-derived layer
    MISSING_LINE = 2  # known line added from the data pack
    BORDER = 4  # ends lie in different countries
    GAUGE_CHANGE = 8  # rail crossing between 1520 and 1435 mm
