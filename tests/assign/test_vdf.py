"""Volume-delay functions: values, derivatives and integrals against finite differences;
the compiled kernels against the numpy reference; the queue function above capacity."""

import numpy as np
import pytest

from corridor.assign import links, vdf
from corridor.assign.vdf import VdfKind

VOLUMES = np.array([0.0, 1.0, 250.0, 600.0, 900.0, 949.0, 951.0, 1000.0, 1500.0, 5000.0])
CAPACITY = 1000.0

CASES = [
    ("bpr", VdfKind.BPR, vdf.bpr_time, vdf.bpr_derivative, vdf.bpr_integral, 0.15, 4.0),
    ("bpr-linear", VdfKind.BPR, vdf.bpr_time, vdf.bpr_derivative, vdf.bpr_integral, 1.0, 1.0),
    ("queue", VdfKind.QUEUE, vdf.queue_time, vdf.queue_derivative, vdf.queue_integral, 2.0, 0.95),
    ("queue-low-knee", VdfKind.QUEUE, vdf.queue_time, vdf.queue_derivative, vdf.queue_integral, 0.5, 0.6),
]


def test_bpr_values():
    assert vdf.bpr_time(0.0, 10.0, CAPACITY) == 10.0
    assert vdf.bpr_time(CAPACITY, 10.0, CAPACITY) == pytest.approx(11.5)
    assert vdf.bpr_derivative(CAPACITY, 10.0, CAPACITY) == pytest.approx(10.0 * 0.15 * 4 / CAPACITY)
    assert vdf.bpr_integral(CAPACITY, 10.0, CAPACITY) == pytest.approx(10.0 * CAPACITY * (1 + 0.15 / 5))


def test_queue_values_below_and_above_the_knee():
    # ρ = 0.5: t = t0 + w · 0.5 / 0.5
    assert vdf.queue_time(500.0, 3.0, CAPACITY, w=2.0) == pytest.approx(5.0)
    # above ρ* = 0.95 the tangent line: at ρ = 2, t = t0 + w (0.95/0.05 + 1.05/0.05²)
    assert vdf.queue_time(2000.0, 3.0, CAPACITY, w=2.0) == pytest.approx(3.0 + 2.0 * (19.0 + 420.0))


@pytest.mark.parametrize(("name", "kind", "time", "slope", "integral", "alpha", "beta"), CASES)
def test_derivative_and_integral_match_finite_differences(name, kind, time, slope, integral, alpha, beta):
    t0, h = 4.0, 1e-3
    v = VOLUMES[1:]
    numeric_slope = (time(v + h, t0, CAPACITY, alpha, beta) - time(v - h, t0, CAPACITY, alpha, beta)) / (2 * h)
    assert np.allclose(slope(v, t0, CAPACITY, alpha, beta), numeric_slope, rtol=1e-5, atol=1e-12)  # 1e-5: the knee
    numeric_time = (integral(v + h, t0, CAPACITY, alpha, beta) - integral(v - h, t0, CAPACITY, alpha, beta)) / (2 * h)
    assert np.allclose(time(v, t0, CAPACITY, alpha, beta), numeric_time, rtol=1e-7)
    assert integral(0.0, t0, CAPACITY, alpha, beta) == 0.0


@pytest.mark.parametrize(("name", "kind", "time", "slope", "integral", "alpha", "beta"), CASES)
def test_compiled_kernels_equal_the_numpy_reference(name, kind, time, slope, integral, alpha, beta):
    t0 = 4.0
    for v in VOLUMES:
        t, s, c = links.link_terms(int(kind), t0, CAPACITY, alpha, beta, v)
        assert t == pytest.approx(float(time(v, t0, CAPACITY, alpha, beta)), rel=1e-13)
        assert s == pytest.approx(float(slope(v, t0, CAPACITY, alpha, beta)), rel=1e-12, abs=1e-300)
        if v > 0:
            h = 1e-3 * max(v, 1.0)
            _, s_plus, _ = links.link_terms(int(kind), t0, CAPACITY, alpha, beta, v + h)
            _, s_minus, _ = links.link_terms(int(kind), t0, CAPACITY, alpha, beta, max(v - h, 0.0))
            if not (kind == VdfKind.QUEUE and abs(v / CAPACITY - beta) < 2e-3):  # the kink at the knee
                assert c == pytest.approx((s_plus - s_minus) / (v + h - max(v - h, 0.0)), rel=1e-3, abs=1e-15)
        assert links.link_integral(int(kind), t0, CAPACITY, alpha, beta, v) == pytest.approx(
            float(integral(v, t0, CAPACITY, alpha, beta)), rel=1e-13
        )


def test_queue_stays_finite_increasing_and_convex_above_capacity():
    v = np.linspace(0.0, 50 * CAPACITY, 2001)
    t = vdf.queue_time(v, 1.0, CAPACITY, w=1.0)
    s = vdf.queue_derivative(v, 1.0, CAPACITY, w=1.0)
    assert np.isfinite(t).all() and np.isfinite(s).all() and np.isfinite(vdf.queue_integral(v, 1.0, CAPACITY)).all()
    assert (np.diff(t) > 0).all() and (np.diff(s) >= -1e-12).all()
    # continuous at the knee, in value and slope
    knee = 0.95 * CAPACITY
    below, above = vdf.queue_time([knee - 1e-6, knee + 1e-6], 1.0, CAPACITY)
    assert above - below == pytest.approx(2e-6 * float(vdf.queue_derivative(knee, 1.0, CAPACITY)), rel=1e-3)


def test_uncongested_links():
    for kind in VdfKind:
        t, s, c = links.link_terms(int(kind), 7.0, np.inf, 0.15 if kind == VdfKind.BPR else 1.0, 0.95, 1e9)
        assert (t, s, c) == (7.0, 0.0, 0.0)
        assert links.link_integral(int(kind), 7.0, np.inf, 0.15, 0.95, 10.0) == 70.0
    assert vdf.bpr_time(1e9, 7.0, np.inf) == 7.0 and vdf.bpr_derivative(1e9, 7.0, np.inf) == 0.0
    assert vdf.queue_time(1e9, 7.0, np.inf) == 7.0 and vdf.queue_derivative(1e9, 7.0, np.inf) == 0.0
    assert vdf.queue_integral(10.0, 7.0, np.inf) == 70.0


def test_unserved_share():
    assert list(vdf.unserved_share([0.0, 50.0, 100.0, 400.0], 100.0)) == [0.0, 0.0, 0.0, 0.75]
