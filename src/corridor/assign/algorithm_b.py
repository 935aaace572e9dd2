"""Algorithm B's driver: the bushes allocated and started, each iteration's improvement and sweeps, the stop.

The work is done by the kernels of ``bush``, taken from ``native``: compiled ahead of time where that
module is built, numba's JIT otherwise. This module itself needs no numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from corridor.assign.problem import Bushes, LinkState, Net, Scratch, Trips, new_bushes

__all__ = ["INNER_PASSES", "SWEEPS", "TOLERANCE_SHARE", "class_volumes", "solve"]

#: Equilibration passes over each bush per iteration (labels recomputed before each).
INNER_PASSES = 2
#: At most this many sweeps equilibrate the bushes again (links unchanged) after each iteration's improvement;
#: they stop early once no bush moves flow. More sweeps per improvement mean fewer iterations: 32 made
#: ChicagoSketch to 1e-12 twice as fast as 8, and changed SiouxFalls and Anaheim by milliseconds.
SWEEPS = 32
#: Each iteration leaves alone the nodes whose two ways in differ by less than this share of the last gap.
TOLERANCE_SHARE = 0.01


def solve(
    net: Net,
    trips: Trips,
    state: LinkState,
    scratch: Scratch,
    kernels: Any,
    should_stop: Callable[[int, float], bool],
) -> np.ndarray:
    """Class volumes (class × link) by Algorithm B; iterates until ``should_stop(iteration, relative gap)``.

    ``kernels`` holds ``start``, ``iterate``, ``sweep``, ``rebuild`` and ``gap`` (``native.kernels``)."""
    bushes = new_bushes(net, trips)
    kernels.start(net, trips, state, scratch, bushes)
    iteration, last_gap = 0, 1.0
    while True:
        iteration += 1
        tolerance = TOLERANCE_SHARE * last_gap
        kernels.iterate(net, trips, state, scratch, bushes, INNER_PASSES, tolerance)
        for _ in range(SWEEPS):
            if not bushes.active.any():
                break
            kernels.sweep(net, trips, state, scratch, bushes, INNER_PASSES, tolerance)
        kernels.rebuild(net, trips, state, bushes)
        last_gap = float(kernels.gap(net, trips, state, scratch, bushes))
        if should_stop(iteration, last_gap):
            return class_volumes(trips, bushes)


def class_volumes(trips: Trips, bushes: Bushes) -> np.ndarray:
    """Volume per (class, link): the bush flows of each class's groups summed."""
    out = np.zeros((len(trips.weight), bushes.flow.shape[1]))
    np.add.at(out, trips.group_class, bushes.flow)
    return out
