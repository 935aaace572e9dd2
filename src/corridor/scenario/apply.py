"""Apply a scenario to a copy of the data pack: the baseline pack and the cache are never touched."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from corridor.datapack import DataPack, MissingLink, Service
from corridor.errors import DataError
from corridor.scenario.schema import Scenario

__all__ = ["Applied", "apply_scenario", "chain"]


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
    while scenario is not None:
        out.append(scenario)
        scenario = scenario.parent
    return out[::-1]


def _changed(value: float | None, change: tuple[str, float], where: str) -> float:
    how, amount = change
    if how == "set":
        return amount
    if value is None:
        raise DataError(f"{where}: cannot multiply an empty figure; give a value instead")
    return value * amount


def _update(row, fields: dict[str, tuple[str, float]], where: str):
    data = row.model_dump()
    for name, change in fields.items():
        if name not in data or name in ("id", "name", "basis", "source", "as_of", "note"):
            raise DataError(f"{where}: no figure {name!r} to change")
        data[name] = _changed(data[name], change, f"{where}.{name}")
    data["basis"], data["note"] = "estimate", (data.get("note", "") + " [changed by a scenario]").strip()
    try:
        return type(row).model_validate(data)
    except ValidationError as exc:
        raise DataError(f"{where}: {exc.errors()[0]['msg']}") from None


def _apply_one(pack: DataPack, s: Scenario, closed: set[str]) -> DataPack:
    where = s.path or s.name
    services = list(pack.services)
    names = {x.service for x in services} | {x.id for x in services}
    for key in s.close.services:
        if key not in names:
            raise DataError(f"{where}: close.services: no service or segment {key!r} in the data pack")
    services = [x for x in services if x.service not in s.close.services and x.id not in s.close.services]
    links = [x for x in pack.links if x.id not in s.close.links]
    for key in s.close.links:
        if key not in {x.id for x in pack.links}:
            raise DataError(f"{where}: close.links: no link {key!r} in the data pack")
    crossing_ids = {c.id for c in pack.crossings}
    for key in s.close.crossings:
        if key not in crossing_ids:
            raise DataError(f"{where}: close.crossings: no crossing {key!r} in the data pack")
    closed.update(s.close.crossings)
    place_ids = {p.id for p in pack.places}
    for new in s.add.services:
        for end in (new.from_place, new.to_place):
            if end not in place_ids:
                raise DataError(f"{where}: add.services {new.id!r}: unknown place {end!r}")
        row = new.model_dump()
        row.update(basis="estimate", as_of="2026-11", note="added by a scenario", via_countries="")
        services.append(Service.model_validate(row))
    for new in s.add.links:
        row = new.model_dump()
        row.update(basis="estimate", as_of="2026-11", note="added by a scenario")
        links.append(MissingLink.model_validate(row))
    change = s.change
    for key, fields in change.services.items():
        hits = [i for i, x in enumerate(services) if key in (x.service, x.id)]
        if not hits:
            raise DataError(f"{where}: change.services: no service or segment {key!r}")
        for i in hits:
            services[i] = _update(services[i], fields, f"{where}: change.services.{key}")
    tables = {
        "crossings": (list(pack.crossings), lambda x: x.id),
        "places": (list(pack.places), lambda x: x.id),
        "borders": (list(pack.borders), lambda x: f"{x.country_a}-{x.country_b}-{x.mode}"),
    }
    for table, (rows, key_of) in tables.items():
        for key, fields in getattr(change, table).items():
            if table == "borders":  # accept either country order
                a, b, mode = ([*key.split("-"), "", "", ""])[:3]
                key = f"{min(a, b)}-{max(a, b)}-{mode}"
            hits = [i for i, x in enumerate(rows) if key_of(x) == key]
            if not hits:
                raise DataError(f"{where}: change.{table}: no row {key!r}")
            for i in hits:
                rows[i] = _update(rows[i], fields, f"{where}: change.{table}.{key}")
    parameters = dict(pack.parameters)
    for name, c in change.parameters.items():
        if name not in parameters:
            raise DataError(f"{where}: change.parameters: no parameter {name!r}")
        parameters[name] = _update(parameters[name], {"value": c}, f"{where}: change.parameters.{name}")
    speeds = list(pack.rail_speeds)
    for country, c in change.rail_speeds.items():
        hits = [i for i, x in enumerate(speeds) if x.country == country]
        if not hits:
            base = next(x for x in speeds if x.country == "*")
            speeds.append(base.model_copy(update={"country": country}))
            hits = [len(speeds) - 1]
        for i in hits:
            speeds[i] = _update(speeds[i], {"speed_km_per_day": c}, f"{where}: change.rail_speeds.{country}")
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
    """The scenario's pack (a new object) and its routing closures, the whole ``extends`` chain applied."""
    closed_crossings: set[str] = set()
    countries: set[str] = set()
    demand_set, scale, pairs, objective = "corridor-2024", 1.0, None, "generalized"
    for s in chain(scenario):
        pack = _apply_one(pack, s, closed_crossings)
        countries.update(s.close.countries)
        if "demand" in s.model_fields_set:
            demand_set, scale = s.demand.set, s.demand.scale
        if "pairs" in s.model_fields_set or pairs is None:
            pairs = tuple(tuple(p) for p in s.pairs)
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
        tuple(s.name for s in chain(scenario)),
    )
