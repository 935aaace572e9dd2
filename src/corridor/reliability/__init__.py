"""Transit-time reliability: the data pack's dwell and delay distributions and their samplers."""

from corridor.reliability.families import draw, renewal_mean_wait_hours
from corridor.reliability.table import (
    COMPONENTS,
    FAMILIES,
    Distribution,
    ReliabilityTable,
    load_reliability,
    shipped_reliability,
)

__all__ = [
    "COMPONENTS",
    "FAMILIES",
    "Distribution",
    "ReliabilityTable",
    "draw",
    "load_reliability",
    "renewal_mean_wait_hours",
    "shipped_reliability",
]
