"""What changes between two scenario runs: corridor answers and flows in A and B, how large each change is.

The records hold raw figures; their ``text`` (from ``corridor.scenario.readable``) is the change in words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from corridor.datapack import Place
from corridor.errors import UnknownPlaceError
from corridor.network.places import PlaceIndex
from corridor.scenario.readable import (
    NO_ROUTE,
    Pair,
    is_number,
    move_text,
    pair_text,
    percent_change,
    quantity,
    shown_change,
)

__all__ = [
    "CORRIDOR_METRICS",
    "MIN_DAYS",
    "MIN_SHARE",
    "MIN_TEU_PER_YEAR",
    "CorridorChange",
    "FlowChange",
    "Pair",
    "corridor_changes",
    "corridor_frame",
    "flow_changes",
    "pair_names",
]

#: Defaults of ``diff_scenarios``: a change below all of these is summarised in one line, not given a sentence.
MIN_DAYS = 0.1  # door-to-door, P50 or P90 days of a corridor answer
MIN_SHARE = 0.01  # of a corridor answer's USD or kg CO2e per TEU
MIN_TEU_PER_YEAR = 1_000.0  # through a service, crossing or terminal
#: A relative difference under this is rounding between two runs, not a change.
_NOISE = 1e-9

#: The figures of a corridor answer compared between A and B.
CORRIDOR_METRICS = ("days", "p50_days", "p90_days", "usd_per_teu", "kg_co2e_per_teu")
#: Those a change's sentence and its size speak of (the P50 is in the tables).
_SENTENCE_METRICS = ("days", "p90_days", "usd_per_teu", "kg_co2e_per_teu")


def _figure(value: Any) -> float | None:
    """A finite number as a float; None for NaN, infinity or a missing value (a side without a route)."""
    return float(value) if is_number(value) else None


def _changed(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return before is not after
    return abs(after - before) > _NOISE * max(abs(before), abs(after), 1.0)


def _tonnes(kg: float | None) -> float | None:
    return None if kg is None else kg / 1000.0


def _relative(before: float | None, after: float | None) -> float:
    """|after − before| / |before|; infinite where a figure appears or goes, 0 where neither side has one."""
    if before is None or after is None:
        return 0.0 if before is after else math.inf
    if before == 0:
        return 0.0 if after == 0 else math.inf
    return abs(after - before) / abs(before)


@dataclass(frozen=True)
class CorridorChange:
    """One corridor answer (a pair and a corridor family) in A and in B; a figure is None where that side has no
    route."""

    origin: str
    destination: str
    corridor: str
    corridor_name: str
    days_a: float | None
    days_b: float | None
    p50_days_a: float | None
    p50_days_b: float | None
    p90_days_a: float | None
    p90_days_b: float | None
    usd_per_teu_a: float | None
    usd_per_teu_b: float | None
    kg_co2e_per_teu_a: float | None
    kg_co2e_per_teu_b: float | None

    @property
    def is_route_change(self) -> bool:
        """Whether one side has a route and the other none."""
        return (self.days_a is None) != (self.days_b is None)

    def size(self) -> float:
        """The largest relative change of door-to-door days, P90 days, USD or kg CO2e per TEU; infinite where a
        route appears or goes. Sentences come in this order, largest first."""
        return max(_relative(getattr(self, f"{m}_a"), getattr(self, f"{m}_b")) for m in _SENTENCE_METRICS)

    def is_small(self, *, min_days: float, min_share: float) -> bool:
        """Whether door-to-door and P90 days move by less than ``min_days`` and USD and kg CO2e per TEU by less
        than ``min_share`` of themselves (a route that appears or goes is never small)."""
        if self.is_route_change:
            return False
        days = [(self.days_a, self.days_b), (self.p90_days_a, self.p90_days_b)]
        money = [(self.usd_per_teu_a, self.usd_per_teu_b), (self.kg_co2e_per_teu_a, self.kg_co2e_per_teu_b)]
        return all(a is None or b is None or abs(b - a) < min_days for a, b in days) and all(
            _relative(a, b) < min_share for a, b in money
        )

    @property
    def text(self) -> str:
        """The change in words: ``Xi'an → Duisburg (Middle Corridor): 27.5 → 27.1 days (−0.5 days)``, then the P90
        days, USD and t CO2e per TEU where they change as shown; ``16.2 days → no route`` where a route goes."""
        head = f"{pair_text((self.origin, self.destination))} ({self.corridor_name})"
        if self.days_a is None or self.days_b is None:
            return f"{head}: {quantity(self.days_a, 'days', missing=NO_ROUTE)} → " + quantity(
                self.days_b, "days", missing=NO_ROUTE
            )
        if shown_change(self.days_a, self.days_b, "days"):
            parts = [move_text(self.days_a, self.days_b, "days", share=False)]
        else:
            parts = [f"{quantity(self.days_a, 'days')}, unchanged"]
        if shown_change(self.p90_days_a, self.p90_days_b, "days"):
            parts.append("P90 " + move_text(self.p90_days_a, self.p90_days_b, "days", share=False))
        if shown_change(self.usd_per_teu_a, self.usd_per_teu_b, "usd_per_teu"):
            parts.append(move_text(self.usd_per_teu_a, self.usd_per_teu_b, "usd_per_teu", share=True))
        co2_a, co2_b = _tonnes(self.kg_co2e_per_teu_a), _tonnes(self.kg_co2e_per_teu_b)
        if shown_change(co2_a, co2_b, "t_co2e_per_teu"):
            parts.append(move_text(co2_a, co2_b, "t_co2e_per_teu", share=True))
        return f"{head}: {'; '.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        """Raw figures (None: no route), their changes, and the sentence."""
        out: dict[str, Any] = {k: getattr(self, k) for k in ("origin", "destination", "corridor", "corridor_name")}
        for m in CORRIDOR_METRICS:
            a, b = getattr(self, f"{m}_a"), getattr(self, f"{m}_b")
            out |= {f"{m}_a": a, f"{m}_b": b, f"delta_{m}": None if a is None or b is None else b - a}
        return out | {"is_route_change": self.is_route_change, "text": self.text}


@dataclass(frozen=True)
class FlowChange:
    """TEU a year through one service, crossing or terminal in A and in B."""

    kind: str
    name: str
    teu_per_year_a: float
    teu_per_year_b: float

    @property
    def delta_teu_per_year(self) -> float:
        return self.teu_per_year_b - self.teu_per_year_a

    @property
    def text(self) -> str:
        """The change in words: ``Service Aktau–Alat feeder: 12,300 → 24,600 TEU/year (+100 %)``."""
        before, after = self.teu_per_year_a, self.teu_per_year_b
        a, b = quantity(before, "teu_per_year", with_unit=False), quantity(after, "teu_per_year")
        return f"{self.kind.capitalize()} {self.name}: {a} → {b} ({percent_change(before, after)})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "teu_per_year_a": self.teu_per_year_a,
            "teu_per_year_b": self.teu_per_year_b,
            "delta_teu_per_year": self.delta_teu_per_year,
            "text": self.text,
        }


def pair_names(pairs: Iterable[Pair], places: Sequence[Place]) -> dict[Pair, Pair]:
    """Each pair as written → the pair as the data pack names its places (so ``Klaipeda`` and ``Klaipėda`` are one
    pair); text the pack does not know (coordinates) stays as written."""
    index = PlaceIndex.from_places(places)

    def name(text: str) -> str:
        try:
            return index.names[index.find(text)]
        except UnknownPlaceError:  # coordinates, or a town the pack does not hold
            return text.strip()

    return {(o, d): (name(o), name(d)) for o, d in pairs}


def corridor_frame(
    table_a: pd.DataFrame,
    names_a: dict[Pair, Pair],
    table_b: pd.DataFrame,
    names_b: dict[Pair, Pair],
    *,
    both: list[Pair],
    family_names: dict[str, str],
) -> pd.DataFrame:
    """Two corridor tables (``comparison_table``) side by side (``_a``, ``_b``, ``delta_``) for the pairs both ask,
    in the order of ``both``, their places named by ``names_a`` and ``names_b``, each family's name added."""
    keys = ["origin", "destination", "corridor"]
    asked = set(both)

    def table(t: pd.DataFrame, named: dict[Pair, Pair]) -> pd.DataFrame:
        if t.empty:
            return t.reindex(columns=[*keys, "feasible", *CORRIDOR_METRICS])
        t = t.copy()
        pairs = [named[(o, d)] for o, d in zip(t["origin"], t["destination"], strict=True)]
        t["origin"], t["destination"] = [p[0] for p in pairs], [p[1] for p in pairs]
        return t[[p in asked for p in pairs]].drop_duplicates(subset=keys)

    corridors = table(table_a, names_a).merge(table(table_b, names_b), on=keys, how="outer", suffixes=("_a", "_b"))
    order = {p: i for i, p in enumerate(both)}
    rank = [order[p] for p in zip(corridors["origin"], corridors["destination"], strict=True)]
    corridors = corridors.iloc[sorted(range(len(corridors)), key=lambda i: rank[i])].reset_index(drop=True)
    corridors.insert(3, "corridor_name", [family_names.get(c, c) for c in corridors["corridor"]])
    for metric in CORRIDOR_METRICS:
        corridors[f"delta_{metric}"] = corridors[f"{metric}_b"] - corridors[f"{metric}_a"]
    return corridors


def corridor_changes(corridors: pd.DataFrame) -> list[CorridorChange]:
    """Every corridor answer that differs between A and B (a route that appears or goes, or a figure that moves)."""
    out = []
    for row in corridors.to_dict("records"):
        figures = {f"{m}_{s}": _figure(row[f"{m}_{s}"]) for m in CORRIDOR_METRICS for s in "ab"}
        change = CorridorChange(row["origin"], row["destination"], row["corridor"], row["corridor_name"], **figures)
        if any(_changed(figures[f"{m}_a"], figures[f"{m}_b"]) for m in CORRIDOR_METRICS):
            out.append(change)
    return sorted(out, key=lambda c: -c.size())


def flow_changes(elements: pd.DataFrame) -> list[FlowChange]:
    """Every service, crossing and terminal whose TEU a year differ between A and B, in the order of ``elements``
    (largest change first)."""
    a, b = elements["teu_per_year_a"].to_numpy(dtype=float), elements["teu_per_year_b"].to_numpy(dtype=float)
    rows = zip(elements["kind"], elements["name"], a.tolist(), b.tolist(), strict=True)
    return [FlowChange(str(k), str(n), before, after) for k, n, before, after in rows if _changed(before, after)]
