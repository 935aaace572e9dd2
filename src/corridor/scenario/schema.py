"""What-if scenarios as YAML files, validated with pydantic; errors name the file, the line and the field.

A scenario closes things (countries, crossings, services, links), adds services, changes
figures of the data pack (a number sets the value, ``x2`` or ``x0.5`` multiplies it), scales
the demand, and may extend another scenario (``extends``: a path relative to it, or a
shipped scenario's name). See ``scenarios/README.md``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from corridor.errors import DataError
from corridor.scenario.yaml_lines import line_of, load_yaml_with_lines

__all__ = ["SHIPPED_SCENARIOS", "Change", "Scenario", "load_scenario"]

_FACTOR = re.compile(r"^\s*[x×*]\s*([0-9]*\.?[0-9]+)\s*$")


def _change(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, or xN to multiply")
    if isinstance(value, int | float):
        return ("set", float(value))
    if isinstance(value, str) and (m := _FACTOR.match(value)):
        return ("times", float(m.group(1)))
    raise ValueError(f"expected a number, or xN to multiply (e.g. x2), got {value!r}")


#: ("set", value) or ("times", factor)
Change = Annotated[tuple[Literal["set", "times"], float], BeforeValidator(_change)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Close(_Strict):
    """What is shut: countries (no route may touch them), named crossings, services (by name or segment
    id) and the data pack's added links."""

    countries: list[Country] = []
    crossings: list[str] = []
    services: list[str] = []
    links: list[str] = []


class NewService(_Strict):
    """A service segment to add, in the columns of ``services.csv`` (one direction per entry)."""

    id: str
    service: str
    mode: Literal["ferry", "service"]
    from_place: str
    to_place: str
    km: float = Field(gt=0)
    hours: float | None = Field(default=None, gt=0)
    departures_per_week: float = Field(gt=0)
    timetable: Literal["fixed", "irregular"] = "fixed"
    capacity_teu_per_departure: float | None = Field(default=None, ge=0)
    tariff_usd_per_teu: float | None = Field(default=None, ge=0)
    operator: str = ""
    source: str = "scenario"


class NewLink(_Strict):
    """A rail or road line to add between two points (the columns of ``links.csv``)."""

    id: str
    name: str
    mode: Literal["rail", "road"]
    from_lat: float = Field(ge=-90, le=90)
    from_lon: float = Field(ge=-180, le=180)
    to_lat: float = Field(ge=-90, le=90)
    to_lon: float = Field(ge=-180, le=180)
    km: float | None = Field(default=None, gt=0)
    source: str = "scenario"


class Add(_Strict):
    services: list[NewService] = []
    links: list[NewLink] = []


class Changes(_Strict):
    """Figures to change, by table: ``{row id or service name: {column: number | xN}}``; parameters and
    rail speeds take the value directly (``{name: number | xN}``)."""

    services: dict[str, dict[str, Change]] = {}
    crossings: dict[str, dict[str, Change]] = {}
    places: dict[str, dict[str, Change]] = {}
    borders: dict[str, dict[str, Change]] = {}  # key "A-B-mode", e.g. "BY-PL-rail"
    parameters: dict[str, Change] = {}
    rail_speeds: dict[str, Change] = {}


class DemandSpec(_Strict):
    set: str = "corridor-2024"
    scale: float = Field(default=1.0, gt=0)


class Scenario(_Strict):
    """One scenario as written (before ``extends`` is resolved)."""

    name: str
    description: str = ""
    extends: str | None = None
    sources: list[str] = []
    close: Close = Close()
    add: Add = Add()
    change: Changes = Changes()
    demand: DemandSpec = DemandSpec()
    pairs: list[tuple[str, str]] = [("Xi'an", "Duisburg"), ("Almaty", "Kaunas"), ("Urumqi", "Hamburg")]
    objective: Literal["time", "cost", "co2", "generalized"] = "generalized"
    path: str = ""  # where it was read from (set by the loader)
    parent: Scenario | None = None  # the scenario it extends, resolved by the loader


#: Scenario files shipped with the package, by name.
SHIPPED_SCENARIOS = (
    "baseline",
    "northern-closed-2022",
    "pair-viking-titr",
    "klaipeda-gateway",
    "caspian-fleet-x2",
    "red-sea-closed",
)


def _read(name_or_path: str | Path, relative_to: Path | None) -> tuple[str, str]:
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_SCENARIOS:
        text = resources.files("corridor").joinpath(f"data/scenarios/{name_or_path}.yaml").read_text(encoding="utf-8")
        return text, f"{name_or_path} (shipped)"
    path = Path(name_or_path)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if not path.is_file():
        shipped = ", ".join(SHIPPED_SCENARIOS)
        raise DataError(f"{path}: no such scenario file (shipped scenarios: {shipped})", path=str(path))
    return path.read_text(encoding="utf-8"), str(path)


def load_scenario(
    name_or_path: str | Path, *, _seen: tuple[str, ...] = (), _relative_to: Path | None = None
) -> Scenario:
    """Read and validate a scenario and the chain it extends; DataError names file, line and field."""
    text, where = _read(name_or_path, _relative_to)
    if where in _seen:
        raise DataError(f"{where}: 'extends' loops back to itself ({' → '.join((*_seen, where))})")
    try:
        data, lines = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise DataError(f"{where}: {line}not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise DataError(f"{where}: line 1: a scenario is a mapping with at least 'name'")
    try:
        scenario = Scenario.model_validate({k: v for k, v in data.items() if k not in ("path", "parent")})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "scenario"
        message = err["msg"].removeprefix("Value error, ")
        raise DataError(f"{where}: line {line_of(lines, loc)}: field {field!r}: {message}") from None
    parent = None
    if scenario.extends:
        base_dir = Path(where).parent if not where.endswith("(shipped)") else None
        parent = load_scenario(scenario.extends, _seen=(*_seen, where), _relative_to=base_dir)
    return scenario.model_copy(update={"path": where, "parent": parent})
