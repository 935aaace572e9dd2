"""The inputs of an assignment: the network with its volume-delay functions, and the demand by class.

Both are frozen dataclasses that check their arrays once, on creation, and keep read-only copies,
so a bad value is reported against its name and link instead of surfacing inside the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.assign.vdf import VdfKind
from corridor.errors import InputError

__all__ = ["AssignmentNetwork", "Demand", "node_indices"]


def _floats(values, n: int, name: str) -> np.ndarray:
    try:
        out = np.array(np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)), dtype=np.float64)
    except ValueError:
        raise InputError(f"{name} needs one number per link ({n}) or a single number") from None
    if np.isnan(out).any():
        raise InputError(f"{name} has NaN values")
    return out


def node_indices(values, name: str, num_nodes: int | None = None) -> np.ndarray:
    """``values`` as an int64 array of node indices, checked to lie in ``0 .. num_nodes − 1``."""
    raw = np.asarray(values)
    if raw.size and not np.issubdtype(raw.dtype, np.integer) and not np.array_equal(raw, np.round(raw)):
        raise InputError(f"{name} must hold integer node indices")
    out = np.array(raw, dtype=np.int64).reshape(-1)
    bad = (out < 0) | (out >= (num_nodes if num_nodes is not None else np.iinfo(np.int64).max))
    if bad.any():
        upper = f"{num_nodes - 1}" if num_nodes is not None else "…"
        raise InputError(f"{name} has node index {int(out[bad][0])} outside 0..{upper}")
    return out


@dataclass(frozen=True)
class AssignmentNetwork:
    """Directed links between nodes ``0 .. num_nodes − 1`` and their volume-delay functions.

    Per link: ``tail`` and ``head`` (node indices), ``free_flow_time`` (time units, ≥ 0),
    ``capacity`` (volume units per the demand's period; ``inf`` for uncongested links),
    ``vdf_kind`` (``VdfKind`` codes), ``alpha`` and ``beta`` (BPR ``b`` and power; queue delay
    scale ``w`` and knee ``ρ*``) and ``fixed_cost`` (added to ``w_k · time``; tolls, distance
    charges). Nodes below ``first_thru_node`` are zones: paths may start or end there but
    never pass through.
    """

    num_nodes: int
    tail: np.ndarray
    head: np.ndarray
    free_flow_time: np.ndarray
    capacity: np.ndarray
    vdf_kind: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    fixed_cost: np.ndarray
    first_thru_node: int = 0

    def __post_init__(self) -> None:
        n = int(self.num_nodes)
        if n < 1:
            raise InputError("an assignment network needs at least one node")
        tail = node_indices(self.tail, "tail", n)
        m = len(tail)
        head = node_indices(self.head, "head", n)
        if len(head) != m:
            raise InputError(f"tail has {m} links but head has {len(head)}")
        kind = np.array(np.broadcast_to(np.asarray(self.vdf_kind), (m,)), dtype=np.int8)
        if not np.isin(kind, [k.value for k in VdfKind]).all():
            raise InputError(f"vdf_kind must be one of {[k.value for k in VdfKind]} ({', '.join(VdfKind.__members__)})")
        t0 = _floats(self.free_flow_time, m, "free_flow_time")
        cap = _floats(self.capacity, m, "capacity")
        alpha = _floats(self.alpha, m, "alpha")
        beta = _floats(self.beta, m, "beta")
        fixed = _floats(self.fixed_cost, m, "fixed_cost")
        checks = [
            ((t0 >= 0) & np.isfinite(t0), "free_flow_time must be finite and ≥ 0"),
            (cap > 0, "capacity must be > 0 (inf for an uncongested link)"),
            ((alpha >= 0) & np.isfinite(alpha), "alpha (BPR b, queue w) must be finite and ≥ 0"),
            ((fixed >= 0) & np.isfinite(fixed), "fixed_cost must be finite and ≥ 0"),
            ((kind != VdfKind.BPR) | (beta == 0) | ((beta >= 1) & np.isfinite(beta)), "BPR power must be 0 or ≥ 1"),
            ((kind != VdfKind.QUEUE) | ((beta > 0) & (beta < 1)), "queue knee ρ* must lie in (0, 1)"),
        ]
        for ok, message in checks:
            if not ok.all():
                raise InputError(f"{message} (link {int(np.flatnonzero(~ok)[0])})")
        first_thru = int(self.first_thru_node)
        if not 0 <= first_thru <= n:
            raise InputError(f"first_thru_node {first_thru} outside 0..{n}")
        values = {"num_nodes": n, "tail": tail, "head": head, "free_flow_time": t0, "capacity": cap}
        values |= {"vdf_kind": kind, "alpha": alpha, "beta": beta, "fixed_cost": fixed, "first_thru_node": first_thru}
        for name, value in values.items():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, name, value)

    @classmethod
    def bpr(
        cls,
        num_nodes: int,
        tail,
        head,
        free_flow_time,
        capacity,
        *,
        b=0.15,
        power=4.0,
        fixed_cost=0.0,
        first_thru_node: int = 0,
    ) -> AssignmentNetwork:
        """A network whose links all use the BPR function."""
        bpr = np.full(len(np.atleast_1d(tail)), VdfKind.BPR, np.int8)
        return cls(num_nodes, tail, head, free_flow_time, capacity, bpr, b, power, fixed_cost, first_thru_node)

    @property
    def num_links(self) -> int:
        return len(self.tail)


@dataclass(frozen=True)
class Demand:
    """One user class: trips from ``origin`` to ``destination`` node indices, and its weight on time.

    ``time_weight`` multiplies the volume-delay time in the class's generalised cost (a value of
    time, relative to the units of the fixed costs); pairs listed twice are added up.
    """

    origin: np.ndarray
    destination: np.ndarray
    flow: np.ndarray
    time_weight: float = 1.0
    name: str = "all"

    def __post_init__(self) -> None:
        origin = node_indices(self.origin, f"demand {self.name!r} origin")
        destination = node_indices(self.destination, f"demand {self.name!r} destination")
        flow = np.array(self.flow, dtype=np.float64).reshape(-1)
        if not len(origin) == len(destination) == len(flow):
            raise InputError(f"demand {self.name!r}: origin, destination and flow differ in length")
        if not (np.isfinite(flow) & (flow >= 0)).all():
            raise InputError(f"demand {self.name!r}: flows must be finite and ≥ 0")
        weight = float(self.time_weight)
        if not (np.isfinite(weight) and weight > 0):
            raise InputError(f"demand {self.name!r}: time_weight must be finite and > 0")
        for name, value in (("origin", origin), ("destination", destination), ("flow", flow)):
            value.flags.writeable = False
            object.__setattr__(self, name, value)
        object.__setattr__(self, "time_weight", weight)

    @classmethod
    def from_matrix(cls, matrix, *, zones=None, time_weight: float = 1.0, name: str = "all") -> Demand:
        """Demand from a square OD matrix; row and column ``i`` are node ``zones[i]`` (default ``i``)."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise InputError(f"demand {name!r}: the OD matrix must be square, got shape {matrix.shape}")
        zones = np.arange(matrix.shape[0]) if zones is None else np.asarray(zones, dtype=np.int64)
        i, j = np.nonzero(matrix)
        return cls(zones[i], zones[j], matrix[i, j], time_weight, name)

    @property
    def total(self) -> float:
        return float(self.flow.sum())
