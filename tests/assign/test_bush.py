"""Algorithm B (bush-based user equilibrium) against hand-solved Braess flows, the SiouxFalls best-known
solution, path-based gradient projection, several classes with tolls, the system optimum, zones that are
never passed through (over-capacity queue links: ``test_engine``); every answer conserves flow at every node."""

import numpy as np
import pytest
from test_engine import BRAESS_SO, BRAESS_UE, independent_gap, tolled_two_classes, zone_network

from corridor.assign import Demand, assign, conservation_error, read_tntp_dir


@pytest.fixture(scope="module")
def braess(braess_dir):
    problem = read_tntp_dir(braess_dir)
    return problem.assignment_network(), problem.demand()


def test_braess_user_equilibrium_and_system_optimum(braess):
    network, demand = braess
    ue = assign(network, demand, algorithm="b", gap=1e-12)
    assert ue.algorithm == "b" and ue.converged and ue.relative_gap <= 1e-12
    assert np.allclose(ue.flows, BRAESS_UE, atol=1e-8)
    assert ue.paths is None
    so = assign(network, demand, method="so", algorithm="b", gap=1e-12)
    assert so.converged and np.allclose(so.flows, BRAESS_SO, atol=1e-8)
    assert so.total_system_travel_time == pytest.approx(498.0, rel=1e-9)  # the file's 1e-8 free-flow terms


def test_sioux_falls_to_1e12_matches_the_best_known_flows_and_gradient_projection(sioux, sioux_best):
    network, demand = sioux.assignment_network(), sioux.demand()
    b = assign(network, demand, algorithm="b", gap=1e-12)
    assert b.converged and b.relative_gap <= 1e-12 and b.iterations < 100
    assert independent_gap(network, [demand], b.class_flows) <= 1e-11
    assert conservation_error(network, [demand], b.class_flows) <= 1e-12
    relative = np.abs(b.flows - sioux_best.volume) / sioux_best.volume
    assert relative.max() <= 1e-6, f"link {relative.argmax()} off by {relative.max():.2e}"
    gp = assign(network, demand, algorithm="gp", gap=1e-12)
    assert np.abs(b.flows - gp.flows).max() <= 1e-6 * gp.flows.max()
    # the gap falls by orders of magnitude, not in a crawl
    assert b.gap_history[0] > 1e-4 and b.gap_history[-1] <= 1e-12


def test_several_classes_with_tolls_agree_with_gradient_projection(sioux):
    network, toll, cars, vans = tolled_two_classes(sioux)
    b = assign(network, [cars, vans], algorithm="b", gap=1e-11)
    assert b.converged and b.class_flows.shape == (2, network.num_links)
    assert np.allclose(b.class_flows.sum(axis=0), b.flows)
    assert independent_gap(network, [cars, vans], b.class_flows) <= 1e-10
    assert conservation_error(network, [cars, vans], b.class_flows) <= 1e-12
    gp = assign(network, [cars, vans], algorithm="gp", gap=1e-11)
    # the class split of a multi-class equilibrium is not unique; the link totals are
    assert np.abs(b.flows - gp.flows).max() <= 1e-5 * gp.flows.max()
    toll_paid = b.class_flows @ toll
    assert toll_paid[1] / vans.total > toll_paid[0] / cars.total


def test_system_optimum_equals_gradient_projection(sioux):
    network, demand = sioux.assignment_network(), sioux.demand()
    b = assign(network, demand, method="so", algorithm="b", gap=1e-10)
    gp = assign(network, demand, method="so", algorithm="gp", gap=1e-10)
    assert b.converged
    assert b.total_system_travel_time == pytest.approx(gp.total_system_travel_time, rel=1e-9)


def test_zones_below_first_thru_node_are_never_passed_through():
    demand = Demand([0, 0], [2, 1], [10.0, 4.0])
    assert list(assign(zone_network(0), demand, algorithm="b", gap=1e-12).flows) == [14.0, 10.0, 0.0, 0.0]
    assert list(assign(zone_network(3), demand, algorithm="b", gap=1e-12).flows) == [4.0, 0.0, 10.0, 10.0]


def test_conservation_error_sees_a_broken_node(sioux):
    network, demand = sioux.assignment_network(), sioux.demand()
    result = assign(network, demand, algorithm="b", gap=1e-6)
    flows = result.class_flows.copy()
    assert conservation_error(network, [demand], flows) <= 1e-12
    flows[0, 10] += 0.01 * demand.total
    assert conservation_error(network, [demand], flows) == pytest.approx(0.01, rel=1e-9)
