"""Scenario sweeps as YAML files: a base scenario, parameters that vary its figures, and the questions each run answers.

A sweep names a base scenario (a shipped name or a scenario file), a sample (``grid``: every combination of the
parameters' values; ``random``: ``runs`` seeded draws), the parameters — each a figure a scenario's ``change``
section can set, named by a path such as ``services."Caspian container feeder Aktau–Alat".departures_per_week``,
and given ``values`` (numbers set the figure, ``xN`` multiplies it) or a ``range`` — and the questions: corridor
comparisons for pairs (with transit-time percentiles) and, optionally, the assignment of the demand.

Each run is the base scenario extended by one scenario whose ``change`` holds the run's parameter values, so a
factor multiplies the figure as the base leaves it. Every mistake is a :class:`SweepError` (a
:class:`corridor.errors.ScenarioError`) with ``path``, ``line`` and ``field``, checked before anything runs: the
file, its YAML, the fields, the base scenario, each parameter's path and extreme values against the data pack, the
places, corridors and elements the questions name, and the number of runs. See ``data/sweeps/README.md``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from corridor.constants import DEFAULT_DRAWS, MAX_DRAWS
from corridor.datapack import DataPack
from corridor.errors import CoordinateError, ScenarioError, UnknownPlaceError
from corridor.network.places import PlaceIndex, parse_coordinates
from corridor.scenario.apply import Applied, apply_scenario, chain
from corridor.scenario.schema import (
    MAX_PAIRS,
    SHIPPED_SCENARIOS,
    Change,
    Scenario,
    load_scenario,
    parse_yaml,
    read_yaml_text,
)
from corridor.scenario.yaml_lines import line_of

__all__ = [
    "FLOW_ANSWERS",
    "MAX_PARAMETERS",
    "MAX_RUNS",
    "RELIABILITY_PERCENTILES",
    "SHIPPED_SWEEPS",
    "Questions",
    "Sweep",
    "SweepError",
    "SweepParameter",
    "SweepRun",
    "check_sweep",
    "load_sweep",
    "sweep_from_dict",
    "sweep_runs",
    "variant",
]

#: Most runs one sweep may ask for (a grid's combinations, or a random sweep's ``runs``).
MAX_RUNS = 2_000
#: Most parameters one sweep may vary.
MAX_PARAMETERS = 20
#: Most values one parameter may list.
MAX_VALUES = 1_000
#: The transit-time percentiles a run can report per pair and corridor (the route's Monte Carlo keeps these).
RELIABILITY_PERCENTILES = (10, 50, 90, 95)
#: The assignment's answers, one column each (besides two per watched element).
FLOW_ANSWERS = (
    "teu_hours_per_year",
    "demand_teu_per_year",
    "over_capacity_teu_per_year",
    "caspian_teu_per_year",
    "bottleneck",
    "bottleneck_utilisation",
    "bottleneck_teu_hours_saved_per_year",
    "fit_wape_pct",
    "held_out_wape_pct",
)
#: Sweep files shipped with the package, by name.
SHIPPED_SWEEPS = ("caspian-fleet",)

#: What a parameter path may start with: the tables of a scenario's ``change`` section (``table.row.column``), the
#: mappings that take a value directly (``parameters.name``, ``rail_speeds.XX``), and the demand's scale.
_ROW_TABLES = ("services", "crossings", "places", "borders")
_VALUE_TABLES = ("parameters", "rail_speeds")
_SEGMENTS = re.compile(r'\s*(?:"([^"]*)"|([^".]+))\s*(?:\.|$)')
_SHIPPED = " (shipped)"
_RESERVED = frozenset({"run", *FLOW_ANSWERS})


class SweepError(ScenarioError):
    """A sweep file (or mapping) that is malformed, or names what the data pack or its base scenario lacks."""


def _error(where: str, message: str, *, path: str | None, line: int | None, field: str | None) -> SweepError:
    """``where: line N: field 'f': message``, with the same facts as attributes (the form of scenario errors)."""
    prefix = f"{where}: " + (f"line {line}: " if line is not None else "") + (f"field {field!r}: " if field else "")
    return SweepError(prefix + message, path=path, line=line, field=field)


def _quoted(segment: str) -> str:
    return segment if re.fullmatch(r"[A-Za-z0-9_\-]+", segment) else f'"{segment}"'


def _figure_path(value: Any) -> tuple[str, ...]:
    """A figure path as a checked tuple: ``("services", key, column)`` (or crossings, places, borders),
    ``("parameters", name)``, ``("rail_speeds", country)`` or ``("demand", "scale")``, from dotted text whose
    segments may be double-quoted (a name with spaces or dots). A leading ``change.`` is dropped."""
    if not isinstance(value, str):
        raise ValueError("expected a figure path such as parameters.value_of_time_usd_per_teu_hour")
    text = value.strip()
    parts = [m.group(1) if m.group(1) is not None else m.group(2).strip() for m in _SEGMENTS.finditer(text)]
    if not parts or text.endswith(".") or _SEGMENTS.sub("", text):
        raise ValueError(f'cannot read the figure path {value[:80]!r}; write e.g. services."Service name".column')
    rebuilt = ".".join(_quoted(p) for p in parts)
    if parts[0] == "change":
        parts = parts[1:]
    if any(not p or len(p) > 120 for p in parts):
        raise ValueError(f"{rebuilt!r}: every part of a figure path is 1 to 120 characters")
    if not parts:
        raise ValueError("empty figure path")
    head = parts[0]
    if head in _ROW_TABLES and len(parts) != 3:
        raise ValueError(f"{head} figures are named {head}.<row>.<column>, got {rebuilt!r}")
    if head in _VALUE_TABLES and len(parts) != 2:
        raise ValueError(f"{head} figures are named {head}.<name>, got {rebuilt!r}")
    if head == "demand" and parts != ["demand", "scale"]:
        raise ValueError(f"the demand's figure is demand.scale, got {rebuilt!r}")
    if head not in (*_ROW_TABLES, *_VALUE_TABLES, "demand"):
        known = ", ".join((*_ROW_TABLES, *_VALUE_TABLES, "demand.scale"))
        raise ValueError(f"no figure {rebuilt!r}: a path starts with one of {known}")
    return tuple(parts)


def _listed(value: Any) -> Any:
    """One path as a list of one; several paths (varied together) as they are."""
    return [value] if isinstance(value, str) else value


def _label(path: tuple[str, ...]) -> str:
    return ".".join(_quoted(p) for p in path)


FigurePath = Annotated[tuple[str, ...], BeforeValidator(_figure_path)]
#: One figure path, or a list of them varied together (each set to, or multiplied by, the run's value).
FigurePaths = Annotated[list[FigurePath], BeforeValidator(_listed), Field(min_length=1, max_length=50)]
Key = Annotated[str, Field(min_length=1, max_length=120)]
PlaceText = Annotated[str, Field(min_length=1, max_length=120)]


def _kinds(changes: Sequence[tuple[str, float]]) -> None:
    if len({kind for kind, _ in changes}) > 1:
        raise ValueError("mixes numbers (set the figure) and factors xN (multiply it); use one kind")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SweepParameter(_Strict):
    """One figure a sweep varies (or several, varied together): its column ``name``, the ``change`` path (or a
    list of paths), and ``values`` or a ``range``."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=60)]
    change: FigurePaths
    values: list[Change] | None = Field(default=None, max_length=MAX_VALUES)
    range: tuple[Change, Change] | None = None
    steps: int | None = Field(default=None, ge=2, le=MAX_RUNS)

    @field_validator("values")
    @classmethod
    def _values(cls, values: list[tuple[str, float]] | None) -> list[tuple[str, float]] | None:
        if values is not None and not values:
            raise ValueError("no values: give at least one (a number sets the figure, xN multiplies it)")
        if values:
            _kinds(values)
        return values

    @field_validator("range")
    @classmethod
    def _range(cls, bounds: tuple[tuple[str, float], tuple[str, float]] | None):
        if bounds is not None:
            _kinds(bounds)
            if bounds[0][1] > bounds[1][1]:
                raise ValueError(f"low {bounds[0][1]:g} is above high {bounds[1][1]:g}; write [low, high]")
        return bounds

    @field_validator("change")
    @classmethod
    def _paths_once(cls, paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        for j, path in enumerate(paths):
            if path in paths[:j]:
                raise ValueError(f"{_label(path)} is listed twice")
        return paths

    @property
    def label(self) -> str:
        """The figure paths as written back, e.g. ``parameters.value_of_time_usd_per_teu_hour``."""
        return ", ".join(_label(path) for path in self.change)

    def choices(self) -> list[tuple[str, float]]:
        """The values a grid takes: ``values``, or ``steps`` evenly spaced over the range (both ends included)."""
        if self.values is not None:
            return list(self.values)
        assert self.range is not None and self.steps is not None  # checked when the sweep was loaded
        (kind, low), (_, high) = self.range
        return [(kind, float(v)) for v in np.linspace(low, high, self.steps)]


class Questions(_Strict):
    """What every run answers: corridor comparisons for ``pairs`` (default: the base scenario's), their transit-time
    percentiles, and optionally the assignment of the demand."""

    pairs: list[tuple[PlaceText, PlaceText]] | None = Field(default=None, max_length=MAX_PAIRS)
    corridors: list[Key] | None = Field(default=None, max_length=50)  # family ids; default: every family
    reliability: list[Literal[10, 50, 90, 95]] = Field(default=[50, 90], max_length=4)
    draws: int = Field(default=DEFAULT_DRAWS, ge=1, le=MAX_DRAWS)
    assignment: bool = False
    elements: list[Key] = Field(default=["Caspian container feeder Aktau–Alat"], max_length=50)
    gap: float = Field(default=1e-6, gt=0, lt=1)

    @field_validator("reliability")
    @classmethod
    def _once(cls, percentiles: list[int]) -> list[int]:
        if len(set(percentiles)) != len(percentiles):
            raise ValueError("a percentile is given twice")
        return percentiles


class Sweep(_Strict):
    """A sweep as written, with its base scenario loaded (by :func:`load_sweep` or :func:`sweep_from_dict`)."""

    name: Key
    description: Annotated[str, Field(max_length=5000)] = ""
    base: Annotated[str, Field(min_length=1, max_length=1000)] = "baseline"
    sample: Literal["grid", "random"] = "grid"
    runs: int | None = Field(default=None, ge=1, le=MAX_RUNS)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    parameters: list[SweepParameter] = Field(min_length=1, max_length=MAX_PARAMETERS)
    questions: Questions = Questions()
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)
    _file: str | None = PrivateAttr(default=None)
    _where: str = PrivateAttr(default="sweep")
    _scenario: Scenario | None = PrivateAttr(default=None)

    @property
    def where(self) -> str:
        """How the sweep is named in messages: its file, ``name (shipped)``, or ``sweep``."""
        return self._where

    @property
    def scenario(self) -> Scenario:
        """The base scenario, with the chain it extends."""
        if self._scenario is None:
            raise self.error("the sweep has no base scenario loaded; use load_sweep or sweep_from_dict")
        return self._scenario

    def error(self, message: str, location: tuple = (), *, field: str | None = None) -> SweepError:
        """A SweepError about ``location`` (a field path) in this sweep: where, line and field."""
        field = field if field is not None else ".".join(str(p) for p in location) or None
        line = line_of(self._lines, location) if self._lines else None
        return _error(self._where, message, path=self._file, line=line, field=field)

    def run_count(self) -> int:
        """How many runs the sweep asks for."""
        if self.sample == "random":
            return self.runs or 0
        return math.prod(len(p.choices()) for p in self.parameters)


@dataclass(frozen=True)
class SweepRun:
    """One run: its number and each parameter's value (``("set", v)`` or ``("times", factor)``), by name."""

    index: int
    values: dict[str, tuple[str, float]]

    def columns(self) -> dict[str, float]:
        """The run's parameter columns: the number written (the value set, or the factor)."""
        return {name: amount for name, (_kind, amount) in self.values.items()}


# --- reading ---------------------------------------------------------------------------------------------------


def _read(name_or_path: str | Path) -> tuple[str, str, str | None]:
    """(text, where, file path or None) of a shipped sweep or a file; bounded in size."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_SWEEPS:
        text = resources.files("corridor").joinpath(f"data/sweeps/{name_or_path}.yaml").read_text(encoding="utf-8")
        return text, f"{name_or_path}{_SHIPPED}", None
    where = str(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        message = f"no such sweep file (shipped sweeps: {', '.join(SHIPPED_SWEEPS)})"
        raise _error(where, message, path=where, line=None, field=None)
    return read_yaml_text(path, where, kind="sweep", error=_error), where, where


def _as_written(data: Any, loc: tuple) -> tuple:
    """``loc`` cut where the data as written ends: one path written as text is validated as a list of one, and
    its error is about the text, not its item 0."""
    node = data
    for end, part in enumerate(loc):
        listed = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if listed or (isinstance(node, Mapping) and part in node):
            node = node[part]
        elif isinstance(node, str):
            return loc[:end]
        else:
            break
    return loc


def _validated(data: Any, where: str, lines: dict[tuple, int], path: str | None) -> Sweep:
    """The Sweep model of parsed data; the first problem becomes a SweepError naming the field."""
    if not isinstance(data, Mapping):
        message = "a sweep is a mapping with at least 'name' and 'parameters'"
        raise _error(where, message, path=path, line=1 if path else None, field=None)
    try:
        sweep = Sweep.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _as_written(data, tuple(err["loc"]))
        field = ".".join(str(p) for p in loc) or None
        line = line_of(lines, loc) if lines else None
        raise _error(where, err["msg"].removeprefix("Value error, "), path=path, line=line, field=field) from None
    sweep._lines, sweep._file, sweep._where = lines, path, where
    return sweep


def _check_shape(sweep: Sweep) -> None:
    """What the field models cannot see: the sample's own fields, names and paths used once, the run count."""
    if sweep.sample == "random" and sweep.runs is None:
        raise sweep.error("a random sweep needs runs (how many seeded draws)", ("sample",), field="runs")
    if sweep.sample == "grid" and sweep.runs is not None:
        raise sweep.error("runs is for random sweeps; a grid runs every combination of the values", ("runs",))
    names: dict[str, int] = {}
    paths: dict[tuple[str, ...], int] = {}
    for i, p in enumerate(sweep.parameters):
        loc = ("parameters", i)
        if p.name in _RESERVED:
            raise sweep.error(f"{p.name!r} is an answer's column; choose another name", (*loc, "name"))
        if p.name in names:
            raise sweep.error(f"name {p.name!r} is already used by parameters.{names[p.name]}", (*loc, "name"))
        for j, path in enumerate(p.change):
            if path in paths:
                message = f"{_label(path)} is already varied by parameters.{paths[path]}"
                raise sweep.error(message, (*loc, "change", j) if len(p.change) > 1 else (*loc, "change"))
            paths[path] = i
        names[p.name] = i
        if p.values is None and p.range is None:
            raise sweep.error("give values: [...] or range: [low, high]", loc, field=f"parameters.{i}.values")
        if p.values is not None and p.range is not None:
            raise sweep.error("give values or range, not both", (*loc, "range"))
        if p.steps is not None and (p.range is None or sweep.sample == "random"):
            why = "a random sweep draws from the range" if p.range is not None else "steps go with a range"
            raise sweep.error(f"steps apply to a range in a grid sweep only ({why})", (*loc, "steps"))
        if p.range is not None and sweep.sample == "grid" and p.steps is None:
            raise sweep.error("a range in a grid sweep needs steps (how many values, ends included)", (*loc, "range"))
    if sweep.sample == "grid" and (count := sweep.run_count()) > MAX_RUNS:
        sizes = " × ".join(str(len(p.choices())) for p in sweep.parameters)
        message = f"a grid of {sizes} = {count:,} runs is more than {MAX_RUNS:,}; use fewer values or sample: random"
        raise sweep.error(message, ("parameters",))
    pairs = sweep.questions.pairs or []
    for i, pair in enumerate(pairs):
        if pair in pairs[:i]:
            raise sweep.error(f"pair {list(pair)} is given twice", ("questions", "pairs", i))
    if not pairs and sweep.questions.pairs is not None and not sweep.questions.assignment:
        raise sweep.error("no question: give pairs, or assignment: true", ("questions",))


def _base_scenario(sweep: Sweep, base_dir: Path | None) -> Scenario:
    """The base scenario: a shipped name, or (for a sweep the user named) a file relative to the sweep."""
    if sweep.base in SHIPPED_SCENARIOS:
        return load_scenario(sweep.base)
    if sweep._file is None and sweep.where.endswith(_SHIPPED):
        raise sweep.error(f"a shipped sweep may use only a shipped scenario, got {sweep.base!r}", ("base",))
    target = Path(sweep.base)
    if base_dir is not None and not target.is_absolute():
        target = base_dir / target
    if not target.is_file():
        names = ", ".join(SHIPPED_SCENARIOS)
        raise sweep.error(f"no such scenario file {str(target)!r} (shipped scenarios: {names})", ("base",))
    return load_scenario(target)


def _finish(sweep: Sweep, base_dir: Path | None) -> Sweep:
    _check_shape(sweep)
    sweep._scenario = _base_scenario(sweep, base_dir)
    return sweep


def load_sweep(name_or_path: str | Path) -> Sweep:
    """A shipped sweep by name, or a YAML file the user named, with its base scenario loaded.

    Any problem in the file is a SweepError naming the file, the line and the field (a problem in the base
    scenario is that scenario's ScenarioError). The data pack is not read here: :func:`check_sweep` does that.
    """
    text, where, path = _read(name_or_path)
    data, lines = parse_yaml(text, where, path, kind="sweep", error=_error)
    sweep = _validated(data, where, lines, path)
    return _finish(sweep, Path(path).parent if path is not None else None)


def sweep_from_dict(data: Mapping[str, Any], *, where: str = "sweep", relative_to: str | Path | None = None) -> Sweep:
    """A sweep from already-parsed fields (errors name the field, without a line); ``base`` may be a shipped
    scenario or a scenario file (relative to ``relative_to``, default the working directory)."""
    sweep = _validated(data, where, {}, None)
    return _finish(sweep, Path(relative_to) if relative_to is not None else None)


# --- runs --------------------------------------------------------------------------------------------------------


def sweep_runs(sweep: Sweep) -> list[SweepRun]:
    """The runs, in order: a grid's combinations (the last parameter varying fastest), or ``runs`` seeded draws
    (each parameter in turn: one of its values, equally likely, or uniform over its range). The same sweep gives
    the same runs; no data pack or network is needed."""
    names = [p.name for p in sweep.parameters]
    if sweep.sample == "grid":
        grid = itertools.product(*(p.choices() for p in sweep.parameters))
        return [SweepRun(i, dict(zip(names, combo, strict=True))) for i, combo in enumerate(grid)]
    rng = np.random.default_rng(sweep.seed)
    runs = []
    for i in range(sweep.runs or 0):
        values: dict[str, tuple[str, float]] = {}
        for p in sweep.parameters:
            if p.values is not None:
                values[p.name] = p.values[int(rng.integers(len(p.values)))]
            else:
                assert p.range is not None
                (kind, low), (_, high) = p.range
                values[p.name] = (kind, float(rng.uniform(low, high)))
        runs.append(SweepRun(i, values))
    return runs


def _base_demand(scenario: Scenario) -> tuple[str, float]:
    """The demand set and scale the base scenario's chain ends with (as ``apply_scenario`` reads them)."""
    demand_set, scale = "corridor-2024", 1.0
    for s in chain(scenario):
        if "demand" in s.model_fields_set:
            demand_set, scale = s.demand.set, s.demand.scale
    return demand_set, scale


Entry = tuple[Sequence[tuple[str, ...]], tuple[str, float]]  # figure paths and the value they take


def _scenario_of(sweep: Sweep, entries: Iterable[Entry], label: str) -> Scenario:
    """The base scenario extended by one whose ``change`` (and ``demand.scale``) hold ``entries``."""
    change: dict[str, dict[str, Any]] = {}
    data: dict[str, Any] = {"name": f"{sweep.name[:100]} {label}"[:120]}
    for paths, (kind, amount) in entries:
        written: float | str = amount if kind == "set" else f"x{amount!r}"
        for head, *rest in paths:
            if head == "demand":
                demand_set, scale = _base_demand(sweep.scenario)
                data["demand"] = {"set": demand_set, "scale": amount if kind == "set" else scale * amount}
            elif len(rest) == 2:
                change.setdefault(head, {}).setdefault(rest[0], {})[rest[1]] = written
            else:
                change.setdefault(head, {})[rest[0]] = written
    if change:
        data["change"] = change
    scenario = Scenario.model_validate(data)
    return scenario.model_copy(update={"parent": sweep.scenario, "path": sweep.where})


def variant(sweep: Sweep, values: Mapping[str, tuple[str, float]], *, label: str = "run") -> Scenario:
    """The scenario of one run: the base scenario extended by one whose ``change`` (and ``demand.scale``) hold
    ``values`` (by parameter name; a parameter not given is left as the base has it)."""
    return _scenario_of(sweep, [(p.change, values[p.name]) for p in sweep.parameters if p.name in values], label)


def _problem(exc: ScenarioError, where: str) -> str:
    """A run scenario's error without its own ``where: field '…': `` prefix (the sweep names its own field)."""
    prefix = f"{where}: " + (f"field {exc.field!r}: " if exc.field else "")
    return str(exc).removeprefix(prefix)


def _try(sweep: Sweep, pack: DataPack, entry: Entry) -> str | None:
    """Why one entry on top of the base cannot apply to ``pack`` (None if it can)."""
    try:
        apply_scenario(pack, _scenario_of(sweep, [entry], "check"))
    except ValidationError as exc:
        return exc.errors()[0]["msg"].removeprefix("Value error, ")
    except ScenarioError as exc:
        return _problem(exc, sweep.where)
    return None


def _check_parameters(sweep: Sweep, pack: DataPack) -> None:
    """Each parameter's paths name figures of the pack, and its smallest and largest values are within the pack's
    ranges (a range check is an interval, so the values between pass too)."""
    for i, p in enumerate(sweep.parameters):
        loc = ("parameters", i)
        for j, path in enumerate(p.change):
            if path[0] == "demand":
                continue
            problem = _try(sweep, pack, ([path], ("times", 1.0)))
            if problem is not None and not problem.startswith("cannot multiply an empty figure"):
                raise sweep.error(problem, (*loc, "change", j) if len(p.change) > 1 else (*loc, "change"))
        if p.values is not None:
            amounts = [amount for _, amount in p.values]
            ends = dict.fromkeys([amounts.index(min(amounts)), amounts.index(max(amounts))])
            candidates = [(("values", j), p.values[j]) for j in ends]
        else:
            assert p.range is not None
            candidates = [(("range", 0), p.range[0]), (("range", 1), p.range[1])]
        for where, value in candidates:
            problem = _try(sweep, pack, (p.change, value))
            if problem is not None:
                raise sweep.error(f"{p.label}: {problem}", (*loc, *where))


def _check_questions(sweep: Sweep, pack: DataPack) -> None:
    """The places of ``pairs``, the corridor families and the watched elements are the pack's."""
    q = sweep.questions
    index = PlaceIndex.from_places(pack.places)
    for i, pair in enumerate(q.pairs or []):
        for j, text in enumerate(pair):
            try:
                if parse_coordinates(text) is None:
                    index.find(text)
            except (UnknownPlaceError, CoordinateError) as exc:
                raise sweep.error(str(exc), ("questions", "pairs", i, j)) from None
    families = [f.id for f in pack.corridors]
    for i, family in enumerate(q.corridors or []):
        if family not in families:
            message = f"no corridor family {family!r} in the data pack (families: {', '.join(families)})"
            raise sweep.error(message, ("questions", "corridors", i))
    if q.assignment:
        known = {x.service for x in pack.services} | {c.name for c in pack.crossings} | {p.name for p in pack.places}
        for i, element in enumerate(q.elements):
            if element not in known:
                message = f"no service, crossing or terminal named {element!r} in the data pack"
                raise sweep.error(message, ("questions", "elements", i))


def check_sweep(sweep: Sweep, pack: DataPack) -> Applied:
    """Check the sweep against a data pack before anything runs: the base scenario applies, each parameter's path
    names a figure and its extreme values are within range, and the questions name what the pack has. Returns the
    base scenario applied (its pairs, objective, demand). Raises SweepError (or the base's ScenarioError)."""
    base = apply_scenario(pack, sweep.scenario)
    _check_parameters(sweep, pack)
    _check_questions(sweep, pack)
    return base
