"""Numbers as people read them in scenario comparisons: units, sensible precision, signed changes.

Only for text meant for people (terminal tables, sentences, HTML); JSON keeps the raw numbers.
A missing or non-finite value is never printed as ``nan``: the caller says what it means
(``no route`` for a corridor without one, a dash where a figure does not apply).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any, Literal

import pandas as pd

__all__ = [
    "CORRIDOR_CELLS",
    "MINUS",
    "NO_PAIR_IN_COMMON",
    "NO_ROUTE",
    "Pair",
    "Unit",
    "corridor_rows",
    "country_rows",
    "flow_rows",
    "is_number",
    "move_text",
    "no_route_line",
    "pair_text",
    "percent",
    "percent_change",
    "quantity",
    "rerouted_rows",
    "shown_change",
    "smaller_corridors_line",
    "smaller_flows_line",
    "summary_lines",
]

#: The minus sign (U+2212), not the hyphen, in front of negative figures and changes.
MINUS = "\u2212"
#: What a corridor answer without a route reads as.
NO_ROUTE = "no route"
#: What a comparison of two scenarios that ask different pairs says about corridors.
NO_PAIR_IN_COMMON = "The two scenarios ask no pair in common: no corridor answer to compare."

Pair = tuple[str, str]

Unit = Literal["days", "usd_per_teu", "t_co2e_per_teu", "teu_per_year", "teu_km_per_year", "teu_hours_per_year"]

#: unit: (decimals, how the unit is written after a number)
_UNITS: dict[str, tuple[int, str]] = {
    "days": (1, "days"),
    "usd_per_teu": (0, "USD/TEU"),
    "t_co2e_per_teu": (2, "t CO2e/TEU"),
    "teu_per_year": (0, "TEU/year"),
    "teu_km_per_year": (0, "TEU-km/year"),
    "teu_hours_per_year": (0, "TEU-hours/year"),
}


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite real number (not None, NaN, infinity, text or a bool)."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _digits(value: float, decimals: int, *, signed: bool) -> str:
    """``value`` to ``decimals`` places with thousands separators; a sign in front when ``signed`` (none on a
    figure that rounds to zero) and always the minus sign U+2212 for a negative one."""
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text
    if value < 0:
        return MINUS + text
    return "+" + text if signed else text


def quantity(value: object, unit: Unit, *, signed: bool = False, with_unit: bool = True, missing: str = "—") -> str:
    """A figure in ``unit`` as text: ``27.5 days``, ``7,052 USD/TEU``, ``2.43 t CO2e/TEU``, ``38,000 TEU/year``;
    ``signed`` for a change (``−0.5 days``); ``with_unit=False`` for a table cell whose header names the unit;
    ``missing`` for None, NaN or infinity.

    >>> quantity(251831587.818855, "teu_hours_per_year")
    '251,831,588 TEU-hours/year'
    >>> quantity(-1.26, "days", signed=True)
    '−1.3 days'
    >>> quantity(float("nan"), "days", missing="no route")
    'no route'
    """
    if unit not in _UNITS:
        raise ValueError(f"unit {unit!r}: expected one of {', '.join(_UNITS)}")
    if not is_number(value):
        return missing
    decimals, written = _UNITS[unit]
    text = _digits(float(value), decimals, signed=signed)  # type: ignore[arg-type]
    return f"{text} {written}" if with_unit else text


def percent(share: object, *, missing: str = "—") -> str:
    """A share (0.27) as a percentage without a sign (``27 %``), as for utilisation."""
    if not is_number(share):
        return missing
    return f"{_digits(100.0 * float(share), 0, signed=False)} %"  # type: ignore[arg-type]


def percent_change(before: object, after: object, *, missing: str = "—") -> str:
    """The change from ``before`` to ``after`` in per cent, with its sign: ``+100 %``, ``−1.7 %`` (one decimal
    under 10 %); ``new`` from zero to something, ``0 %`` from zero to zero.

    >>> percent_change(12_300, 24_600), percent_change(0, 5)
    ('+100 %', 'new')
    """
    if not (is_number(before) and is_number(after)):
        return missing
    a, b = float(before), float(after)  # type: ignore[arg-type]
    if a == 0:
        return "0 %" if b == 0 else "new"
    change = 100.0 * (b - a) / abs(a)
    return f"{_digits(change, 1 if abs(change) < 10 else 0, signed=True)} %"


# --- sentences ---------------------------------------------------------------------------------------------------


def pair_text(pair: tuple[str, str]) -> str:
    """``Xi'an → Duisburg``."""
    return f"{pair[0]} → {pair[1]}"


def shown_change(before: float | None, after: float | None, unit: Unit) -> bool:
    """Whether the change from ``before`` to ``after`` shows at the precision ``unit`` is written with."""
    return quantity(before, unit) != quantity(after, unit)


def move_text(before: float | None, after: float | None, unit: Unit, *, share: bool) -> str:
    """``27.5 → 27.1 days (−0.5 days)``, with the change in per cent too when ``share``."""
    a, b = quantity(before, unit, with_unit=False), quantity(after, unit)
    delta = quantity(None if before is None or after is None else after - before, unit, signed=True)
    tail = f"{delta}, {percent_change(before, after)}" if share else delta
    return f"{a} → {b} ({tail})"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def smaller_corridors_line(n: int, *, min_days: float, min_share: float) -> str | None:
    """``n`` corridor answers that change by less than the thresholds, in one line (None if there are none)."""
    if not n:
        return None
    share = percent(min_share)
    days = quantity(min_days, "days")
    what = _count(n, "more corridor answer changes", "more corridor answers change")
    return f"{what} by less than {days} and {share} in USD/TEU and CO2e/TEU (not listed)."


def smaller_flows_line(n: int, teu_per_year: float, *, min_teu_per_year: float) -> str | None:
    """``n`` flows that change by less than the threshold, ``teu_per_year`` in all, in one line (None if there
    are none)."""
    if not n:
        return None
    moved = quantity(teu_per_year, "teu_per_year")
    limit = quantity(min_teu_per_year, "teu_per_year")
    what = _count(n, "more flow changes", "more flows change")
    return f"{what} by less than {limit} each ({moved} in all; not listed)."


def summary_lines(
    summary: dict[str, Any], *, both: Iterable[Pair], only_a: Iterable[Pair], only_b: Iterable[Pair]
) -> list[str]:
    """Which scenario is which, the TEU-hours, the binding capacity and rerouted demand pairs (from a diff's
    ``summary``), the pairs both ask and those only one asks, a line each."""
    s = summary
    a, b, both, only_a, only_b = s["a"], s["b"], list(both), list(only_a), list(only_b)
    hours_a, hours_b = s["teu_hours_per_year_a"], s["teu_hours_per_year_b"]
    hours = quantity(hours_a, "teu_hours_per_year", with_unit=False) + " → " + quantity(hours_b, "teu_hours_per_year")
    binding_a, binding_b = s["binding_capacity_a"], s["binding_capacity_b"]
    binding = (
        f"Binding capacity in both: {binding_a}."
        if binding_a == binding_b
        else f"Binding capacity: {binding_a} → {binding_b}."
    )
    lines = [
        f"B = {b} against A = {a}.",
        f"Total time in transit: {hours} ({percent_change(hours_a, hours_b)}).",
        binding,
        f"Demand pairs that change route: {s['od_pairs_rerouted']:,}.",
    ]
    if both:
        lines.append(f"Pairs both ask: {'; '.join(pair_text(p) for p in both)}.")
    else:
        lines.append(NO_PAIR_IN_COMMON)
    if only_a:
        lines.append(f"Asked only in A ({a}): {'; '.join(pair_text(p) for p in only_a)}.")
    if only_b:
        lines.append(f"Asked only in B ({b}): {'; '.join(pair_text(p) for p in only_b)}.")
    return lines


# --- tables as text, headers in words with units -------------------------------------------------------------------


def _cells(values: Iterable[object], unit: Unit, *, signed: bool = False, missing: str = "—") -> list[str]:
    """Table cells of figures in ``unit`` (the header names the unit)."""
    return [quantity(v, unit, signed=signed, with_unit=False, missing=missing) for v in values]


def _percent_cells(before: Iterable[object], after: Iterable[object]) -> list[str]:
    return [percent_change(a, b) for a, b in zip(before, after, strict=True)]


def _without_route(c: pd.DataFrame) -> pd.Series:
    """Per row of a diff's ``corridors``: whether neither scenario has a route."""
    mask = [not (is_number(a) or is_number(b)) for a, b in zip(c["days_a"], c["days_b"], strict=True)]
    return pd.Series(mask, index=c.index, dtype=bool)


def _move_cell(before: object, after: object, unit: Unit) -> str:
    """One figure of a corridor answer in A and B: ``27.5 → 27.1 (−0.5)``; ``44.7`` when the same in both (at the
    precision shown); ``16.2 → no route`` where a route goes."""
    a = quantity(before, unit, with_unit=False, missing=NO_ROUTE)
    b = quantity(after, unit, with_unit=False, missing=NO_ROUTE)
    if a == b:
        return a
    if not (is_number(before) and is_number(after)):
        return f"{a} → {b}"
    delta = quantity(float(after) - float(before), unit, signed=True, with_unit=False)  # type: ignore[arg-type]
    return f"{a} → {b} ({delta})"


#: The figures of the corridor table: (key in ``ScenarioDiff.corridors``, unit, factor to the unit, header).
_CORRIDOR_COLUMNS: tuple[tuple[str, Unit, float, str], ...] = (
    ("days", "days", 1.0, "Days door to door"),
    ("p50_days", "days", 1.0, "P50 transit days"),
    ("p90_days", "days", 1.0, "P90 transit days"),
    ("usd_per_teu", "usd_per_teu", 1.0, "USD/TEU"),
    ("kg_co2e_per_teu", "t_co2e_per_teu", 1e-3, "t CO2e/TEU"),
)

#: Under the corridor table: how to read its cells.
CORRIDOR_CELLS = (
    "Each cell: A → B (change), or one figure when A and B are the same. P50 / P90: the transit days (terminal to "
    "terminal) that half and nine in ten containers beat, from each route's Monte Carlo draws."
)


def corridor_rows(corridors: pd.DataFrame) -> pd.DataFrame:
    """The corridor answers of the pairs both scenarios ask: days door to door, P50 and P90 transit days, USD and
    t CO2e per TEU, each cell ``A → B (change)`` (``no route`` where a side has none). Answers without a route in
    either scenario are left out: ``no_route_line`` names them."""
    c = corridors[~_without_route(corridors)]
    out = pd.DataFrame(
        {
            "Pair": [pair_text(p) for p in zip(c["origin"], c["destination"], strict=True)],
            "Corridor": [str(x) for x in c["corridor_name"]],
        }
    )
    for key, unit, scale, header in _CORRIDOR_COLUMNS:
        a, b = (c[f"{key}_a"] * scale).tolist(), (c[f"{key}_b"] * scale).tolist()
        out[header] = [_move_cell(x, y, unit) for x, y in zip(a, b, strict=True)]
    return out


def no_route_line(corridors: pd.DataFrame) -> str | None:
    """The corridor families without a route in either scenario, with their pairs (None if there are none)."""
    c = corridors[_without_route(corridors)]
    if c.empty:
        return None
    every = len(set(zip(corridors["origin"], corridors["destination"], strict=True)))
    parts = []
    for name, rows in c.groupby("corridor_name", sort=False):
        pairs = list(zip(rows["origin"], rows["destination"], strict=True))
        which = f"all {every} pairs" if len(pairs) == every > 1 else "; ".join(pair_text(p) for p in pairs)
        parts.append(f"{name} ({which})")
    return f"No route in either scenario: {', '.join(parts)}."


def flow_rows(elements: pd.DataFrame) -> pd.DataFrame:
    """TEU a year and utilisation through each service, crossing and terminal in A and B, largest change first."""
    e = elements
    return pd.DataFrame(
        {
            "Kind": [str(k) for k in e["kind"]],
            "Name": [str(n) for n in e["name"]],
            "TEU/year A": _cells(e["teu_per_year_a"], "teu_per_year"),
            "TEU/year B": _cells(e["teu_per_year_b"], "teu_per_year"),
            "Change, TEU/year": _cells(e["delta_teu_per_year"], "teu_per_year", signed=True),
            "Change, %": _percent_cells(e["teu_per_year_a"], e["teu_per_year_b"]),
            "Utilisation A": [percent(v) for v in e["utilisation_a"]],
            "Utilisation B": [percent(v) for v in e["utilisation_b"]],
        }
    )


def country_rows(countries: pd.DataFrame) -> pd.DataFrame:
    """TEU-km a year per country in A and B, largest change first."""
    c = countries
    return pd.DataFrame(
        {
            "Country": [str(x) for x in c["country"]],
            "TEU-km/year A": _cells(c["teu_km_per_year_a"], "teu_km_per_year"),
            "TEU-km/year B": _cells(c["teu_km_per_year_b"], "teu_km_per_year"),
            "Change, TEU-km/year": _cells(c["delta_teu_km_per_year"], "teu_km_per_year", signed=True),
            "Change, %": _percent_cells(c["teu_km_per_year_a"], c["teu_km_per_year_b"]),
        }
    )


def rerouted_rows(od: pd.DataFrame) -> pd.DataFrame:
    """The demand pairs (and shipper classes) whose route changes; a dash where a side does not carry the pair."""
    od = od[od["route_changed"]]

    def route(text: object) -> str:
        return text if isinstance(text, str) and text else "—"

    return pd.DataFrame(
        {
            "Origin": [str(x) for x in od["origin"]],
            "Destination": [str(x) for x in od["destination"]],
            "Shipper class": [str(x) for x in od["class"]],
            "TEU/year A": _cells(od["teu_per_year_a"], "teu_per_year"),
            "TEU/year B": _cells(od["teu_per_year_b"], "teu_per_year"),
            "Route in A": [route(x) for x in od["route_a"]],
            "Route in B": [route(x) for x in od["route_b"]],
        }
    )
