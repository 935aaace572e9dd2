"""JSON text that every reader can parse: NaN and infinity become null, numpy scalars plain numbers.

Python's ``json`` writes ``NaN`` and ``Infinity`` tokens by default; they are not JSON, and a
consumer in another language fails on them. Every JSON answer corridor prints or serves goes
through :func:`dumps`.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["dumps", "finite"]


def finite(value: Any) -> Any:
    """``value`` with NaN and ±infinity replaced by None and numpy scalars by Python ones, recursively."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, np.ndarray):
        return finite(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def dumps(value: Any, *, compact: bool = False) -> str:
    """Strict JSON text of ``value`` (never a NaN or Infinity token); ``compact`` drops the spaces."""
    separators = (",", ":") if compact else None
    return json.dumps(finite(value), ensure_ascii=False, allow_nan=False, separators=separators)
