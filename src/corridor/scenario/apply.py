"""Apply a scenario to a copy of the data pack: the baseline pack and the cache are never touched.

Every changed or added row is validated by the data pack's own models, so a scenario's figures
obey the same ranges as the shipped pack (no negative cost, no zero speed, nothing infinite).
A mistake is a :class:`corridor.errors.ScenarioError` naming the scenario field (and the file
and line when the scenario came from a file).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from corridor.datapack import DataPack, MissingLink, Service
from corridor.errors import CoordinateError, UnknownPlaceError
from corridor.network.places import PlaceIndex, parse_coordinates
from corridor.scenario.schema import Scenario

__all__ = ["Applied", "apply_scenario", "chain"]

#: Columns a scenario may not change: identity and provenance (and a parameter's allowed range).
_FIXED = frozenset({"id", "name", "basis", "source", "as_of", "note", "range"})


@dataclass(frozen=True)
class Applied:
    """A scenario's data pack, and the closures that act on routing rather than on the pack."""

    pack: DataPack
    closed_countries: frozenset[str]
    closed_crossings: frozenset[str]
    demand_set: str
    demand_scale: float
    pairs: tuple[tuple[str, str], ...]
    objective: str
    names: tuple[str, ...]  # the chain, base first


def chain(scenario: Scenario) -> list[Scenario]:
    """The scenarios from the base of the ``extends`` chain to this one."""
    out = []
    link: Scenario | None = scenario
    while link is not None:
        out.append(link)
        link = link.parent
    return out[::-1]


def _unknown(what: str, key: str, known: Iterable[str]) -> str:
    """``no <what> 'key' in the data pack``, with close matches as a hint."""
    close = difflib.get_close_matches(key, list(known), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"no {what} {key!r} in the data pack{hint}"


def _is_figure(value: Any) -> bool:
    """A number cell (an empty one is None); text, lists and flags are not figures."""
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _validated(model: type[BaseModel], data: dict, s: Scenario, loc: tuple, columns: dict[str, tuple] | None = None):
    """``model`` validated from ``data``; the first problem is a ScenarioError at the scenario field
    holding the faulty column: ``columns[column]`` for changed rows, else ``loc.column``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        column = str(err["loc"][0]) if err["loc"] else ""
        message = err["msg"].removeprefix("Value error, ")
        if column and err["type"] != "value_error":
            message += f" (got {err['input']!r})"
        if columns is None:
            raise s.error(message, (*loc, column) if column else loc) from None
        if column and column not in columns:
            message = f"column {column!r}: {message}"
        raise s.error(message, columns.get(column, loc)) from None


def _changed(value: float | None, change: tuple[str, float], s: Scenario, loc: tuple) -> float:
    how, amount = change
    if how == "set":
        return amount
    if value is None:
        raise s.error("cannot multiply an empty figure; give a value instead", loc)
    return value * amount


def _update(row: BaseModel, fields: Mapping[str, tuple[str, float]], s: Scenario, loc: tuple, *, whole: bool = False):
    """``row`` with ``fields`` changed, relabelled and re-validated against the pack's ranges.

    ``whole``: the scenario field is the value itself (parameters, rail speeds), so errors name
    ``loc`` rather than ``loc.column``.
    """
    data = row.model_dump()
    figures = sorted(k for k, v in data.items() if k not in _FIXED and _is_figure(v))
    columns = {column: loc if whole else (*loc, column) for column in fields}
    for column, change in fields.items():
        if column not in figures:
            raise s.error(f"no figure {column!r} to change (figures: {', '.join(figures)})", columns[column])
        data[column] = _changed(data[column], change, s, columns[column])
    data["basis"], data["note"] = "estimate", (data.get("note", "") + " [changed by a scenario]").strip()
    return _validated(type(row), data, s, loc, columns)


def _close(pack: DataPack, s: Scenario, services: list[Service], closed: set[str]) -> tuple[list, list]:
    """Services and links left once ``close`` is applied; unknown names are errors."""
    names = {x.service for x in services} | {x.id for x in services}
    for i, key in enumerate(s.close.services):
        if key not in names:
            raise s.error(_unknown("service or segment", key, names), ("close", "services", i), field="close.services")
    link_ids = {x.id for x in pack.links}
    for i, key in enumerate(s.close.links):
        if key not in link_ids:
            raise s.error(_unknown("link", key, link_ids), ("close", "links", i), field="close.links")
    crossing_ids = {c.id for c in pack.crossings}
    for i, key in enumerate(s.close.crossings):
        if key not in crossing_ids:
            raise s.error(_unknown("crossing", key, crossing_ids), ("close", "crossings", i), field="close.crossings")
    closed.update(s.close.crossings)
    kept = [x for x in services if x.service not in s.close.services and x.id not in s.close.services]
    return kept, [x for x in pack.links if x.id not in s.close.links]


def _add(pack: DataPack, s: Scenario, services: list[Service], links: list[MissingLink]) -> None:
    """Append the scenario's new services and links, validated as rows of the pack."""
    place_ids = {p.id for p in pack.places}
    taken = {x.id for x in services}
    for i, new in enumerate(s.add.services):
        loc = ("add", "services", i)
        for column in ("from_place", "to_place"):
            if (end := getattr(new, column)) not in place_ids:
                message = _unknown("place", end, place_ids).replace("no place", "unknown place", 1)
                raise s.error(message, (*loc, column))
        if new.id in taken:
            raise s.error(f"service segment {new.id!r} already exists in the data pack", (*loc, "id"))
        taken.add(new.id)
        row = new.model_dump()
        row["vessel"] = row["vessel"] or ("train" if new.mode == "service" else "ro_pax")
        row.update(basis="estimate", as_of="2026-11", note="added by a scenario", via_countries="")
        services.append(_validated(Service, row, s, loc))
    link_ids = {x.id for x in pack.links}
    for i, link in enumerate(s.add.links):
        loc = ("add", "links", i)
        if link.id in link_ids:
            raise s.error(f"link {link.id!r} already exists in the data pack", (*loc, "id"))
        link_ids.add(link.id)
        row = link.model_dump()
        row.update(basis="estimate", as_of="2026-11", note="added by a scenario")
        links.append(_validated(MissingLink, row, s, loc))


def _check_pairs(pack: DataPack, s: Scenario) -> None:
    """Every place in ``pairs`` is a place of the pack (name, alias or id) or valid 'lat,lon' text,
    so a typo fails now rather than after the scenario's network is built."""
    index = PlaceIndex.from_places(pack.places)
    for i, pair in enumerate(s.pairs):
        for j, text in enumerate(pair):
            try:
                if parse_coordinates(text) is None:
                    index.find(text)
            except (UnknownPlaceError, CoordinateError) as exc:
                raise s.error(str(exc), ("pairs", i, j)) from None


def _open(pack: DataPack, s: Scenario) -> tuple[Any, ...]:
    """The status rows left once ``open`` is applied: every row of a reopened element goes; unknown names are
    errors (sea passages are checked when the network is built)."""
    known = {
        "services": ("service", {x.service for x in pack.services} | {x.id for x in pack.services}),
        "crossings": ("crossing", {c.id for c in pack.crossings}),
        "links": ("link", {x.id for x in pack.links}),
        "places": ("place", {p.id for p in pack.places}),
        "passages": ("passage", None),
    }
    reopened: set[tuple[str, str]] = set()
    for field, (kind, ids) in known.items():
        for i, key in enumerate(getattr(s.open, field)):
            if ids is not None and key not in ids:
                raise s.error(_unknown(kind, key, ids), ("open", field, i), field=f"open.{field}")
            reopened.add((kind, key))
    return tuple(row for row in pack.status if (row.kind, row.id) not in reopened)


def _apply_one(pack: DataPack, s: Scenario, closed: set[str]) -> DataPack:
    pack = pack.model_copy(update={"status": _open(pack, s)})
    services, links = _close(pack, s, list(pack.services), closed)
    _add(pack, s, services, links)
    change = s.change
    for key, fields in change.services.items():
        hits = [i for i, x in enumerate(services) if key in (x.service, x.id)]
        if not hits:
            known = {x.service for x in services} | {x.id for x in services}
            raise s.error(_unknown("service or segment", key, known), ("change", "services", key))
        for i in hits:
            services[i] = _update(services[i], fields, s, ("change", "services", key))
    tables: dict[str, tuple[list[Any], Callable[[Any], str]]] = {
        "crossings": (list(pack.crossings), lambda x: x.id),
        "places": (list(pack.places), lambda x: x.id),
        "borders": (list(pack.borders), lambda x: f"{x.country_a}-{x.country_b}-{x.mode}"),
    }
    for table, (rows, key_of) in tables.items():
        for key, fields in getattr(change, table).items():
            match = key
            if table == "borders":  # accept either country order
                a, b, mode = ([*key.split("-"), "", "", ""])[:3]
                match = f"{min(a, b)}-{max(a, b)}-{mode}"
            hits = [i for i, x in enumerate(rows) if key_of(x) == match]
            if not hits:
                what = {"crossings": "crossing", "places": "place", "borders": "border rule"}[table]
                raise s.error(_unknown(what, key, map(key_of, rows)), ("change", table, key))
            for i in hits:
                rows[i] = _update(rows[i], fields, s, ("change", table, key))
    parameters = dict(pack.parameters)
    for name, c in change.parameters.items():
        if name not in parameters:
            raise s.error(_unknown("parameter", name, parameters), ("change", "parameters", name))
        parameters[name] = _update(parameters[name], {"value": c}, s, ("change", "parameters", name), whole=True)
    speeds = list(pack.rail_speeds)
    for country, c in change.rail_speeds.items():
        hits = [i for i, x in enumerate(speeds) if x.country == country]
        if not hits:
            base = next(x for x in speeds if x.country == "*")
            speeds.append(base.model_copy(update={"country": country}))
            hits = [len(speeds) - 1]
        for i in hits:
            speeds[i] = _update(speeds[i], {"speed_km_per_day": c}, s, ("change", "rail_speeds", country), whole=True)
    if "pairs" in s.model_fields_set:
        _check_pairs(pack, s)
    return pack.model_copy(
        update={
            "services": tuple(services),
            "links": tuple(links),
            "crossings": tuple(tables["crossings"][0]),
            "places": tuple(tables["places"][0]),
            "borders": tuple(tables["borders"][0]),
            "parameters": parameters,
            "rail_speeds": tuple(speeds),
        }
    )


def apply_scenario(pack: DataPack, scenario: Scenario) -> Applied:
    """The scenario's pack (a new object) and its routing closures, the whole ``extends`` chain applied.

    Raises ScenarioError for anything the pack lacks or any figure outside its range.
    """
    closed_crossings: set[str] = set()
    countries: set[str] = set()
    scenarios = chain(scenario)
    demand_set, scale, objective = "corridor-2024", 1.0, "generalized"
    pairs = tuple((a, b) for a, b in scenarios[0].pairs)  # the base's, unless one down the chain sets them
    for s in scenarios:
        pack = _apply_one(pack, s, closed_crossings)
        countries.update(s.close.countries)
        if "demand" in s.model_fields_set:
            demand_set, scale = s.demand.set, s.demand.scale
        if "pairs" in s.model_fields_set:
            pairs = tuple((a, b) for a, b in s.pairs)
        if "objective" in s.model_fields_set:
            objective = s.objective
    fresh = type(pack).model_validate(pack.model_dump())  # re-checks every row and rebuilds lookups
    return Applied(
        fresh,
        frozenset(countries),
        frozenset(closed_crossings),
        demand_set,
        scale,
        pairs,
        objective,
        tuple(s.name for s in scenarios),
    )
