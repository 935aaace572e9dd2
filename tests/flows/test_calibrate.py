"""Calibration and the baseline's fit to observed counts, on the real network and the shipped data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corridor.cli.app import app
from corridor.flows.counts import read_counts

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture(scope="module")
def calibration(world):
    return world.calibrate("corridor-2024", max_evaluations=40)


def test_the_fit_never_gets_worse_than_the_pack_behaviour(calibration):
    fitted, start = calibration.to_dict()["fit_summary"], calibration.to_dict()["initial_fit_summary"]
    assert fitted["fitted"]["wape_pct"] <= start["fitted"]["wape_pct"] + 1e-9
    assert calibration.evaluations <= 40 + 5  # Nelder-Mead may finish its last simplex step
    for group, shares in calibration.fitted.shares.items():
        assert sum(shares.values()) == pytest.approx(1.0), group
    assert calibration.fitted.dispersion_per_usd > 0 and calibration.fitted.value_of_time_factor > 0


def test_held_out_and_out_of_scope_counts_are_reported_apart(calibration):
    counts = {c.id: c for c in read_counts()}
    assert {f.name for f in calibration.fits} == set(counts)
    for f in calibration.fits:
        c = counts[f.name]
        expected = "out of scope" if not c.scope_matched else ("held out" if c.holdout else "fitted")
        assert f.role == expected
    summary = calibration.to_dict()["fit_summary"]
    assert summary["fitted"]["counts"] == sum(f.role == "fitted" for f in calibration.fits) > 0
    assert summary["held_out"]["counts"] == sum(f.role == "held out" for f in calibration.fits) > 0


@pytest.fixture(scope="module")
def baseline(world):
    """The shipped baseline: corridor-2024 at the pack's (calibrated) behaviour."""
    return world.assign("corridor-2024", rank_bottlenecks=False)


def test_the_calibrated_baseline_meets_the_fit_targets(baseline):
    """The pack's behaviour is the calibrated one: WAPE on the fitted counts ≤ 20 %, on the held-out ones ≤ 30 %,
    the Caspian feeders within ±25 % of the published Trans-Caspian container volume (56,500 TEU in 2024), and
    Brest–Małaszewicze carrying most of the boxes that enter the EU from Belarus."""
    summary = baseline.fit_summary()
    assert summary["fitted"]["wape_pct"] <= 20.0 and summary["held_out"]["wape_pct"] <= 30.0
    fits = {f.name: f for f in baseline.fit}
    titr = fits["alat_titr_2024"]
    assert titr.observed_teu_per_year == 56_500 and abs(titr.error_pct) <= 25.0
    links = baseline.links.set_index("name")["teu_per_year"]
    assert links["Brest–Małaszewicze"].sum() > links["Kena–Gudogai"].sum()


def test_the_baseline_uses_no_suspended_service_and_reports_its_fit(baseline):
    result = baseline
    links = result.links
    viking = links[links["name"].astype(str).str.startswith("Viking train")]
    assert viking["teu_per_year"].sum() == 0  # suspended since 2022 as of the pack's date
    assert result.summary["method"] == "sue" and result.summary["converged"]
    fit = result.to_dict()["fit"]
    assert fit and {"name", "observed_teu_per_year", "model_teu_per_year", "error_pct"} <= set(fit[0])
    caspian = next(f for f in result.fit if f.name == "caspian_feeder_2024")
    assert caspian.model_teu_per_year > 0  # the Middle Corridor is used (it carried nothing under deterministic UE)


def test_calibrate_command_prints_parameters_and_the_fit():
    out = runner.invoke(app, ["calibrate", "--max-evaluations", "6", "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert set(body["fit_summary"]) == {"fitted", "held_out"}
    assert {"dispersion_per_usd", "value_of_time_factor", "shares"} <= set(body["fitted"])
    text = runner.invoke(app, ["calibrate", "--max-evaluations", "6"])
    assert text.exit_code == 0 and "WAPE" in text.stdout and "held out" in text.stdout


def test_a_fitted_dispersion_stays_in_the_pack_range():
    """The search works on log θ, which has no top; the behaviour it reads back stays within the pack's range for
    route_choice_dispersion_per_usd, (0, 1], so a fit the pack can hold."""
    import numpy as np

    from corridor.datapack import load_pack
    from corridor.flows.calibrate import MAX_DISPERSION_PER_USD, Behaviour, _unpack

    assert load_pack().parameters["route_choice_dispersion_per_usd"].range.endswith(f"{MAX_DISPERSION_PER_USD:g}]")
    base = Behaviour(0.002, 1.0, {}, 1000.0)
    assert _unpack(np.array([np.log(1e7), 0.0]), [], base).dispersion_per_usd == MAX_DISPERSION_PER_USD
    assert _unpack(np.array([np.log(0.01), 0.0]), [], base).dispersion_per_usd == pytest.approx(0.01)
