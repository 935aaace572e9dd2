"""Worker lanes: each kind of request has its own threads, its own cap on work in flight and a time cap
that stops the work, not only the wait for it.

A request waits a few seconds for a slot in its lane, then gets 429; a lane's slots are held until
the work has really finished, so abandoned work still counts. When the time cap passes, the caller
gets 503 and the work is told to stop: long work (a scenario run) checks :meth:`Stop.check` at
each step and ends there. Lanes at low priority lower their threads' OS priority, so a burst of
heavy requests takes only the CPU that routes leave idle (the searches release the GIL).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["BusyError", "Cancelled", "LaneSpec", "Lanes", "Stop", "TooSlowError"]

T = TypeVar("T")
_POLL_SECONDS = 0.005  # how often a request waiting for a slot looks again


class BusyError(Exception):
    """Every slot of a lane stayed taken while the request waited."""

    def __init__(self, lane: str, in_flight: int) -> None:
        self.lane = lane
        self.in_flight = in_flight
        super().__init__(f"more than {in_flight} {lane} requests in flight; retry")


class TooSlowError(Exception):
    """The work passed its time cap; it has been told to stop."""


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside work whose caller has given up on it."""


class Stop:
    """A stop signal handed to work: :meth:`check` raises :class:`Cancelled` once it is set."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


@dataclass(frozen=True)
class LaneSpec:
    """A lane: worker threads, requests in flight (running and queued), lower OS priority or not."""

    workers: int
    in_flight: int
    low_priority: bool = False


class Lanes:
    """Named lanes of worker threads; :meth:`run` runs work in one under its caps."""

    def __init__(self, specs: dict[str, LaneSpec], *, wait_for_slot_seconds: float) -> None:
        self.specs = dict(specs)
        self.wait_for_slot_seconds = wait_for_slot_seconds
        self._pools = {
            name: ThreadPoolExecutor(
                spec.workers,
                thread_name_prefix=f"corridor-{name}",
                initializer=_yield_cpu if spec.low_priority else None,
            )
            for name, spec in self.specs.items()
        }
        # thread-safe counters, not asyncio ones: work releases its slot from its own thread when it ends,
        # and one app may be driven by several event loops (test clients)
        self._slots = {name: threading.BoundedSemaphore(spec.in_flight) for name, spec in self.specs.items()}

    async def run(self, lane: str, work: Callable[[Stop], T], seconds: float) -> T:
        """``work(stop)`` in ``lane``; BusyError without a slot in time, TooSlowError past ``seconds``."""
        slots = self._slots[lane]
        deadline = time.monotonic() + self.wait_for_slot_seconds
        while not slots.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise BusyError(lane, self.specs[lane].in_flight)
            await asyncio.sleep(_POLL_SECONDS)
        stop = Stop()
        try:
            future = self._pools[lane].submit(work, stop)
        except BaseException:
            slots.release()
            raise
        future.add_done_callback(lambda _f: slots.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=seconds)
        except TimeoutError:
            stop.set()
            future.cancel()  # not started yet: never starts
            raise TooSlowError from None


def _yield_cpu() -> None:
    """Lower this worker thread's CPU priority (Linux threads have their own nice value)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):  # not allowed: the lane still works, at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
