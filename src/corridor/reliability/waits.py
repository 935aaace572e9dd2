"""The expected wait for a service's next departure: by its timetable, else from its headway and headway CV.

One rule for the network build (the hours a route is chosen on) and the simulation (the spread around them):
a timetabled service (GTFS) waits for the next departure of its week, Σh²/2Σh on average over arrival times; a
service without a timetable waits H/2·(1 + CV²) for mean headway H: half the headway when departures are evenly
spaced (CV 0), a whole headway when they come at random (a Poisson stream, CV 1), between when the data pack
gives the CV of its headways (``service_wait`` rows of ``reliability.csv``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corridor.datapack import load_pack
from corridor.reliability.table import ReliabilityTable, load_reliability, shipped_reliability
from corridor.timetables import Timetables, load_timetables, shipped_timetables

__all__ = ["Waits", "pack_waits"]


@dataclass(frozen=True)
class Waits:
    """The distributions table and the timetables of one data pack."""

    table: ReliabilityTable
    timetables: Timetables | None

    def headway_cv(self, service: str, *, irregular: bool) -> tuple[float, str]:
        """The CV of a service's headways and what it rests on: 0 for evenly spaced departures, the pack's
        ``service_wait`` row (the service's own, else the ``irregular`` default) for one that sails at random."""
        if not irregular:
            return 0.0, "evenly spaced departures"
        row = self.table.lookup("service_wait", (service, "irregular"))
        return float(row.cv), f"no timetable, headway CV {row.cv:g}"

    def expected_wait_hours(self, service: str, place_id: str, departures_per_week: float, *, irregular: bool) -> float:
        """Mean wait for a container that reaches the stop at a random time."""
        timetable = self.timetables.get(service, place_id) if self.timetables is not None else None
        if timetable is not None:
            return float(timetable.mean_wait_hours())
        if departures_per_week <= 0:
            return 0.0
        headway = 168.0 / departures_per_week
        cv, _ = self.headway_cv(service, irregular=irregular)
        return headway / 2.0 * (1.0 + cv * cv)


@functools.cache
def _shipped() -> Waits:
    return Waits(shipped_reliability(), shipped_timetables())


def pack_waits(directory: str | Path | None = None) -> Waits:
    """The waits of a data pack directory: its ``reliability.csv`` and ``timetables/``, each falling back to the
    shipped one where the directory has none (None: the shipped pack)."""
    if directory is None:
        return _shipped()
    root = Path(directory)
    shipped = resources.files("corridor").joinpath("data", "pack")
    if root.resolve() == Path(str(shipped)).resolve():
        return _shipped()
    table = (
        load_reliability(root / "reliability.csv") if (root / "reliability.csv").is_file() else shipped_reliability()
    )
    folder = root / "timetables"
    timetables = load_timetables(folder, pack=load_pack(root)) if folder.is_dir() else shipped_timetables()
    return Waits(table, timetables)
