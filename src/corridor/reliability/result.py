"""What a route's transit-time distribution is reported as: percentiles, indices and each leg's part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LegSpread", "Reliability"]


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


@dataclass(frozen=True)
class LegSpread:
    """One leg's simulated hours: planned, mean, P10/P50/P90, and its share of the route's spread.

    ``spread_share`` is the leg's variance over the sum of the legs' variances (legs are drawn independently
    except where a timetabled departure makes a wait depend on the arrival time). ``assumption`` says how the leg
    was drawn (the wait formula for an irregular service, the timetable, the distribution row).
    """

    index: int
    mode: str
    from_: str
    to: str
    planned_hours: float
    mean_hours: float
    p10_hours: float
    p50_hours: float
    p90_hours: float
    spread_share: float
    assumption: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "mode": self.mode,
            "from": self.from_,
            "to": self.to,
            "planned_hours": _r(self.planned_hours),
            "mean_hours": _r(self.mean_hours),
            "p10_hours": _r(self.p10_hours),
            "p50_hours": _r(self.p50_hours),
            "p90_hours": _r(self.p90_hours),
            "spread_share": _r(self.spread_share, 4),
            "assumption": self.assumption,
        }


@dataclass(frozen=True)
class Reliability:
    """The distribution of a route's time, from a seeded Monte Carlo over its legs.

    Transit (``planned_hours`` … ``p95_hours``) runs from departure at the origin to arrival at the destination,
    as operators publish it; ``door_*`` adds the wait for the first departure and the handling at the two end
    terminals. ``planned`` is the time without delays (a connection waits only as its timetable says).
    ``buffer_index`` = (P95 − mean) / mean and ``planning_time_index`` = P95 / planned, both of transit (the FHWA
    definitions). With a departure time, ``arrival_*`` are the door-to-door arrival moments (ISO 8601, UTC).
    """

    draws: int
    seed: int
    planned_hours: float
    mean_hours: float
    p10_hours: float
    p50_hours: float
    p90_hours: float
    p95_hours: float
    door_planned_hours: float
    door_mean_hours: float
    door_p10_hours: float
    door_p50_hours: float
    door_p90_hours: float
    legs: tuple[LegSpread, ...]
    depart: str | None = None
    arrival_planned: str | None = None
    arrival_p10: str | None = None
    arrival_p50: str | None = None
    arrival_p90: str | None = None

    @property
    def buffer_index(self) -> float:
        return (self.p95_hours - self.mean_hours) / self.mean_hours if self.mean_hours > 0 else 0.0

    @property
    def planning_time_index(self) -> float:
        return self.p95_hours / self.planned_hours if self.planned_hours > 0 else 1.0

    @property
    def p50_days(self) -> float:
        return self.p50_hours / 24.0

    @property
    def p90_days(self) -> float:
        return self.p90_hours / 24.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "planned_hours": _r(self.planned_hours),
            "mean_hours": _r(self.mean_hours),
            "p10_hours": _r(self.p10_hours),
            "p50_hours": _r(self.p50_hours),
            "p90_hours": _r(self.p90_hours),
            "p95_hours": _r(self.p95_hours),
            "p50_days": _r(self.p50_days),
            "p90_days": _r(self.p90_days),
            "buffer_index": _r(self.buffer_index, 4),
            "planning_time_index": _r(self.planning_time_index, 4),
            "door_planned_hours": _r(self.door_planned_hours),
            "door_mean_hours": _r(self.door_mean_hours),
            "door_p10_hours": _r(self.door_p10_hours),
            "door_p50_hours": _r(self.door_p50_hours),
            "door_p90_hours": _r(self.door_p90_hours),
            "depart": self.depart,
            "arrival_planned": self.arrival_planned,
            "arrival_p10": self.arrival_p10,
            "arrival_p50": self.arrival_p50,
            "arrival_p90": self.arrival_p90,
            "legs": [leg.to_dict() for leg in self.legs],
        }
