"""Static traffic assignment: user equilibrium and system optimum on networks with volume-delay functions.

``assign(network, demand)`` is the front door (``engine``): it takes an ``AssignmentNetwork`` and
one or more ``Demand`` classes (``inputs``). ``tntp`` reads and writes the TNTP benchmark formats;
``vdf`` holds the volume-delay functions (BPR, and a queue function for services and border
crossings).
"""

from corridor.assign.engine import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    METHODS,
    AssignmentResult,
    PathSet,
    assign,
    conservation_error,
)
from corridor.assign.inputs import AssignmentNetwork, Demand
from corridor.assign.tntp import TntpProblem, read_tntp_dir, write_flows
from corridor.assign.vdf import VdfKind

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "METHODS",
    "AssignmentNetwork",
    "AssignmentResult",
    "Demand",
    "PathSet",
    "TntpProblem",
    "VdfKind",
    "assign",
    "conservation_error",
    "read_tntp_dir",
    "write_flows",
]
