"""The names and defaults every entry point shares: objectives, modes, place kinds, bounds.

The Python API, the command line, the REST API and the map page read these, so a default or a
limit is stated once.
"""

from __future__ import annotations

__all__ = [
    "ALTERNATIVE_RANKS",
    "ASSIGNMENT_ALGORITHMS",
    "ASSIGNMENT_METHODS",
    "ASSIGN_METHODS",
    "CARBON_PRICE_MAX_USD_PER_T_CO2E",
    "DEFAULT_ASSIGNMENT_ALGORITHM",
    "DEFAULT_ASSIGN_GAP",
    "DEFAULT_ASSIGN_METHOD",
    "DEFAULT_COMPARE_OBJECTIVE",
    "DEFAULT_DEMAND_SET",
    "DEFAULT_DRAWS",
    "DEFAULT_MAX_SNAP_KM",
    "DEFAULT_OBJECTIVE",
    "DEFAULT_PROFILE",
    "MAX_DRAWS",
    "MAX_SNAP_KM_LIMIT",
    "OBJECTIVES",
    "PLACE_KINDS",
    "PROFILES",
    "REACH_MAX_DAYS",
    "REACH_MAX_USD_PER_TEU",
    "ROUTABLE_MODES",
    "SEA_PASSAGE_NAMES",
    "SHIPPED_DEMAND",
    "VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR",
]

#: What a route minimises: hours, USD per TEU, kg CO2e per TEU, a generalized cost, or km.
OBJECTIVES = ("time", "cost", "co2", "generalized", "distance")
#: The objective of ``route`` and ``path`` when none is given.
DEFAULT_OBJECTIVE = "time"
#: How alternatives are ordered: by the objective's true cost, or by the transit P90 of their reliability.
ALTERNATIVE_RANKS = ("objective", "p90")
#: The objective of ``compare`` (and the map page's table) when none is given: corridors differ in
#: price as much as in days, so the comparison weighs both.
DEFAULT_COMPARE_OBJECTIVE = "generalized"
#: Modes a caller may allow or forbid; transfers and borders come with them.
ROUTABLE_MODES = ("rail", "road", "sea", "ferry", "service")
#: How a container travels: ``intermodal`` (a transport chain: road only for pre- and on-carriage near the ends
#: and via places, trunk legs by rail, ship or scheduled service) or ``truck`` (road may be a trunk mode).
PROFILES = ("intermodal", "truck")
#: Monte Carlo draws of a route's reliability by default, and the most a query may ask for.
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 1_000_000
DEFAULT_PROFILE = "intermodal"
#: What a data-pack place can be.
PLACE_KINDS = ("rail_terminal", "seaport", "ferry_port", "border_crossing", "gauge_change")

#: What ``assign`` shares out when no demand is named, by which method, to which relative gap.
#: The demand sets shipped with the package, by name.
SHIPPED_DEMAND = ("corridor-2024",)
DEFAULT_DEMAND_SET = "corridor-2024"
#: How ``corridor assign`` shares demand: ``sue`` (shipper segments, logit route choice with queues, the default),
#: ``ue`` (deterministic user equilibrium) or ``so`` (system optimum).
ASSIGN_METHODS = ("sue", "ue", "so")
DEFAULT_ASSIGN_METHOD = "sue"
DEFAULT_ASSIGN_GAP = 1e-6

#: The general assignment engine (``corridor.assign_traffic``): methods, algorithms and the default algorithm,
#: Algorithm B (bush-based), the fastest to high precision; ``gp`` when the paths are wanted.
ASSIGNMENT_METHODS = ("ue", "so")
ASSIGNMENT_ALGORITHMS = ("b", "gp", "fw", "cfw", "bfw")
DEFAULT_ASSIGNMENT_ALGORITHM = "b"

#: How far a coordinate may lie from the network by default, km.
DEFAULT_MAX_SNAP_KM = 50.0
#: Upper bounds: beyond them a figure is a typo.
VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR = 1e6
CARBON_PRICE_MAX_USD_PER_T_CO2E = 1e6
#: A coordinate more than this far from any rail or road node is not a place on the network, km.
MAX_SNAP_KM_LIMIT = 1000.0
REACH_MAX_DAYS = 120.0
REACH_MAX_USD_PER_TEU = 100_000.0

#: Display names of the sea layer's passage tags (marnet's ``passage`` attribute), for legs and reasons.
SEA_PASSAGE_NAMES = {
    "babalmandab": "Bab el-Mandeb",
    "bering": "Bering Strait",
    "bosporus": "Bosporus",
    "chili": "Strait of Magellan",
    "dardanelles": "Dardanelles",
    "gibraltar": "Strait of Gibraltar",
    "malacca": "Strait of Malacca",
    "northwest": "Northwest Passage",
    "ormuz": "Strait of Hormuz",
    "panama": "Panama Canal",
    "south_africa": "Cape of Good Hope",
    "suez": "Suez Canal",
    "sunda": "Sunda Strait",
}
