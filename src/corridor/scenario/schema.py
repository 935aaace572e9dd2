"""What-if scenarios as YAML files or JSON bodies, validated with pydantic; errors name the file, line and field.

A scenario closes things (countries, crossings, services, links), adds services, changes
figures of the data pack (a number sets the value, ``x2`` or ``x0.5`` multiplies it), scales
the demand, and may extend another scenario (``extends``: a path relative to it, or a
shipped scenario's name). See ``scenarios/README.md``.

Every mistake is a :class:`corridor.errors.ScenarioError` with ``field`` (dotted, e.g.
``change.parameters.sea_usd_per_teu_km``) and, for a file, ``path`` and ``line``. Scenarios
come from anyone, so the input is bounded: file size, YAML nesting (no anchors or aliases),
list lengths, text lengths and the ``extends`` chain. Only a file the user named may reach
other files: a scenario given as a body (``scenario_from_body``), and a shipped scenario,
may extend only shipped scenarios and use only shipped demand sets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from corridor.constants import SHIPPED_DEMAND
from corridor.errors import ScenarioError
from corridor.scenario.yaml_lines import line_of, load_yaml_with_lines

__all__ = [
    "MAX_EXTENDS",
    "MAX_ITEMS",
    "MAX_PAIRS",
    "MAX_SCENARIO_BYTES",
    "SHIPPED_SCENARIOS",
    "Change",
    "Scenario",
    "load_scenario",
    "parse_yaml",
    "read_yaml_text",
    "scenario_from_body",
    "scenario_from_dict",
]

#: Largest scenario file read, bytes (the shipped ones are under 2 KB).
MAX_SCENARIO_BYTES = 256 * 1024
#: Most scenarios in one ``extends`` chain, the scenario itself included.
MAX_EXTENDS = 8
#: Most origin–destination pairs a scenario may ask to compare (each is a corridor comparison).
MAX_PAIRS = 200
#: Most entries in any other list or mapping of a scenario.
MAX_ITEMS = 500

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_FACTOR = re.compile(rf"^\s*[x×*]\s*({_NUMBER})\s*$")
_PLAIN = re.compile(rf"^\s*({_NUMBER})\s*$")
_NOT_FINITE = frozenset({"nan", "inf", "infinity"})
_LOADER_FIELDS = ("path", "parent")  # set by the loader, never by a scenario
_SHIPPED = " (shipped)"


def _shown(value: Any) -> str:
    """A short repr for messages (a huge integer is not spelled out)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge integer"
    return text if len(text) <= 40 else text[:37] + "..."


def _finite(value: float | int | str, written: Any) -> float:
    """``value`` as a finite float; ValueError quoting what was ``written`` otherwise."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {_shown(written)}")
    return number


def _change(value: Any) -> tuple[str, float]:
    """``("set", value)`` for a number, ``("times", N)`` for ``xN``; both finite, N >= 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("set", _finite(value, value))
    if isinstance(value, str) and (m := _FACTOR.match(value)):
        factor = _finite(m.group(1), value)
        if factor < 0:
            raise ValueError(f"a factor xN needs N >= 0, got {value!r}")
        return ("times", factor)
    if isinstance(value, str) and (m := _PLAIN.match(value)):
        return ("set", _finite(m.group(1), value))
    if isinstance(value, str) and value.strip().lstrip("+-.").lower() in _NOT_FINITE:
        raise ValueError(f"expected a finite number, got {_shown(value)}")
    raise ValueError(f"expected a number, or xN to multiply (e.g. x2), got {_shown(value)}")


#: ("set", value) or ("times", factor)
Change = Annotated[tuple[Literal["set", "times"], float], BeforeValidator(_change)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Key = Annotated[str, Field(min_length=1, max_length=120)]  # an id, a service name, a column
Short = Annotated[str, Field(max_length=120)]
PlaceText = Annotated[str, Field(min_length=1, max_length=120)]
Text = Annotated[str, Field(max_length=5000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Close(_Strict):
    """What is shut: countries (no route may touch them), named crossings, services (by name or segment
    id) and the data pack's added links."""

    countries: list[Country] = Field(default=[], max_length=MAX_ITEMS)
    crossings: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    services: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    links: list[Key] = Field(default=[], max_length=MAX_ITEMS)


class Open(_Strict):
    """What is reopened whatever the status table says (its closures and service-life limits are dropped):
    services (by name or segment id), crossings, links, places and sea passages (e.g. ``babalmandab``)."""

    services: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    crossings: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    links: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    places: list[Key] = Field(default=[], max_length=MAX_ITEMS)
    passages: list[Key] = Field(default=[], max_length=MAX_ITEMS)


class NewService(_Strict):
    """A service segment to add, in the columns of ``services.csv`` (one direction per entry)."""

    id: Key
    service: Key
    mode: Literal["ferry", "service"]
    vessel: Literal["container_feeder", "ro_ro", "ro_pax", "rail_ferry", "train"] | None = (
        None  # default: ro_pax / train
    )
    from_place: Key
    to_place: Key
    km: float = Field(gt=0)
    hours: float | None = Field(default=None, gt=0)
    departures_per_week: float = Field(gt=0)
    timetable: Literal["fixed", "irregular"] = "fixed"
    capacity_teu_per_departure: float | None = Field(default=None, gt=0)
    tariff_usd_per_teu: float | None = Field(default=None, ge=0)
    operator: Short = ""
    source: Text = "scenario"


class NewLink(_Strict):
    """A rail or road line to add between two points (the columns of ``links.csv``)."""

    id: Key
    name: Key
    mode: Literal["rail", "road"]
    from_lat: float = Field(ge=-90, le=90)
    from_lon: float = Field(ge=-180, le=180)
    to_lat: float = Field(ge=-90, le=90)
    to_lon: float = Field(ge=-180, le=180)
    km: float | None = Field(default=None, gt=0)
    source: Text = "scenario"


class Add(_Strict):
    services: list[NewService] = Field(default=[], max_length=MAX_ITEMS)
    links: list[NewLink] = Field(default=[], max_length=MAX_ITEMS)


Figures = Annotated[dict[Key, Change], Field(max_length=50)]


class Changes(_Strict):
    """Figures to change, by table: ``{row id or service name: {column: number | xN}}``; parameters and
    rail speeds take the value directly (``{name: number | xN}``). Ranges are checked when applied."""

    services: dict[Key, Figures] = Field(default={}, max_length=MAX_ITEMS)
    crossings: dict[Key, Figures] = Field(default={}, max_length=MAX_ITEMS)
    places: dict[Key, Figures] = Field(default={}, max_length=MAX_ITEMS)
    borders: dict[Key, Figures] = Field(default={}, max_length=MAX_ITEMS)  # key "A-B-mode", e.g. "BY-PL-rail"
    parameters: dict[Key, Change] = Field(default={}, max_length=MAX_ITEMS)
    rail_speeds: dict[Key, Change] = Field(default={}, max_length=MAX_ITEMS)


class DemandSpec(_Strict):
    set: Annotated[str, Field(min_length=1, max_length=1000)] = "corridor-2024"  # shipped name or file
    scale: float = Field(default=1.0, gt=0, le=1000)


class Scenario(_Strict):
    """One scenario as written (before ``extends`` is resolved)."""

    name: Key
    description: Text = ""
    extends: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    sources: list[Text] = Field(default=[], max_length=100)
    close: Close = Close()
    open: Open = Open()
    add: Add = Add()
    change: Changes = Changes()
    demand: DemandSpec = DemandSpec()
    pairs: list[tuple[PlaceText, PlaceText]] = Field(
        default=[("Xi'an", "Duisburg"), ("Almaty", "Kaunas"), ("Urumqi", "Hamburg")], max_length=MAX_PAIRS
    )
    objective: Literal["time", "cost", "co2", "generalized"] = "generalized"
    path: str = ""  # where it was read from (set by the loader)
    parent: Scenario | None = None  # the scenario it extends, resolved by the loader
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)  # line of each field, for a file
    _file: str | None = PrivateAttr(default=None)  # the file it was read from, if any

    def error(self, message: str, location: tuple = (), *, field: str | None = None) -> ScenarioError:
        """A ScenarioError about ``location`` (a field path) in this scenario: where, line and field."""
        field = field if field is not None else ".".join(str(p) for p in location) or None
        line = line_of(self._lines, location) if self._lines else None
        return _error(self.path or self.name, message, path=self._file, line=line, field=field)


def _error(where: str, message: str, *, path: str | None, line: int | None, field: str | None) -> ScenarioError:
    """``where: line N: field 'f': message``, with the same facts as attributes."""
    prefix = f"{where}: " + (f"line {line}: " if line is not None else "") + (f"field {field!r}: " if field else "")
    return ScenarioError(prefix + message, path=path, line=line, field=field)


#: Scenario files shipped with the package, by name.
SHIPPED_SCENARIOS = (
    "baseline",
    "northern-closed-2022",
    "pair-viking-titr",
    "klaipeda-gateway",
    "caspian-fleet-x2",
    "red-sea-closed",
    "red-sea-reopens",
)


def _where(name_or_path: str | Path, relative_to: Path | None) -> str:
    """How a scenario is named in messages: ``name (shipped)`` or its file path."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_SCENARIOS:
        return f"{name_or_path}{_SHIPPED}"
    path = Path(name_or_path)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    return str(path)


def _read(name_or_path: str | Path, relative_to: Path | None) -> tuple[str, str, str | None]:
    """(text, where, file path or None) of a shipped scenario or a file; bounded in size."""
    where = _where(name_or_path, relative_to)
    if where.endswith(_SHIPPED):
        text = resources.files("corridor").joinpath(f"data/scenarios/{name_or_path}.yaml").read_text(encoding="utf-8")
        return text, where, None
    path = Path(where)
    if not path.is_file():
        shipped = ", ".join(SHIPPED_SCENARIOS)
        raise _error(where, f"no such scenario file (shipped scenarios: {shipped})", path=where, line=None, field=None)
    return read_yaml_text(path, where, kind="scenario", error=_error), where, where


def read_yaml_text(path: Path, where: str, *, kind: str, error: Callable[..., Exception]) -> str:
    """The UTF-8 text of a YAML file of ``kind`` (a scenario, a sweep), at most ``MAX_SCENARIO_BYTES``; a file too
    large or a bad byte is ``error(where, message, path=, line=, field=)`` (its line for a bad byte)."""
    with path.open("rb") as f:
        data = f.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        message = f"larger than {MAX_SCENARIO_BYTES // 1024} KB; a {kind} is a short YAML file"
        raise error(where, message, path=where, line=None, field=None)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(where, f"not valid UTF-8 (byte {exc.start})", path=where, line=line, field=None) from None


def parse_yaml(
    text: str, where: str, path: str | None, *, kind: str, error: Callable[..., Exception]
) -> tuple[Any, dict[tuple, int]]:
    """YAML data of a ``kind`` file and its line map (the hardened loader of ``yaml_lines``); any YAML problem is
    one ``error(where, message, path=, line=, field=)`` with its line."""
    try:
        return load_yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "syntax error").replace("in a scenario", f"in a {kind}")
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line, problem = text[: exc.position].count("\n") + 1, f"character U+{code:04X} is not allowed"
    except yaml.YAMLError as exc:
        line, problem = None, str(exc)
    raise error(where, f"not valid YAML ({problem})", path=path, line=line, field=None)


def _validate(data: Any, where: str, lines: dict[tuple, int], path: str | None) -> Scenario:
    """The Scenario model of parsed data; the first problem becomes a ScenarioError naming the field."""
    if not isinstance(data, Mapping):
        message = "a scenario is a mapping with at least 'name'"
        raise _error(where, message, path=path, line=1 if path else None, field=None)
    for name in _LOADER_FIELDS:
        if name in data:
            line = line_of(lines, (name,)) if lines else None
            message = "is set by the loader, not by a scenario"
            raise _error(where, message, path=path, line=line, field=name)
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        line = line_of(lines, loc) if lines else None
        raise _error(where, err["msg"].removeprefix("Value error, "), path=path, line=line, field=field) from None
    scenario = scenario.model_copy(update={"path": where})
    scenario._lines, scenario._file = lines, path
    return scenario


def _resolve(scenario: Scenario, where: str, *, allow_files: bool, base_dir: Path | None, chain: tuple[str, ...]):
    """The scenario with ``path`` and ``parent`` set: its ``extends`` loaded, file access checked."""
    shipped_only = "may extend only a shipped scenario"
    if scenario.extends is not None and not allow_files and scenario.extends not in SHIPPED_SCENARIOS:
        names = ", ".join(SHIPPED_SCENARIOS)
        raise scenario.error(f"{shipped_only} ({names}), got {scenario.extends!r}", ("extends",))
    demand = scenario.demand.set
    if not allow_files and demand not in SHIPPED_DEMAND:
        names = ", ".join(SHIPPED_DEMAND)
        raise scenario.error(f"may use only a shipped demand set ({names}), got {demand!r}", ("demand", "set"))
    if allow_files and demand not in SHIPPED_DEMAND and not Path(demand).is_file():
        names = ", ".join(SHIPPED_DEMAND)
        raise scenario.error(f"no demand file {demand!r} (shipped demand sets: {names})", ("demand", "set"))
    parent = None
    if scenario.extends is not None:
        target = _where(scenario.extends, base_dir)
        if target in (*chain, where):
            loop = " → ".join((*chain, where, target))
            raise scenario.error(f"'extends' loops back to itself ({loop})", ("extends",))
        if len(chain) + 1 >= MAX_EXTENDS:
            message = f"the 'extends' chain is longer than {MAX_EXTENDS} scenarios ({' → '.join((*chain, where))} → …)"
            raise scenario.error(message, ("extends",))
        if not target.endswith(_SHIPPED) and not Path(target).is_file():
            names = ", ".join(SHIPPED_SCENARIOS)
            raise scenario.error(f"no such scenario file {target!r} (shipped scenarios: {names})", ("extends",))
        parent = _load(scenario.extends, relative_to=base_dir, allow_files=allow_files, chain=(*chain, where))
    resolved = scenario.model_copy(update={"parent": parent})
    resolved._lines, resolved._file = scenario._lines, scenario._file
    return resolved


def _load(name_or_path: str | Path, *, relative_to: Path | None, allow_files: bool, chain: tuple[str, ...]) -> Scenario:
    text, where, path = _read(name_or_path, relative_to)
    data, lines = parse_yaml(text, where, path, kind="scenario", error=_error)
    scenario = _validate(data, where, lines, path)
    shipped = path is None
    base_dir = Path(path).parent if path is not None else None
    return _resolve(scenario, where, allow_files=allow_files and not shipped, base_dir=base_dir, chain=chain)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name, or a YAML file the user named, with the chain it extends.

    A file may extend files (paths relative to it) and use demand files; a shipped scenario only
    shipped ones. Any problem is a ScenarioError naming the file, the line and the field.
    """
    return _load(name_or_path, relative_to=None, allow_files=True, chain=())


def scenario_from_dict(data: Mapping[str, Any], *, where: str = "request body", allow_files: bool = False) -> Scenario:
    """A scenario from already-parsed fields (a JSON body), with the chain it extends.

    ``allow_files=False`` (the default, for anything that came over the network) lets it extend
    only shipped scenarios and use only shipped demand sets, so it cannot make the process read
    a file. ``allow_files=True`` is for data the local user supplied: ``extends`` and
    ``demand.set`` may then name files (relative to the working directory). Errors are
    ScenarioError naming the field (no line: a body has none).
    """
    scenario = _validate(data, where, {}, None)
    return _resolve(scenario, where, allow_files=allow_files, base_dir=None, chain=())


def scenario_from_body(body: Mapping[str, Any]) -> Scenario:
    """The safe entry point for a request body: ``scenario_from_dict(body, allow_files=False)``."""
    return scenario_from_dict(body, where="request body", allow_files=False)
