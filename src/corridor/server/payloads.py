"""The JSON answers of the long verbs, the same as the command line's ``--json`` output.

Tables go through pandas' JSON writer, as the command line's do, so both give the same numbers.
"""

from __future__ import annotations

import json
from typing import Any

import corridor

__all__ = ["validation_payload"]


def _records(frame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records"))


def validation_payload(frame, summary, bench: corridor.BenchmarkSet) -> dict[str, Any]:
    """A validation run: one row per benchmark, the three summary tables, and the rows skipped."""
    return {
        "rows": _records(frame),
        "summary": summary.to_dict(),
        "skipped": [str(p) for p in bench.problems],
    }
