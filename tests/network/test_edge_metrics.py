"""The last guard before the searches: no edge may cost NaN or less than zero."""

from types import SimpleNamespace

import numpy as np
import pytest

from corridor.engine.arrays import edge_metrics as _edge_metrics
from corridor.errors import DataError


def _graph(**changes):
    arrays = {name: np.array([1.0, 2.0, np.inf]) for name in ("edge_hours", "edge_usd", "edge_co2", "edge_km")}
    arrays.update(changes)
    return SimpleNamespace(**arrays)


def test_finite_and_closed_edges_pass():
    assert _edge_metrics(_graph()).shape == (4, 3)  # inf marks a closed edge and is allowed


@pytest.mark.parametrize(("name", "label"), [("edge_usd", "usd_per_teu"), ("edge_hours", "hours")])
@pytest.mark.parametrize("bad", [-10.0, np.nan])
def test_negative_or_nan_edge_is_a_data_error(name, label, bad):
    with pytest.raises(DataError, match=f"edge 1 a {label}"):
        _edge_metrics(_graph(**{name: np.array([1.0, bad, 3.0])}))
