"""corridor: freight routes, days, cost and CO2 on the China – Kazakhstan – Europe corridors.

>>> import corridor
>>> net = corridor.Network.load()                                  # doctest: +SKIP
>>> r = net.route("Xi'an", "Klaipeda", avoid={"RU", "BY"})         # doctest: +SKIP
>>> r.km, r.hours, r.usd_per_teu, r.kg_co2e_per_teu, r.countries   # doctest: +SKIP

Everything public is a name of this package (``corridor.X``); the command line and the REST
server use nothing else. Names are imported when first used, so ``import corridor`` stays
light (the errors come at once; numpy, numba and the network code when a name needs them).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from corridor.errors import (
    CoordinateError,
    CorridorError,
    DataError,
    DemandError,
    ExtraNotInstalledError,
    FileFormatError,
    FileInputError,
    InputError,
    NoRouteError,
    OptionsError,
    ScenarioError,
    UnknownPlaceError,
)

#: public name → (module, name in that module), imported on first use
_LAZY: dict[str, tuple[str, str]] = {
    # settings and the cache
    "Settings": ("corridor.settings", "Settings"),
    "CacheInfo": ("corridor.engine.cache_info", "CacheInfo"),
    "cache_info": ("corridor.engine.cache_info", "cache_info"),
    "clear_cache": ("corridor.engine.cache_info", "clear_network_cache"),
    "QueryOptions": ("corridor.options", "QueryOptions"),
    # the network and its answers
    "Network": ("corridor.api", "Network"),
    "PlaceInfo": ("corridor.api", "PlaceInfo"),
    "list_places": ("corridor.api", "list_places"),
    "CrossingInfo": ("corridor.api", "CrossingInfo"),
    "list_crossings": ("corridor.api", "list_crossings"),
    "validate": ("corridor.api", "validate"),
    "Route": ("corridor.results", "Route"),
    "RoutePath": ("corridor.results", "RoutePath"),
    "Leg": ("corridor.results", "Leg"),
    "BorderCrossing": ("corridor.results", "BorderCrossing"),
    "CorridorOption": ("corridor.compare", "CorridorOption"),
    "Alternatives": ("corridor.alternatives", "Alternatives"),
    "MAX_ALTERNATIVES": ("corridor.alternatives", "MAX_ALTERNATIVES"),
    "ALTERNATIVE_RANKS": ("corridor.constants", "ALTERNATIVE_RANKS"),
    "ReachResult": ("corridor.reach", "ReachResult"),
    "FlowResult": ("corridor.flows.run", "FlowResult"),
    "Calibration": ("corridor.flows.calibrate", "Calibration"),
    "CountFit": ("corridor.flows.fit", "CountFit"),
    "summarise_fit": ("corridor.flows.fit", "summarise"),
    "ASSIGN_METHODS": ("corridor.constants", "ASSIGN_METHODS"),
    # corridor comparison tables and charts
    "comparison_table": ("corridor.compare", "comparison_table"),
    "read_pairs": ("corridor.compare", "read_pairs"),
    "comparison_svg": ("corridor.compare_chart", "comparison_svg"),
    # demand and flows
    "Demand": ("corridor.flows.demand", "Demand"),
    "read_demand": ("corridor.flows.demand", "read_demand"),
    "SHIPPED_DEMAND": ("corridor.constants", "SHIPPED_DEMAND"),
    "write_flow_report": ("corridor.flows.report", "write_flow_report"),
    # validation against published figures
    "Benchmark": ("corridor.validation.benchmarks", "Benchmark"),
    "BenchmarkSet": ("corridor.validation.benchmarks", "BenchmarkSet"),
    "read_benchmarks": ("corridor.validation.benchmarks", "read_benchmarks"),
    "parse_benchmarks": ("corridor.validation.benchmarks", "parse_benchmarks"),
    "shipped_benchmarks": ("corridor.validation.benchmarks", "shipped_benchmarks"),
    "summarise": ("corridor.validation.run", "summarise"),
    "validation_to_dict": ("corridor.validation.run", "validation_to_dict"),
    "write_validation_report": ("corridor.validation.report", "write_report"),
    "validation_display_rows": ("corridor.validation.report", "display_rows"),
    "validation_display_summary": ("corridor.validation.report", "display_summary"),
    # what-if scenarios
    "SHIPPED_SCENARIOS": ("corridor.scenario.schema", "SHIPPED_SCENARIOS"),
    "Scenario": ("corridor.scenario.schema", "Scenario"),
    "load_scenario": ("corridor.scenario.schema", "load_scenario"),
    "scenario_from_body": ("corridor.scenario.schema", "scenario_from_body"),
    "run_scenario": ("corridor.scenario.run", "run_scenario"),
    "diff_scenarios": ("corridor.scenario.run", "diff_scenarios"),
    "ScenarioResult": ("corridor.scenario.run", "ScenarioResult"),
    "ScenarioDiff": ("corridor.scenario.run", "ScenarioDiff"),
    "write_scenario_report": ("corridor.scenario.report", "write_scenario_report"),
    "write_diff_report": ("corridor.scenario.report", "write_diff_report"),
    # scenario sweeps: many variants of one scenario, run serially or on Dask
    "sweep": ("corridor.scale.sweep", "sweep"),
    "load_sweep": ("corridor.scale.sweep_schema", "load_sweep"),
    "Sweep": ("corridor.scale.sweep_schema", "Sweep"),
    "SweepError": ("corridor.scale.sweep_schema", "SweepError"),
    "SHIPPED_SWEEPS": ("corridor.scale.sweep_schema", "SHIPPED_SWEEPS"),
    "cluster_client": ("corridor.scale.executor", "cluster_client"),
    "SCHEDULER_VARIABLE": ("corridor.scale.executor", "SCHEDULER_VARIABLE"),
    "LOCAL_SCHEDULER": ("corridor.scale.executor", "LOCAL_SCHEDULER"),
    "scheduler_address": ("corridor.scale.executor", "scheduler_address"),
    # the general traffic assignment engine and the TNTP formats
    "TntpProblem": ("corridor.assign.tntp", "TntpProblem"),
    "read_tntp_dir": ("corridor.assign.tntp", "read_tntp_dir"),
    "write_tntp_flows": ("corridor.assign.tntp", "write_flows"),
    "assign_traffic": ("corridor.assign.engine", "assign"),
    "ASSIGNMENT_ALGORITHMS": ("corridor.constants", "ASSIGNMENT_ALGORITHMS"),
    "ASSIGNMENT_METHODS": ("corridor.constants", "ASSIGNMENT_METHODS"),
    "ASSIGNMENT_STALL_ITERATIONS": ("corridor.assign.engine", "STALL_ITERATIONS"),
    "DEFAULT_ASSIGNMENT_ALGORITHM": ("corridor.constants", "DEFAULT_ASSIGNMENT_ALGORITHM"),
    # OD skims: one search tree per origin, serially or on Dask
    "SKIM_METRICS": ("corridor.scale.skim", "SKIM_METRICS"),
    "DEFAULT_SKIM_METRICS": ("corridor.scale.skim", "DEFAULT_SKIM_METRICS"),
    "SKIM_FORMATS": ("corridor.scale.skim_files", "SKIM_FORMATS"),
    "write_skim": ("corridor.scale.skim_files", "write_skim"),
    # map layers and output
    "country_outlines": ("corridor.network.countries", "country_outlines"),
    "json_dumps": ("corridor.jsontext", "dumps"),
    # the names, defaults and bounds every entry point shares
    "OBJECTIVES": ("corridor.constants", "OBJECTIVES"),
    "DEFAULT_OBJECTIVE": ("corridor.constants", "DEFAULT_OBJECTIVE"),
    "PROFILES": ("corridor.constants", "PROFILES"),
    "DEFAULT_PROFILE": ("corridor.constants", "DEFAULT_PROFILE"),
    "DEFAULT_DRAWS": ("corridor.constants", "DEFAULT_DRAWS"),
    "MAX_DRAWS": ("corridor.constants", "MAX_DRAWS"),
    "DEFAULT_DEMAND_SET": ("corridor.constants", "DEFAULT_DEMAND_SET"),
    "DEFAULT_ASSIGN_METHOD": ("corridor.constants", "DEFAULT_ASSIGN_METHOD"),
    "DEFAULT_ASSIGN_GAP": ("corridor.constants", "DEFAULT_ASSIGN_GAP"),
    "DEFAULT_COMPARE_OBJECTIVE": ("corridor.constants", "DEFAULT_COMPARE_OBJECTIVE"),
    "ROUTABLE_MODES": ("corridor.constants", "ROUTABLE_MODES"),
    "PLACE_KINDS": ("corridor.constants", "PLACE_KINDS"),
    "DEFAULT_MAX_SNAP_KM": ("corridor.constants", "DEFAULT_MAX_SNAP_KM"),
    "MAX_SNAP_KM_LIMIT": ("corridor.constants", "MAX_SNAP_KM_LIMIT"),
    "VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR": ("corridor.constants", "VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR"),
    "CARBON_PRICE_MAX_USD_PER_T_CO2E": ("corridor.constants", "CARBON_PRICE_MAX_USD_PER_T_CO2E"),
    "REACH_MAX_DAYS": ("corridor.constants", "REACH_MAX_DAYS"),
    "REACH_MAX_USD_PER_TEU": ("corridor.constants", "REACH_MAX_USD_PER_TEU"),
}

__all__ = [
    "CoordinateError",
    "CorridorError",
    "DataError",
    "DemandError",
    "ExtraNotInstalledError",
    "FileFormatError",
    "FileInputError",
    "InputError",
    "NoRouteError",
    "OptionsError",
    "ScenarioError",
    "UnknownPlaceError",
    "__version__",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562); later uses find it in the module's namespace."""
    if name == "__version__":
        globals()[name] = value = _installed_version()
        return value
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'corridor' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def _installed_version() -> str:
    """The installed distribution's version (read on first use: ``importlib.metadata`` is slow to import)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})


if TYPE_CHECKING:  # the main types, imported eagerly for type checkers and editors only
    from corridor.api import Network, PlaceInfo  # noqa: F401
    from corridor.compare import CorridorOption  # noqa: F401
    from corridor.results import Route, RoutePath  # noqa: F401
    from corridor.settings import Settings  # noqa: F401
