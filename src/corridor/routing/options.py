"""Checks for the options of route, path, compare and reach, done once where they enter the API.

A wrong type or value (``via=5``, ``avoid=[5]``, a NaN value of time, an infinite budget) must
be refused with an ``OptionsError`` that names the option, never slip through as a TypeError or
surface later as "no route" (a NaN weight is silently never relaxed by the search).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

from corridor.constants import (
    CARBON_PRICE_MAX_USD_PER_T_CO2E,
    MAX_SNAP_KM_LIMIT,
    OBJECTIVES,
    REACH_MAX_DAYS,
    REACH_MAX_USD_PER_TEU,
    ROUTABLE_MODES,
    VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR,
)
from corridor.errors import OptionsError

__all__ = [
    "CARBON_PRICE_MAX_USD_PER_T_CO2E",
    "CARGO_MAX_TONNES_PER_TEU",
    "MAX_SNAP_KM_LIMIT",
    "OBJECTIVES",
    "REACH_MAX_DAYS",
    "REACH_MAX_USD_PER_TEU",
    "ROUTABLE_MODES",
    "VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR",
    "check_cargo_tonnes_per_teu",
    "check_number",
    "check_objective",
    "country_codes",
    "name_list",
    "optional_text",
    "route_modes",
    "via_places",
]


def check_number(value: Any, option: str, *, high: float, allow_zero: bool = True) -> float:
    """``value`` as a float in [0, high] (or (0, high]); OptionsError naming ``option`` otherwise.

    Booleans are refused: ``days=True`` is a mistake, not one day.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise OptionsError(f"{option} must be a number, got {value!r}", option=option)
    number = float(value)
    if not math.isfinite(number):
        raise OptionsError(f"{option} must be a finite number, got {number}", option=option)
    low_ok = number > 0 if not allow_zero else number >= 0
    if not low_ok or number > high:
        bound = "> 0" if not allow_zero else ">= 0"
        raise OptionsError(f"{option} must be {bound} and at most {high:g}, got {number:g}", option=option)
    return number


#: The most net cargo a TEU may be said to carry, t (a 20' box grosses at most about 30 t with its tare).
CARGO_MAX_TONNES_PER_TEU = 30.0


def check_cargo_tonnes_per_teu(value: Any) -> float | None:
    """None (the data pack's default) or the cargo weight of a TEU, a finite number in (0, 30] tonnes; an
    OptionsError naming ``cargo_tonnes_per_teu`` otherwise."""
    if value is None:
        return None
    return check_number(value, "cargo_tonnes_per_teu", high=CARGO_MAX_TONNES_PER_TEU, allow_zero=False)


def _items(values: Any, option: str, what: str) -> list[str]:
    """The text items of a comma-separated string or an iterable of strings."""
    if isinstance(values, str):
        return values.split(",")
    if isinstance(values, bytes | bytearray) or not isinstance(values, Iterable):
        raise OptionsError(f"{option} must be {what}, got {values!r}", option=option)
    items = list(values)
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise OptionsError(f"{option} must be {what}; {bad[0]!r} is not text", option=option)
    return items


def country_codes(values: Iterable[str] | str | None, option: str) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes from a comma list ("RU,BY") or an iterable of codes, upper-cased."""
    if values is None:
        return frozenset()
    what = "ISO 3166-1 alpha-2 codes, as a list or comma-separated text (e.g. RU,BY)"
    codes = frozenset(v.strip().upper() for v in _items(values, option, what) if v.strip())
    bad = sorted(c for c in codes if len(c) != 2 or not c.isascii() or not c.isalpha())
    if bad:
        raise OptionsError(f"{option}: {', '.join(bad)} is not an ISO 3166-1 alpha-2 code (e.g. RU, BY)", option=option)
    return codes


def route_modes(modes: Iterable[str] | str | None) -> frozenset[str]:
    """Allowed modes (default: all), from a comma list or an iterable of mode names."""
    if modes is None:
        return frozenset(ROUTABLE_MODES)
    what = f"some of {', '.join(ROUTABLE_MODES)}, as a list or comma-separated text"
    mode_set = frozenset(m.strip().lower() for m in _items(modes, "modes", what) if m.strip())
    unknown = sorted(mode_set - set(ROUTABLE_MODES))
    if unknown:
        raise OptionsError(
            f"unknown mode {', '.join(unknown)}; expected some of {', '.join(ROUTABLE_MODES)}", option="modes"
        )
    if not mode_set:
        raise OptionsError("modes is empty; allow at least one mode", option="modes")
    return mode_set


def _is_pair(value: Any) -> bool:
    """A (lat, lon) pair of numbers: one place, not two."""
    return (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
    )


def via_places(via: Any) -> tuple[Any, ...]:
    """The via places in visiting order: one place (name, 'lat,lon' or a pair) or a sequence of them.

    The places themselves are checked when resolved (UnknownPlaceError, or CoordinateError naming
    ``via``); an unordered set or a non-sequence is refused here.
    """
    if via is None:
        return ()
    if isinstance(via, str) or _is_pair(via):
        return (via,)
    if isinstance(via, set | frozenset | dict | bytes | bytearray) or not isinstance(via, Iterable):
        raise OptionsError(f"via must be a place or a list of places in visiting order, got {via!r}", option="via")
    return tuple(via)


def check_objective(objective: Any) -> str:
    """The objective name, or OptionsError listing the known ones."""
    if not isinstance(objective, str) or objective not in OBJECTIVES:
        raise OptionsError(
            f"unknown objective {objective!r}; expected one of {', '.join(OBJECTIVES)}", option="objective"
        )
    return objective


def optional_text(value: Any, option: str) -> str | None:
    """None or a non-empty string (a corridor id, a gateway name)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise OptionsError(f"{option} must be a non-empty name, got {value!r}", option=option)
    return value


def name_list(values: Any, option: str) -> list[str] | None:
    """None, or names from a comma list or an iterable of strings (corridor ids)."""
    if values is None:
        return None
    names = [v.strip() for v in _items(values, option, "names, as a list or comma-separated text") if v.strip()]
    if not names:
        raise OptionsError(f"{option} is empty; name at least one", option=option)
    return names
