"""What-if scenarios: YAML files applied to a copy of the data pack, run, reported and compared."""

from corridor.scenario.apply import Applied, apply_scenario
from corridor.scenario.report import write_diff_report, write_scenario_report
from corridor.scenario.run import ScenarioDiff, ScenarioResult, diff_scenarios, run_scenario
from corridor.scenario.schema import SHIPPED_SCENARIOS, Scenario, load_scenario, scenario_from_body, scenario_from_dict

__all__ = [
    "SHIPPED_SCENARIOS",
    "Applied",
    "Scenario",
    "ScenarioDiff",
    "ScenarioResult",
    "apply_scenario",
    "diff_scenarios",
    "load_scenario",
    "run_scenario",
    "scenario_from_body",
    "scenario_from_dict",
    "write_diff_report",
    "write_scenario_report",
]
