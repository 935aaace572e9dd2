"""Scenario sweeps: many variants of one scenario from one YAML file, each run answered on its own network, serially
or as Dask tasks, into one table.

A run is the sweep's base scenario extended by the run's parameter values (``sweep_schema.variant``), applied to a
copy of the data pack. A run that changes a figure of the pack (or closes a crossing) gets a network joined in
memory from that pack and the cached base network — loaded once per process (:func:`worker_base`), so a run
costs the pack's join and an update of the cached network's landmark bounds for the changed figures, not a
rebuild; a run that changes no figure (the demand's scale only) answers on the cached network of the data pack,
loaded once per process (``executor.worker_network``). The
transit-time draws use seed 0 in every run, as ``corridor scenario run`` does: runs differ by their parameters,
not by their draws, and a run equal to a shipped scenario gives that scenario's figures.

The table has one row per run (index ``run``): the parameter values (the number written: the value set, or the
factor), then for each pair and corridor family ``{origin}→{destination} {corridor} {metric}`` with the metrics
``days``, ``p{N}_days`` (each percentile asked), ``usd_per_teu`` and ``kg_co2e_per_teu`` (NaN when the family has no
route), then, with ``assignment: true``, the flows (``FLOW_ANSWERS`` and two columns per watched element). Runs are
deterministic, so a sweep on a cluster equals the same sweep run serially, value for value.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.compare import compare_corridors
from corridor.datapack import DataPack, load_pack
from corridor.engine import Engine
from corridor.errors import CorridorError
from corridor.flows.assignment import assign_demand
from corridor.flows.demand import Demand, read_demand
from corridor.flows.run import FlowResult
from corridor.network.base import BaseNetwork
from corridor.network.base_cache import load_base
from corridor.options import QueryOptions
from corridor.scale.executor import run_tasks, settings_key, worker_network
from corridor.scale.sweep_schema import (
    Questions,
    Sweep,
    SweepError,
    SweepRun,
    check_sweep,
    load_sweep,
    sweep_runs,
    variant,
)
from corridor.scenario.apply import Applied, apply_scenario
from corridor.scenario.run import _scaled
from corridor.scenario.schema import Scenario
from corridor.settings import Settings

__all__ = ["joined_engine", "sweep", "worker_base", "worker_pack"]

#: Services whose TEU make up ``caspian_teu_per_year``: those whose name starts with this.
CASPIAN_PREFIX = "Caspian"

_loading = threading.Lock()  # a threaded worker loads the base (or the pack) once, not once per thread


@functools.cache
def _base(cache_folder: str) -> BaseNetwork:
    return load_base(Path(cache_folder))


@functools.cache
def _pack(data_pack: str | None) -> DataPack:
    return load_pack(data_pack)


def worker_base(cache_folder: str | Path) -> BaseNetwork:
    """The base network of a cache folder (built and saved first if missing), loaded once per process."""
    with _loading:
        return _base(str(cache_folder))


def worker_pack(data_pack: str | Path | None) -> DataPack:
    """The data pack of a folder (None: the shipped one), loaded once per process. Never changed: a scenario applies
    to a copy."""
    with _loading:
        return _pack(str(data_pack) if data_pack is not None else None)


def joined_engine(pack: DataPack, *, closed_crossings: Iterable[str] = (), settings: Settings) -> Engine:
    """``Engine.from_pack`` on the base network this process already holds (:func:`worker_base`): the pack's join,
    with the landmark bounds of the cached network of the data pack (``worker_network``) brought up to date, never
    the base's load or build."""
    reference = worker_network(*settings_key(settings.cache_folder, settings.data_pack))
    return Engine.from_pack(
        pack,
        closed_crossings=closed_crossings,
        settings=settings,
        base=worker_base(settings.cache_folder),
        reference=reference,
    )


# --- one run, a task ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    """What a worker needs for one run; picklable, small (no network, no data pack)."""

    index: int
    scenario: Scenario
    cache_folder: str
    data_pack: str | None
    pairs: tuple[tuple[str, str], ...]
    questions: Questions
    demand: Demand | None
    fault: tuple[str, str | None, int | None]  # the sweep's where, file and parameters line: for a run's error
    values: str  # the run's parameter values as text, for a run's error


@dataclass(frozen=True)
class _Answer:
    index: int
    answers: dict[str, Any]
    joined: bool  # whether the run joined a network of its own (it changed a figure or closed a crossing)
    seconds: float


def _run(task: _Task) -> _Answer:
    """One run: its scenario applied to a copy of the pack, its network, its answers. A mistake the pre-checks
    could not see (values that fail together) is a SweepError naming the run."""
    start = time.perf_counter()
    settings = Settings(Path(task.cache_folder), Path(task.data_pack) if task.data_pack is not None else None)
    try:
        base_pack = worker_pack(task.data_pack)
        applied = apply_scenario(base_pack, task.scenario)
        joined = applied.pack != base_pack or bool(applied.closed_crossings)
        if joined:
            engine = joined_engine(applied.pack, closed_crossings=applied.closed_crossings, settings=settings)
        else:
            engine = worker_network(task.cache_folder, task.data_pack)
        answers = _pair_answers(engine, applied, task)
        if task.questions.assignment:
            answers |= _flow_answers(engine, applied, task)
    except SweepError:
        raise
    except CorridorError as exc:
        where, path, line = task.fault
        message = f"{where}: line {line}: " if line is not None else f"{where}: "
        message += f"field 'parameters': run {task.index} ({task.values}): {exc}"
        raise SweepError(message, path=path, line=line, field="parameters") from None
    return _Answer(task.index, answers, joined, time.perf_counter() - start)


def _pair_answers(engine: Engine, applied: Applied, task: _Task) -> dict[str, Any]:
    """Days, the percentiles asked, USD and kg CO2e per TEU for each pair and corridor family."""
    q = task.questions
    options = QueryOptions.make(
        objective=applied.objective, avoid=applied.closed_countries, draws=q.draws if q.reliability else 0, seed=0
    )
    out: dict[str, Any] = {}
    for origin, destination in task.pairs:
        for option in compare_corridors(engine, origin, destination, options, corridors=q.corridors):
            prefix, r = f"{origin}→{destination} {option.corridor}", option.route
            reliability = r.reliability if r is not None else None
            out[f"{prefix} days"] = r.days if r is not None else math.nan
            for p in q.reliability:
                hours = getattr(reliability, f"p{p}_hours") if reliability is not None else math.nan
                out[f"{prefix} p{p}_days"] = hours / 24.0
            out[f"{prefix} usd_per_teu"] = r.usd_per_teu if r is not None else math.nan
            out[f"{prefix} kg_co2e_per_teu"] = r.kg_co2e_per_teu if r is not None else math.nan
    return out


def _flow_answers(engine: Engine, applied: Applied, task: _Task) -> dict[str, Any]:
    """The assignment's TEU-hours, demand, TEU over capacity, TEU across the Caspian, the first bottleneck, the fit
    to the counts, and each watched element's TEU and utilisation."""
    assert task.demand is not None
    flows = assign_demand(
        engine, _scaled(task.demand, applied.demand_scale), gap=task.questions.gap, avoid=applied.closed_countries
    )
    return _flows_summary(flows, task.questions.elements)


def _flows_summary(flows: FlowResult, elements: Iterable[str]) -> dict[str, Any]:
    links, s = flows.links, flows.summary
    names = links["name"].astype(str)
    caspian = links.loc[(links["kind"] == "service") & names.str.startswith(CASPIAN_PREFIX), "teu_per_year"]
    top = flows.bottlenecks.iloc[0] if len(flows.bottlenecks) else None
    fit = flows.fit_summary()
    out: dict[str, Any] = {
        "teu_hours_per_year": float(s["teu_hours_per_year"]),
        "demand_teu_per_year": float(s["demand_teu_per_year"]),
        "over_capacity_teu_per_year": float(s["over_capacity_teu_per_year"]),
        "caspian_teu_per_year": float(caspian.sum()),
        "bottleneck": str(top["name"]) if top is not None else "none",
        "bottleneck_utilisation": float(top["utilisation"]) if top is not None else math.nan,
        "bottleneck_teu_hours_saved_per_year": float(top["teu_hours_saved_per_year"]) if top is not None else math.nan,
        "fit_wape_pct": float(fit["fitted"]["wape_pct"]),
        "held_out_wape_pct": float(fit["held_out"]["wape_pct"]),
    }
    for element in elements:
        rows = links[(names == element) | names.str.startswith(f"{element} (")]
        out[f"{element} teu_per_year"] = float(rows["teu_per_year"].sum())
        out[f"{element} utilisation"] = float(rows["utilisation"].max()) if len(rows) else math.nan
    return out


# --- the sweep ----------------------------------------------------------------------------------------------------


def _values_text(run: SweepRun) -> str:
    shown = (f"{name}={'x' if kind == 'times' else ''}{amount:g}" for name, (kind, amount) in run.values.items())
    return ", ".join(shown)


def sweep(
    path_or_sweep: str | Path | Sweep,
    *,
    client: Any = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every variant of a sweep (a YAML file, a shipped sweep's name, or a loaded :class:`Sweep`): one row per
    run, index ``run``, the parameter values then the answers (see the module's text for the columns).

    The sweep is checked against the data pack of ``settings`` before any run starts (one SweepError naming the
    file, line and field). ``client``: a Dask client (``cluster_client``) runs each run as one task on its workers
    (each worker process keeps the base network, the data pack and the cached network it loaded); None runs them
    here, in order. The table is the same either way. ``progress(done, total)`` after each run. ``attrs["sweep"]``
    holds the sweep's name, sample and seed, and each run's seconds and whether it joined a network of its own.
    """
    spec = path_or_sweep if isinstance(path_or_sweep, Sweep) else load_sweep(path_or_sweep)
    settings = settings or Settings()
    cache_folder, data_pack = settings_key(settings.cache_folder, settings.data_pack)
    assert cache_folder is not None
    base = check_sweep(spec, worker_pack(data_pack))
    runs = sweep_runs(spec)
    q = spec.questions
    pairs = tuple((a, b) for a, b in q.pairs) if q.pairs is not None else base.pairs
    demand = read_demand(base.demand_set) if q.assignment else None
    fault = spec.error("", ("parameters",))
    where = (spec.where, fault.path, fault.line)
    tasks = []
    for run in runs:
        scenario = variant(spec, run.values, label=f"run {run.index}")
        task = _Task(run.index, scenario, cache_folder, data_pack, pairs, q, demand, where, _values_text(run))
        tasks.append(task)
    started = time.perf_counter()
    answers = run_tasks(_run, tasks, client=client, progress=progress)
    wall = time.perf_counter() - started
    frame = pd.DataFrame(
        [run.columns() | answer.answers for run, answer in zip(runs, answers, strict=True)],
        index=pd.RangeIndex(len(runs), name="run"),
    )
    frame.attrs["sweep"] = {
        "name": spec.name,
        "base": spec.base,
        "sample": spec.sample,
        "seed": spec.seed,
        "runs": len(runs),
        "seconds": wall,
        "run_seconds": [round(a.seconds, 3) for a in answers],
        "joined": [a.joined for a in answers],
    }
    return frame
