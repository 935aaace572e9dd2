"""Stochastic user equilibrium over fixed route sets: logit shares, the fixed point with queues, its gap."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.assign import AssignmentNetwork, VdfKind
from corridor.flows.sue import RouteChoice, link_times, stochastic_equilibrium


def two_routes(capacity: float = np.inf, fixed=(100.0, 300.0)) -> AssignmentNetwork:
    """Two parallel one-link routes from node 0 to node 1: free flow 10 h and 5 h, the given fixed costs."""
    queue = np.isfinite(capacity)
    return AssignmentNetwork(
        num_nodes=2, tail=np.array([0, 0]), head=np.array([1, 1]), free_flow_time=np.array([10.0, 5.0]),
        capacity=np.array([capacity, capacity]),
        vdf_kind=np.full(2, VdfKind.QUEUE if queue else VdfKind.BPR, np.int8),
        alpha=np.full(2, 24.0 if queue else 0.0), beta=np.full(2, 0.95 if queue else 0.0),
        fixed_cost=np.array(fixed),
    )  # fmt: skip


def one_cell(flow: float = 1000.0) -> RouteChoice:
    return RouteChoice(
        od_class=np.array([0]), od_origin=np.array([0]), od_destination=np.array([1]), od_flow=np.array([flow]),
        path_od=np.array([0, 0]), link_first=np.array([0, 1, 2]), links=np.array([0, 1]),
    )  # fmt: skip


def solve(network, choice, theta, vot=4.0, gap=1e-9):
    return stochastic_equilibrium(
        network, choice, time_weight=[vot], dispersion_per_usd=[theta], class_names=["all"], gap=gap
    )


@pytest.mark.parametrize("theta", [1e-4, 0.002, 0.01, 0.05])
def test_uncongested_shares_are_the_logit_of_the_cost_difference(theta):
    result = solve(two_routes(), one_cell(), theta)
    cost = np.array([4.0 * 10 + 100, 4.0 * 5 + 300])  # 140 and 320 USD per TEU
    expected = 1000.0 / (1.0 + np.exp(-theta * (cost[::-1] - cost)))
    assert result.flows == pytest.approx(expected, rel=1e-9)
    assert result.converged and result.method == "sue"


def test_dispersion_moves_between_an_even_split_and_all_on_the_cheapest():
    assert solve(two_routes(), one_cell(), 1e-9).flows == pytest.approx([500.0, 500.0], rel=1e-5)
    assert solve(two_routes(), one_cell(), 1.0).flows == pytest.approx([1000.0, 0.0], abs=1e-6)


@pytest.mark.parametrize("theta", [0.002, 0.02, 0.2])
def test_with_queues_the_flows_are_a_fixed_point_of_the_logit_loading(theta):
    network = two_routes(capacity=800.0)
    result = solve(network, one_cell(), theta, gap=1e-10)
    assert result.converged
    times = link_times(network, result.flows)
    assert result.link_times == pytest.approx(times)
    cost = 4.0 * times + network.fixed_cost
    share = 1.0 / (1.0 + np.exp(-theta * (cost[::-1] - cost)))
    assert result.flows == pytest.approx(1000.0 * share, rel=1e-8)
    assert result.flows.sum() == pytest.approx(1000.0)


def test_the_gap_is_reported_each_iteration_and_ends_below_the_target():
    network = two_routes(capacity=800.0)
    result = solve(network, one_cell(), 0.05, gap=1e-8)
    assert result.iterations == len(result.gap_history) > 1
    assert result.gap_history[-1] <= 1e-8 < result.gap_history[0]
    assert result.relative_gap == result.gap_history[-1]


def test_classes_keep_their_own_flows_and_routes():
    network = two_routes()
    choice = RouteChoice(
        od_class=np.array([0, 1]), od_origin=np.array([0, 0]), od_destination=np.array([1, 1]),
        od_flow=np.array([600.0, 400.0]), path_od=np.array([0, 0, 1]), link_first=np.array([0, 1, 2, 3]),
        links=np.array([0, 1, 1]),
    )  # fmt: skip  # class 1 has only the second route (say, the first crosses a country it avoids)
    result = stochastic_equilibrium(
        network, choice, time_weight=[4.0, 40.0], dispersion_per_usd=[0.01, 0.01], class_names=["a", "b"], gap=1e-10
    )
    assert result.class_flows[1] == pytest.approx([0.0, 400.0])
    assert result.class_flows.sum(axis=0) == pytest.approx(result.flows)
    assert result.paths is not None and len(result.paths.between(0, 1, 1)) == 1
