"""Corridor comparison: the best route through each corridor family of the data pack, side by side.

A family (``corridors.csv``) is a set of routing rules — places to pass in order, countries
to avoid, modes allowed — so adding a corridor is a data change, not a code change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from corridor.errors import CorridorError, FileFormatError, NoRouteError, OptionsError
from corridor.options import QueryOptions
from corridor.results import Route
from corridor.routing.options import name_list

if TYPE_CHECKING:
    from corridor.datapack import CorridorFamily
    from corridor.engine import Engine
    from corridor.network.places import PlaceQuery

__all__ = ["CorridorOption", "PairRow", "compare_corridors", "comparison_table", "read_pairs"]


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
    def p50_days(self) -> float | None:
        """Median transit days (terminal to terminal) of the family's route, when its reliability was drawn."""
        rel = self.route.reliability if self.route else None
        return rel.p50_hours / 24.0 if rel else None

    @property
    def p90_days(self) -> float | None:
        """Transit days that 90 % of containers beat on the family's route."""
        rel = self.route.reliability if self.route else None
        return rel.p90_hours / 24.0 if rel else None

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
            "p50_days": None if self.p50_days is None else round(self.p50_days, 2),
            "p90_days": None if self.p90_days is None else round(self.p90_days, 2),
            "usd_per_teu": round(r.usd_per_teu, 2) if r else None,
            "kg_co2e_per_teu": round(r.kg_co2e_per_teu, 2) if r else None,
            "countries": list(r.countries) if r else [],
            "border_crossings": len(r.border_crossings) if r else 0,
            "gauge_changes": self.gauge_changes,
            "route": r.to_dict() if r else self.reason,
        }


def _family_route(
    engine: Engine,
    origin: PlaceQuery,
    destination: PlaceQuery,
    family: CorridorFamily,
    options: QueryOptions,
    ends: frozenset[str],
) -> CorridorOption:
    """The family's best route: its via places and modes, its avoided countries added to the caller's.

    A family avoids countries in transit: the countries of the two ends (``ends``) stay open (pre- and
    on-carriage reach a port or a terminal from there). A via place the route passes only after the
    destination is dropped. A family that cannot serve the pair says why in terms of its own rules.
    """
    family_avoid = frozenset(family.avoid) - ends
    rules = replace(
        options,
        via=tuple(engine.pack.place(v).name if v in engine.pack.place_ids else v for v in family.via),
        avoid=options.avoid | family_avoid,
        modes=frozenset(family.modes) or options.modes,
    )
    try:
        route = engine.family_route(origin, destination, rules)
    except NoRouteError as exc:
        return CorridorOption(family.id, family.name, None, _why_not(family, family_avoid, exc))
    except CorridorError as exc:
        return CorridorOption(family.id, family.name, None, str(exc))
    return CorridorOption(family.id, family.name, route)


def _why_not(family: CorridorFamily, family_avoid: frozenset[str], exc: NoRouteError) -> str:
    """Why a family has no route, in its own rules: its via places, avoided countries and modes, and any closed
    element (a suspended service, a closed crossing) its best route would need."""
    rules = []
    if family.via:
        rules.append(f"via {', '.join(family.via)}")
    if family_avoid:
        rules.append(f"avoiding {', '.join(sorted(family_avoid))}")
    if family.modes:
        rules.append(f"by {', '.join(family.modes)}")
    text = f"no route under the {family.name} rules ({'; '.join(rules) or 'none'})"
    closed = exc.constraints.get("closed")
    if closed:
        text += ": the best such route would need " + "; ".join(c["text"] for c in closed)
    return text


def compare_corridors(
    engine: Engine,
    origin: PlaceQuery,
    destination: PlaceQuery,
    options: QueryOptions,
    *,
    corridors: list[str] | str | None = None,
) -> list[CorridorOption]:
    """The best route through each corridor family (all of them, or those named), in pack order.

    ``options`` give the objective and its figures, and countries closed for every family (a
    scenario's closures); each family brings its own via places, modes and avoided countries.
    ``corridors`` is a list of family ids or a comma list. Families and both ends are checked
    before any family is routed, so a bad input is one error, not a row of "infeasible" families.

    A family that cannot serve the pair (an end in an avoided country, no route under its
    rules) comes back with ``feasible`` False and the reason.
    """
    families = {f.id: f for f in engine.pack.corridors}
    named = name_list(corridors, "corridors")
    chosen = list(families) if named is None else named
    unknown = [c for c in chosen if c not in families]
    if unknown:
        raise OptionsError(
            f"unknown corridor {', '.join(map(repr, unknown))}; the data pack defines {', '.join(families)}",
            option="corridors",
        )
    ends = frozenset(engine.end_countries(origin, destination))  # checks both ends once, before any family
    engine.as_of(options)  # a day outside the pack is one error, not a row of infeasible families
    return [_family_route(engine, origin, destination, families[c], options, ends) for c in chosen]


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
                    "p50_days": o.p50_days if o.p50_days is not None else float("nan"),
                    "p90_days": o.p90_days if o.p90_days is not None else float("nan"),
                    "usd_per_teu": r.usd_per_teu if r else float("nan"),
                    "kg_co2e_per_teu": r.kg_co2e_per_teu if r else float("nan"),
                    "border_crossings": len(r.border_crossings) if r else 0,
                    "gauge_changes": o.gauge_changes,
                    "why_not": o.reason,
                }
            )
    return pd.DataFrame(rows)


#: A matrix compare routes every pair through every family: bound the file before reading it.
MAX_PAIRS_FILE_BYTES = 4 * 1024 * 1024
MAX_PAIRS = 2_000


@dataclass(frozen=True)
class PairRow:
    """One row of a pairs file: its line, its two ends, and why it cannot be used ("" when it can)."""

    line: int
    origin: str
    destination: str
    problem: str = ""


@overload
def read_pairs(path: str | Path, *, rows: Literal[False] = False) -> list[tuple[str, str]]: ...
@overload
def read_pairs(path: str | Path, *, rows: Literal[True]) -> list[PairRow]: ...
def read_pairs(path: str | Path, *, rows: bool = False) -> list[tuple[str, str]] | list[PairRow]:
    """Origin–destination pairs from a CSV with ``origin`` and ``destination`` columns (e.g. a demand file).

    By default the distinct pairs, and a row with an empty end is an error. ``rows=True`` gives every row instead,
    as a :class:`PairRow` with its line number, a row with an empty end carrying the reason in ``problem``: a
    batch can then answer the other rows and report that one.

    Errors are FileFormatError naming the file and line: unreadable, not UTF-8, over
    ``MAX_PAIRS_FILE_BYTES``, a malformed record, an empty end (unless ``rows``), more than ``MAX_PAIRS`` rows, or
    no rows.
    """
    path = Path(path)

    def fault(message: str, line: int | None = None, field: str | None = None) -> FileFormatError:
        where = f"line {line}: " if line else ""
        return FileFormatError(f"{path}: {where}{message}", path=str(path), line=line, field=field)

    try:
        if path.stat().st_size > MAX_PAIRS_FILE_BYTES:
            raise fault(f"file over {MAX_PAIRS_FILE_BYTES // (1024 * 1024)} MiB; split the matrix")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise fault(f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise fault("not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = reader.fieldnames
        if not header or not {"origin", "destination"} <= {f.strip().lower() for f in header}:
            raise fault("header needs 'origin' and 'destination' columns", 1)
        found: list[PairRow] = []
        for row in reader:
            cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            empty = [end for end in ("origin", "destination") if not cells.get(end)]
            if empty and not rows:
                raise fault(f"{empty[0]} must not be empty", reader.line_num, empty[0])
            problem = f"{empty[0]} must not be empty" if empty else ""
            found.append(PairRow(reader.line_num, cells.get("origin", ""), cells.get("destination", ""), problem))
            if len(found) > MAX_PAIRS:
                raise fault(f"more than {MAX_PAIRS} pairs; split the matrix", reader.line_num)
    except csv.Error as exc:
        raise fault(f"not a CSV record ({exc})", reader.line_num + 1) from None  # the record being read
    if not found:
        raise fault("no pairs")
    if rows:
        return found
    return list(dict.fromkeys((r.origin, r.destination) for r in found))
