"""The options of a query, checked once where they enter: one object for route, path and compare.

``QueryOptions.make(...)`` takes what a caller gives (a comma list or a list of codes, a place or
a list of places, numbers of any type) and returns a frozen, normalised value, or raises an
``OptionsError`` naming the option. Everything below (the router, the corridor comparison, the
REST request models) takes the checked value and never re-checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from corridor.constants import (
    CARBON_PRICE_MAX_USD_PER_T_CO2E,
    DEFAULT_DRAWS,
    DEFAULT_MAX_SNAP_KM,
    DEFAULT_OBJECTIVE,
    DEFAULT_PROFILE,
    MAX_DRAWS,
    MAX_SNAP_KM_LIMIT,
    PROFILES,
    ROUTABLE_MODES,
    VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR,
)
from corridor.errors import OptionsError
from corridor.routing.options import (
    check_cargo_tonnes_per_teu,
    check_number,
    check_objective,
    country_codes,
    route_modes,
    via_places,
)
from corridor.status import parse_as_of

__all__ = ["QueryOptions"]


@dataclass(frozen=True)
class QueryOptions:
    """What a route may use and what it minimises.

    ``value_of_time_usd_per_teu_hour`` and ``carbon_price_usd_per_t_co2e`` apply to the
    ``generalized`` objective only; None means the data pack's value. ``as_of`` is the day the
    question is asked for (None: the data pack's as-of date; the engine checks it lies in the
    dates the pack covers); ``profile`` is ``intermodal`` (trucks only near the ends) or ``truck``.
    ``depart`` (naive UTC) times a route on the timetables and dates its arrival; ``draws`` Monte Carlo draws
    (0: no reliability) with ``seed`` give a route's transit-time distribution. ``cargo_tonnes_per_teu`` is the
    net cargo of the TEU its ISO 14083 emissions are reported for (None: the data pack's ``teu_net_tonnes``).
    """

    objective: str = DEFAULT_OBJECTIVE
    avoid: frozenset[str] = frozenset()
    via: tuple[Any, ...] = ()
    modes: frozenset[str] = field(default_factory=lambda: frozenset(ROUTABLE_MODES))
    value_of_time_usd_per_teu_hour: float | None = None
    carbon_price_usd_per_t_co2e: float | None = None
    max_snap_km: float = DEFAULT_MAX_SNAP_KM
    as_of: date | None = None
    profile: str = DEFAULT_PROFILE
    depart: datetime | None = None
    draws: int = DEFAULT_DRAWS
    seed: int = 0
    cargo_tonnes_per_teu: float | None = None

    @classmethod
    def make(
        cls,
        *,
        objective: Any = DEFAULT_OBJECTIVE,
        avoid: Any = None,
        via: Any = None,
        modes: Any = None,
        value_of_time_usd_per_teu_hour: Any = None,
        carbon_price_usd_per_t_co2e: Any = None,
        max_snap_km: Any = DEFAULT_MAX_SNAP_KM,
        as_of: Any = None,
        profile: Any = DEFAULT_PROFILE,
        depart: Any = None,
        draws: Any = DEFAULT_DRAWS,
        seed: Any = 0,
        cargo_tonnes_per_teu: Any = None,
    ) -> QueryOptions:
        """Checked and normalised options; OptionsError naming the first bad one."""
        objective = check_objective(objective)
        vot, price = value_of_time_usd_per_teu_hour, carbon_price_usd_per_t_co2e
        if objective != "generalized" and (vot is not None or price is not None):
            raise OptionsError(
                "value of time and carbon price apply only to objective 'generalized'", option="objective"
            )
        if vot is not None:
            vot = check_number(vot, "value_of_time_usd_per_teu_hour", high=VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR)
        if price is not None:
            price = check_number(price, "carbon_price_usd_per_t_co2e", high=CARBON_PRICE_MAX_USD_PER_T_CO2E)
        return cls(
            objective=objective,
            avoid=country_codes(avoid, "avoid"),
            via=via_places(via),
            modes=route_modes(modes),
            value_of_time_usd_per_teu_hour=vot,
            carbon_price_usd_per_t_co2e=price,
            max_snap_km=check_number(max_snap_km, "max_snap_km", high=MAX_SNAP_KM_LIMIT, allow_zero=False),
            as_of=None if as_of is None else parse_as_of(as_of, (date.min, date.max)),
            profile=_check_profile(profile),
            depart=parse_depart(depart),
            draws=_check_int(draws, "draws", MAX_DRAWS),
            seed=_check_int(seed, "seed", 2**63 - 1),
            cargo_tonnes_per_teu=check_cargo_tonnes_per_teu(cargo_tonnes_per_teu),
        )

    def road_reach_km(self, carriage_max_km: float) -> float | None:
        """How far from an end a truck may go: the pack's pre/on-carriage limit for an intermodal chain, no limit
        for the truck profile or when road is the only mode allowed."""
        if self.profile == "truck" or not (self.modes - {"road"}):
            return None
        return carriage_max_km

    def coefficients(self, default_vot_usd_per_teu_hour: float, default_price_usd_per_t_co2e: float) -> np.ndarray:
        """Weights on (hours, USD, kg CO2e, km) for the objective, the pack's defaults filling the gaps."""
        from corridor.routing.route import objective_coefficients

        vot = self.value_of_time_usd_per_teu_hour
        price = self.carbon_price_usd_per_t_co2e
        return objective_coefficients(
            self.objective,
            value_of_time_usd_per_teu_hour=default_vot_usd_per_teu_hour if vot is None else vot,
            carbon_price_usd_per_t_co2e=default_price_usd_per_t_co2e if price is None else price,
        )


def parse_depart(value: Any) -> datetime | None:
    """A departure moment: a datetime or ISO 8601 text (``2026-12-07T08:00``, ``2026-12-07``); one with a time
    zone is turned into UTC, one without is taken as UTC. Returned naive (UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise OptionsError(
                f"depart {value!r} is not a date and time; use ISO 8601, e.g. 2026-12-07T08:00", option="depart"
            ) from None
    else:
        raise OptionsError(f"depart must be a date and time, not {type(value).__name__}", option="depart")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _check_int(value: Any, option: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise OptionsError(f"{option} must be a whole number, not {value!r}", option=option)
    if not 0 <= int(value) <= high:
        raise OptionsError(f"{option} must be between 0 and {high:,}, not {value}", option=option)
    return int(value)


def _check_profile(profile: Any) -> str:
    if not isinstance(profile, str) or profile not in PROFILES:
        raise OptionsError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}", option="profile")
    return profile
