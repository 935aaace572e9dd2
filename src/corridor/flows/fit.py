"""How well assigned flows reproduce observed counts: per count and overall (WAPE, bias, RMSE, GEH).

A count names a pack element (a crossing, a service, a place); the model's value is the flow on the assignable
links that stand for it: a crossing's links, a service's segments together, a place's terminal. Overall figures
are given for the counts the calibration fits and, apart, for the counts it holds out. GEH, the traffic
engineer's statistic ``sqrt(2 (m − o)² / (m + o))``, is computed on TEU per day (GEH < 5 is the usual mark of
a good fit on hourly flows; on daily TEU it is a like-for-like reading, not the same threshold).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.datapack import DataPack
from corridor.flows.network import CorridorNetwork

if TYPE_CHECKING:
    from corridor.flows.counts import Count

__all__ = ["ROLES", "CountFit", "FitSummary", "count_links", "fit_counts", "fit_summaries", "summarise"]

#: The summaries a fit is reported in: counts calibrated on, counts held out to test it.
ROLES = ("fitted", "held out")


@dataclass(frozen=True)
class CountFit:
    """One count against the model: observed and model TEU per year, and the error in percent of the count."""

    name: str
    kind: str
    element: str
    year: int
    holdout: bool
    observed_teu_per_year: float
    model_teu_per_year: float
    scope_matched: bool = True

    @property
    def role(self) -> str:
        """``fitted`` (calibrated on), ``held out`` (tested on), or ``out of scope`` (reported: the count holds
        traffic the demand does not)."""
        if not self.scope_matched:
            return "out of scope"
        return "held out" if self.holdout else "fitted"

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.model_teu_per_year - self.observed_teu_per_year) / self.observed_teu_per_year

    @property
    def geh(self) -> float:
        m, o = self.model_teu_per_year / 365.0, self.observed_teu_per_year / 365.0
        return math.sqrt(2.0 * (m - o) ** 2 / (m + o)) if m + o > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "element": self.element,
            "year": self.year,
            "holdout": self.holdout,
            "role": self.role,
            "observed_teu_per_year": round(self.observed_teu_per_year, 1),
            "model_teu_per_year": round(self.model_teu_per_year, 1),
            "error_pct": round(self.error_pct, 2),
            "geh": round(self.geh, 2),
        }


@dataclass(frozen=True)
class FitSummary:
    """WAPE (Σ|m − o| / Σo), bias (Σ(m − o) / Σo), RMSE (TEU per year) and mean GEH over a set of counts."""

    counts: int
    wape_pct: float
    bias_pct: float
    rmse_teu_per_year: float
    mean_geh: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "wape_pct": round(self.wape_pct, 2),
            "bias_pct": round(self.bias_pct, 2),
            "rmse_teu_per_year": round(self.rmse_teu_per_year, 1),
            "mean_geh": round(self.mean_geh, 2),
        }


def count_links(cn: CorridorNetwork, pack: DataPack, count: Count) -> np.ndarray:
    """The assignable links whose flow is the model's value of a count."""
    names = cn.name.astype(str)
    if count.kind == "crossing":
        crossing = next(c for c in pack.crossings if c.id == count.element)
        return np.flatnonzero((cn.kind == "crossing") & (names == crossing.name))
    if count.kind == "service":
        return np.flatnonzero((cn.kind == "service") & np.char.startswith(names, f"{count.element} ("))
    place = pack.place(count.element)
    return np.flatnonzero((cn.kind == "terminal") & (names == place.name))


def fit_counts(cn: CorridorNetwork, pack: DataPack, counts: Sequence[Count], flows: np.ndarray) -> list[CountFit]:
    """Each count against the flows of its links."""
    return [
        CountFit(
            name=c.id,
            kind=c.kind,
            element=c.element,
            year=c.year,
            holdout=c.holdout,
            observed_teu_per_year=c.teu_per_year,
            model_teu_per_year=float(flows[count_links(cn, pack, c)].sum()),
            scope_matched=c.scope_matched,
        )
        for c in counts
    ]


def summarise(fits: Sequence[CountFit]) -> FitSummary:
    """The overall figures of a set of counts (NaN when empty)."""
    if not fits:
        return FitSummary(0, math.nan, math.nan, math.nan, math.nan)
    m = np.array([f.model_teu_per_year for f in fits])
    o = np.array([f.observed_teu_per_year for f in fits])
    return FitSummary(
        counts=len(fits),
        wape_pct=100.0 * float(np.abs(m - o).sum() / o.sum()),
        bias_pct=100.0 * float((m - o).sum() / o.sum()),
        rmse_teu_per_year=float(np.sqrt(np.mean((m - o) ** 2))),
        mean_geh=float(np.mean([f.geh for f in fits])),
    )


def fit_summaries(fits: Sequence[CountFit]) -> dict[str, Any]:
    """``fitted`` and ``held_out`` summaries (out-of-scope counts are in neither)."""
    return {
        "fitted": summarise([f for f in fits if f.role == "fitted"]).to_dict(),
        "held_out": summarise([f for f in fits if f.role == "held out"]).to_dict(),
    }
