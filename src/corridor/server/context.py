"""What every route group of one app shares: the caps, the lanes and the network (loaded on first use)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import corridor
from corridor.server.lanes import Lanes, LaneSpec, Stop

__all__ = ["Context", "Limits", "json_bytes"]

T = TypeVar("T")
if TYPE_CHECKING:
    #: A loaded network, a function that loads one, or None for ``corridor.Network.load()``.
    NetworkSource = corridor.Network | Callable[[], corridor.Network] | None


@dataclass(frozen=True)
class Limits:
    """Caps that keep one server responsive: body bytes, requests in flight per lane, seconds of work.

    Each lane has its own cap on requests in flight, so a burst of one kind (map layers, compares,
    scenarios) never pushes another kind, plain routes above all, into 429.
    """

    max_body_bytes: int = 64 * 1024
    max_in_flight: int = 32  # routes, places, health
    max_in_flight_heavy: int = 16  # compare, reach
    max_in_flight_layers: int = 8  # map layers
    max_in_flight_scenarios: int = 2  # scenarios, assignments, validation: one running, one waiting
    wait_for_slot_seconds: float = 5.0
    compute_seconds: float = 20.0
    scenario_seconds: float = 180.0  # also assignments and validation runs
    max_network_features: int = 30_000
    cached_answers: int = 4096  # route and compare answers kept per process (the network never changes)
    cached_layers: int = 256  # map-layer answers kept per process
    quick_workers: int = os.cpu_count() or 2  # threads for routes and places
    heavy_workers: int = os.cpu_count() or 2  # threads for compare and reach (lower OS priority)
    layer_workers: int = 1  # threads for map layers (lower OS priority)

    def lanes(self) -> dict[str, LaneSpec]:
        return {
            "quick": LaneSpec(self.quick_workers, self.max_in_flight),
            "heavy": LaneSpec(self.heavy_workers, self.max_in_flight_heavy, low_priority=True),
            "layers": LaneSpec(self.layer_workers, self.max_in_flight_layers, low_priority=True),
            "scenario": LaneSpec(1, self.max_in_flight_scenarios, low_priority=True),
        }


@dataclass
class Context:
    """One app's caps, lanes and network."""

    source: NetworkSource
    limits: Limits
    lanes: Lanes = field(init=False)
    _net: corridor.Network | None = field(default=None, init=False)
    _loading: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.lanes = Lanes(self.limits.lanes(), wait_for_slot_seconds=self.limits.wait_for_slot_seconds)

    def net(self) -> corridor.Network:
        """The network, loaded once (lanes may ask for it at the same moment)."""
        if self._net is None:
            with self._loading:
                if self._net is None:
                    source = self.source
                    if source is None:
                        self._net = corridor.Network.load(progress=False)
                    else:
                        self._net = source() if callable(source) else source
        return self._net

    async def run(self, lane: str, work: Callable[[Stop], T], *, long: bool = False) -> T:
        """``work(stop)`` in ``lane`` under the compute cap (the scenario cap when ``long``)."""
        seconds = self.limits.scenario_seconds if long else self.limits.compute_seconds
        return await self.lanes.run(lane, work, seconds)


def json_bytes(value: Any) -> bytes:
    """A JSON answer encoded once (it may be cached as bytes), NaN and infinity as null."""
    return corridor.json_dumps(value, compact=True).encode()
