"""Corridor comparison: the best route through each corridor family of the data pack, side by side.

A family (``corridors.csv``) is a set of routing rules — places to pass in order, countries
to avoid, modes allowed — so adding a corridor is a data change, not a code change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor.errors import CorridorError, DataError, OptionsError
from corridor.results import Route

if TYPE_CHECKING:
    from corridor.api import Network
    from corridor.datapack import CorridorFamily

__all__ = ["CorridorOption", "compare_corridors", "comparison_table", "read_pairs"]


@dataclass(frozen=True)
class CorridorOption:
    """One corridor family's answer for one origin–destination pair (``route`` None when infeasible)."""

    corridor: str
    name: str
    route: Route | None
    reason: str = ""

    @property
    def feasible(self) -> bool:
        return self.route is not None

    @property
    def gauge_changes(self) -> int:
        return sum(1 for b in self.route.border_crossings if b.gauge_change) if self.route else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``corridor compare --json``: one object per family."""
        r = self.route
        return {
            "corridor": self.corridor,
            "name": self.name,
            "feasible": self.feasible,
            "days": round(r.days, 2) if r else None,
            "usd_per_teu": round(r.usd_per_teu, 2) if r else None,
            "kg_co2e_per_teu": round(r.kg_co2e_per_teu, 2) if r else None,
            "countries": list(r.countries) if r else [],
            "border_crossings": len(r.border_crossings) if r else 0,
            "gauge_changes": self.gauge_changes,
            "route": r.to_dict() if r else self.reason,
        }


def _family_route(
    net: Network, origin: str, destination: str, family: CorridorFamily, *, extra_avoid=frozenset(), **options
) -> CorridorOption:
    via = [net.pack.place(pid).name for pid in family.via]
    try:
        route = net.route(
            origin,
            destination,
            via=via,
            avoid=set(family.avoid) | set(extra_avoid),
            modes=list(family.modes) or None,
            **options,
        )
    except CorridorError as exc:
        return CorridorOption(family.id, family.name, None, str(exc))
    return CorridorOption(family.id, family.name, route)


def compare_corridors(
    net: Network,
    origin: str,
    destination: str,
    *,
    corridors: list[str] | None = None,
    objective: str = "generalized",
    value_of_time_usd_per_teu_hour: float | None = None,
    carbon_price_usd_per_t_co2e: float | None = None,
    avoid: frozenset[str] = frozenset(),
) -> list[CorridorOption]:
    """The best route through each corridor family (all of them, or those named), in pack order.

    ``avoid`` closes countries for every family (a scenario's closures).

    A family that cannot serve the pair (an end in an avoided country, no route under its
    rules) comes back with ``feasible`` False and the reason.
    """
    families = {f.id: f for f in net.pack.corridors}
    chosen = list(families) if corridors is None else list(corridors)
    unknown = [c for c in chosen if c not in families]
    if unknown:
        raise OptionsError(
            f"unknown corridor {', '.join(unknown)}; the data pack defines {', '.join(families)}", option="corridors"
        )
    # bad places or options fail once, for all families, rather than as "infeasible" rows
    net.router.resolve(origin, modes=frozenset({"rail", "road"}), max_snap_km=50.0)
    net.router.resolve(destination, modes=frozenset({"rail", "road"}), max_snap_km=50.0, option="destination")
    options: dict[str, Any] = {"objective": objective}
    if objective == "generalized":
        options["value_of_time_usd_per_teu_hour"] = value_of_time_usd_per_teu_hour
        options["carbon_price_usd_per_t_co2e"] = carbon_price_usd_per_t_co2e
    elif value_of_time_usd_per_teu_hour is not None or carbon_price_usd_per_t_co2e is not None:
        raise OptionsError("value of time and carbon price apply only to objective 'generalized'", option="objective")
    return [_family_route(net, origin, destination, families[c], extra_avoid=avoid, **options) for c in chosen]


def comparison_table(options_by_pair: dict[tuple[str, str], list[CorridorOption]]) -> pd.DataFrame:
    """One row per pair and corridor family: feasible, days, USD, kg CO2e, borders, gauge changes, why not."""
    rows = []
    for (origin, destination), options in options_by_pair.items():
        for o in options:
            r = o.route
            rows.append(
                {
                    "origin": origin,
                    "destination": destination,
                    "corridor": o.corridor,
                    "feasible": o.feasible,
                    "days": r.days if r else float("nan"),
                    "usd_per_teu": r.usd_per_teu if r else float("nan"),
                    "kg_co2e_per_teu": r.kg_co2e_per_teu if r else float("nan"),
                    "border_crossings": len(r.border_crossings) if r else 0,
                    "gauge_changes": o.gauge_changes,
                    "why_not": o.reason,
                }
            )
    return pd.DataFrame(rows)


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    """Origin–destination pairs from a CSV with ``origin`` and ``destination`` columns (e.g. a demand file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})", path=str(path)) from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"origin", "destination"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise DataError(f"{path}: line 1: header needs 'origin' and 'destination' columns", path=str(path))
    pairs = []
    for row in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row["origin"] or not row["destination"]:
            raise DataError(f"{path}: line {reader.line_num}: origin and destination must not be empty")
        pairs.append((row["origin"], row["destination"]))
    if not pairs:
        raise DataError(f"{path}: no pairs")
    return list(dict.fromkeys(pairs))
