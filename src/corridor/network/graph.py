"""The multimodal network as plain parallel arrays (CSR), plus the tables legs are read from.

Node ``i`` has a position, a layer (rail, road, sea or terminal) and a country. The edges
leaving it are ``first_out[i] .. first_out[i+1]``; edge ``e`` goes to ``head[e]`` and carries
km, hours, USD per TEU and kg CO2e per TEU, its mode and flags. ``edge_ref`` points into
the border table for border edges, into the service table for ferry and train edges, and
into the place table for transfer edges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from corridor.graphs.csr import edge_tails

__all__ = ["GAUGE_CHANGE_KINDS", "BorderTable", "Graph", "ServiceTable"]


@dataclass(frozen=True)
class BorderTable:
    """One row per border edge (edge_ref of an edge flagged BORDER)."""

    country_a: np.ndarray  # int16: index into Graph.countries (from side)
    country_b: np.ndarray  # int16 (to side)
    dwell_hours: np.ndarray
    fee_usd_per_teu: np.ndarray
    gauge_change: np.ndarray  # int8: 0 none, 1 bogie exchange, 2 transshipment
    gauge_change_hours: np.ndarray
    gauge_change_usd_per_teu: np.ndarray
    crossing: np.ndarray  # int32: index into Graph.crossing_names, -1 for a default crossing


GAUGE_CHANGE_KINDS = ("none", "bogie_exchange", "transshipment")


@dataclass(frozen=True)
class ServiceTable:
    """One row per service edge (edge_ref of a ferry or train edge)."""

    service: np.ndarray  # int32: index into Graph.service_names
    wait_hours: np.ndarray  # expected wait for a departure
    running_hours: np.ndarray
    departures_per_week: np.ndarray
    capacity_teu_per_departure: np.ndarray


@dataclass(frozen=True)
class Graph:
    """The routable multimodal graph: arrays, names and the healing report."""

    node_lat: np.ndarray
    node_lon: np.ndarray
    node_layer: np.ndarray  # int8, units.Layer
    node_country: np.ndarray  # int16 index into countries, -1 for none (sea)
    node_usable: np.ndarray  # bool: in the giant multimodal component
    node_usable_in_layer: np.ndarray  # bool: in the giant component of its own layer
    first_out: np.ndarray  # int64[n+1]
    head: np.ndarray  # int32[m]
    edge_km: np.ndarray
    edge_hours: np.ndarray
    edge_usd: np.ndarray
    edge_co2: np.ndarray  # kg CO2e per TEU
    edge_mode: np.ndarray  # int8, units.Mode
    edge_flags: np.ndarray  # int8, units.EdgeFlag bits
    edge_ref: np.ndarray  # int32
    borders: BorderTable
    services: ServiceTable
    place_ids: tuple[str, ...]
    place_node: np.ndarray  # int32: terminal node of each place
    countries: tuple[str, ...]
    crossing_names: tuple[str, ...]
    service_names: tuple[str, ...]
    service_ids: tuple[str, ...]  # data-pack row id per service table row
    service_via: tuple[str, ...]  # ';'-joined ISO-A2 codes a service row passes besides its stops
    meta: dict[str, Any] = field(default_factory=dict)  # versions, hashes, heal report

    @property
    def node_count(self) -> int:
        return len(self.node_lat)

    @property
    def edge_count(self) -> int:
        return len(self.head)

    def edge_tail(self) -> np.ndarray:
        """Source node of every edge (derived from ``first_out``)."""
        return edge_tails(self.first_out, np.int32)

    def country_index(self, code: str) -> int:
        """Index of an ISO-A2 code in ``countries``, -1 when no node lies in it."""
        try:
            return self.countries.index(code)
        except ValueError:
            return -1

    # --- serialisation: flat dict of arrays for np.savez -------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                out[f.name] = value
            elif isinstance(value, BorderTable | ServiceTable):
                prefix = "borders" if isinstance(value, BorderTable) else "services"
                for g in fields(value):
                    out[f"{prefix}.{g.name}"] = getattr(value, g.name)
            elif isinstance(value, tuple):
                out[f.name] = np.array(json.dumps(list(value)))
            elif f.name == "meta":
                out["meta"] = np.array(json.dumps(value))
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Graph:
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "borders":
                kwargs[f.name] = BorderTable(**{g.name: arrays[f"borders.{g.name}"] for g in fields(BorderTable)})
            elif f.name == "services":
                kwargs[f.name] = ServiceTable(**{g.name: arrays[f"services.{g.name}"] for g in fields(ServiceTable)})
            elif f.name == "meta":
                kwargs[f.name] = json.loads(str(arrays["meta"]))
            elif arrays[f.name].dtype.kind == "U" and arrays[f.name].ndim == 0:
                kwargs[f.name] = tuple(json.loads(str(arrays[f.name])))
            else:
                kwargs[f.name] = arrays[f.name]
        return cls(**kwargs)
