"""Each family's samples reproduce its parameters, its analytic mean and its planned hours; seeds reproduce."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corridor.reliability import Distribution, draw, renewal_mean_wait_hours, shipped_reliability

N = 200_000


def make(family: str, **params: float) -> Distribution:
    """A row of ``family`` with the given parameters (the others unused)."""
    values = dict.fromkeys(
        (
            "planned_share",
            "cv",
            "p10_ratio",
            "p50_ratio",
            "p90_ratio",
            "on_time_share",
            "late_mean_hours",
            "event_mean_hours",
        ),
        math.nan,
    )
    values["event_probability"] = 0.0
    values.update(params)
    return Distribution(
        component="border",
        key="rail",
        month=None,
        family=family,
        **values,
        basis="estimate",
        source="estimate: test",
        as_of="2026-11",
        note="",
        line=2,
    )


def rng(seed: int = 2026) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("family", ["lognormal", "gamma"])
@pytest.mark.parametrize(("planned_share", "cv"), [(0.0, 0.5), (0.15, 1.0), (0.6, 0.8)])
def test_body_families_keep_the_mean_and_the_cv_of_the_delay(family: str, planned_share: float, cv: float) -> None:
    dist = make(family, planned_share=planned_share, cv=cv)
    e = 40.0
    hours = draw(dist, e, N, rng())
    assert hours.dtype == np.float64 and hours.shape == (N,)
    assert float(hours.mean()) == pytest.approx(e, rel=0.01)
    delay = hours - planned_share * e
    assert float(delay.min()) >= 0.0
    assert float(delay.std() / delay.mean()) == pytest.approx(cv, rel=0.03)
    assert dist.mean_hours(e) == e and dist.planned_hours(e) == pytest.approx(planned_share * e)


def test_lognormal_median_is_the_closed_form() -> None:
    dist = make("lognormal", planned_share=0.15, cv=1.0)
    hours = draw(dist, 23.0, N, rng())
    assert float(np.median(hours)) == pytest.approx(23.0 * (0.15 + 0.85 / math.sqrt(2.0)), rel=0.01)


@pytest.mark.parametrize("family", ["lognormal", "gamma"])
def test_a_disruption_adds_its_probability_times_its_mean(family: str) -> None:
    body = make(family, planned_share=0.2, cv=0.5)
    disrupted = make(family, planned_share=0.2, cv=0.5, event_probability=0.05, event_mean_hours=120.0)
    e = 30.0
    extra = draw(disrupted, e, N, rng()) - draw(body, e, N, rng())  # same body draws: the difference is the holds
    assert float(np.mean(extra > 0)) == pytest.approx(0.05, abs=0.002)
    assert float(extra[extra > 0].mean()) == pytest.approx(120.0, rel=0.02)
    assert disrupted.mean_hours(e) == pytest.approx(e + 6.0)
    assert float(draw(disrupted, e, N, rng(9)).mean()) == pytest.approx(e + 6.0, rel=0.01)
    assert disrupted.planned_hours(e) == body.planned_hours(e)


def test_fixed_is_the_expected_hours() -> None:
    dist = make("fixed")
    e = np.linspace(0.0, 50.0, 1000)
    np.testing.assert_array_equal(draw(dist, e, 1000, rng()), e)
    assert dist.planned_hours(7.0) == dist.mean_hours(7.0) == 7.0


def test_quantiles_reproduce_their_ratios() -> None:
    dist = make("quantiles", planned_share=0.95, p10_ratio=1.0, p50_ratio=1.2, p90_ratio=1.4)
    e = 20.0
    hours = draw(dist, e, N, rng())
    p10, p50, p90 = np.percentile(hours, [10, 50, 90])
    assert (p10, p50, p90) == (
        pytest.approx(20.0, rel=0.01),
        pytest.approx(24.0, rel=0.01),
        pytest.approx(28.0, rel=0.01),
    )
    assert float(hours.min()) >= 0.95 * e and float(hours.max()) <= 1.45 * e  # the top keeps the 0.5-0.9 slope
    assert float(hours.max()) == pytest.approx(1.45 * e, rel=0.001)
    assert float(hours.mean()) == pytest.approx(dist.mean_hours(e), rel=0.005)
    assert dist.mean_hours(e) == pytest.approx(24.0)
    assert dist.planned_hours(e) == pytest.approx(19.0)


@pytest.mark.parametrize("cv", [0.3, 0.8, 1.0, 1.5])
def test_renewal_wait_is_the_length_biased_mean(cv: float) -> None:
    dist = make("renewal", cv=cv)
    headway = 84.0
    waits = draw(dist, headway, N, rng())
    assert float(waits.mean()) == pytest.approx(renewal_mean_wait_hours(headway, cv), rel=0.01)
    assert dist.mean_hours(headway) == pytest.approx(headway / 2.0 * (1.0 + cv**2))
    assert dist.planned_hours(headway) == 0.0 and float(waits.min()) >= 0.0


@pytest.mark.parametrize("cv", [0.5, 1.0])
def test_renewal_matches_arrivals_at_a_simulated_stream_of_departures(cv: float) -> None:
    """Random arrivals at gamma-spaced departures: the wait for the next one has the sampler's distribution."""
    generator = rng(5)
    headway = 72.0
    departures = np.cumsum(generator.gamma(1.0 / cv**2, headway * cv**2, 400_000))
    arrivals = generator.uniform(departures[100], departures[-100], N)
    waits = departures[np.searchsorted(departures, arrivals)] - arrivals
    sampled = draw(make("renewal", cv=cv), headway, N, rng())
    for q in (10, 50, 90):
        assert float(np.percentile(sampled, q)) == pytest.approx(float(np.percentile(waits, q)), rel=0.03)


def test_renewal_with_cv_zero_is_uniform_over_the_headway() -> None:
    waits = draw(make("renewal", cv=0.0), 24.0, N, rng())
    assert float(waits.min()) >= 0.0 and float(waits.max()) < 24.0
    counts, _ = np.histogram(waits, bins=10, range=(0.0, 24.0))
    np.testing.assert_allclose(counts / N, 0.1, atol=0.003)
    assert renewal_mean_wait_hours(24.0, 0.0) == 12.0


def test_schedule_on_time_share_and_late_mean() -> None:
    dist = make("schedule", on_time_share=0.652, late_mean_hours=117.1)
    e = 30 * 24.0
    delay = draw(dist, e, N, rng()) - e
    late = delay > 24.0
    assert float(np.mean(~late)) == pytest.approx(0.652, abs=0.004)
    assert float(delay[~late].min()) >= -24.0
    assert float(delay[late].mean()) == pytest.approx(117.1, rel=0.01)
    assert float((delay + e).mean()) == pytest.approx(dist.mean_hours(e), rel=0.002)
    assert dist.mean_hours(e) == pytest.approx(e + 0.348 * 117.1)
    assert dist.planned_hours(e) == e


def test_schedule_never_goes_below_zero_and_its_mean_knows_the_clip() -> None:
    dist = make("schedule", on_time_share=0.9, late_mean_hours=48.0)
    for e in (0.0, 10.0):
        hours = draw(dist, e, N, rng())
        assert float(hours.min()) >= 0.0
        assert float(hours.mean()) == pytest.approx(dist.mean_hours(e), rel=0.01)


def test_event_probability_and_mean() -> None:
    dist = make("event", event_probability=0.2, event_mean_hours=45.0)
    holds = draw(dist, 0.0, N, rng())
    assert float(np.mean(holds > 0)) == pytest.approx(0.2, abs=0.003)
    assert float(holds[holds > 0].mean()) == pytest.approx(45.0, rel=0.01)
    assert dist.mean_hours(123.0) == pytest.approx(9.0)  # E is ignored
    assert dist.planned_hours(123.0) == 0.0


def test_an_array_of_expected_hours_scales_each_draw() -> None:
    dist = make("quantiles", planned_share=0.5, p10_ratio=0.8, p50_ratio=1.0, p90_ratio=1.5)
    e = np.where(np.arange(N) % 2 == 0, 10.0, 100.0)
    hours = draw(dist, e, N, rng())
    assert float(np.median(hours[::2])) == pytest.approx(10.0, rel=0.01)
    assert float(np.median(hours[1::2])) == pytest.approx(100.0, rel=0.01)
    np.testing.assert_allclose(dist.mean_hours(e), e * dist.mean_hours(1.0))
    np.testing.assert_allclose(dist.planned_hours(e), 0.5 * e)


ALL_FAMILIES = [
    make("lognormal", planned_share=0.15, cv=1.0, event_probability=0.04, event_mean_hours=180.0),
    make("gamma", planned_share=0.6, cv=0.8),
    make("fixed"),
    make("quantiles", planned_share=0.68, p10_ratio=0.71, p50_ratio=0.86, p90_ratio=1.0),
    make("renewal", cv=0.8),
    make("schedule", on_time_share=0.652, late_mean_hours=117.1),
    make("event", event_probability=0.2, event_mean_hours=45.0),
]


@pytest.mark.parametrize("dist", ALL_FAMILIES, ids=lambda d: d.family)
def test_the_same_seed_gives_the_same_draws_and_another_seed_others(dist: Distribution) -> None:
    e = np.linspace(1.0, 500.0, 1000)
    first, again, other = (draw(dist, e, 1000, np.random.default_rng(s)) for s in (1, 1, 2))
    np.testing.assert_array_equal(first, again)
    if dist.family != "fixed":
        assert not np.array_equal(first, other)


@pytest.mark.parametrize("dist", ALL_FAMILIES, ids=lambda d: d.family)
def test_bad_calls_are_refused(dist: Distribution) -> None:
    with pytest.raises(ValueError, match="length n"):
        draw(dist, np.ones(5), 6, rng())
    with pytest.raises(ValueError, match="n must be"):
        draw(dist, 1.0, -1, rng())
    if dist.family != "event":
        with pytest.raises(ValueError, match="finite and >= 0"):
            draw(dist, -1.0, 10, rng())
        with pytest.raises(ValueError, match="finite and >= 0"):
            draw(dist, np.array([1.0, math.nan]), 2, rng())
    assert draw(dist, 1.0, 0, rng()).shape == (0,)


def test_every_shipped_row_samples_its_analytic_mean() -> None:
    for row in shipped_reliability().rows:
        e = 700.0 if row.component == "sea_running" else 50.0
        hours = draw(row, e, N, rng(row.line))
        assert float(hours.mean()) == pytest.approx(row.mean_hours(e), rel=0.02, abs=0.05), row.line
        assert float(hours.min()) >= 0.0, row.line
        if row.family != "schedule":  # a schedule arrives up to a day early
            assert float(hours.min()) >= row.planned_hours(e) - 1e-9, row.line
