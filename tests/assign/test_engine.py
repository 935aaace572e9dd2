"""The assignment engine: hand-solved Braess flows, the SiouxFalls best-known solution, the
Frank–Wolfe family, several classes, zones that are never passed through, over-capacity demand
on queue links, and input errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from corridor.assign import AssignmentNetwork, Demand, VdfKind, assign, read_tntp_dir
from corridor.assign.engine import STALL_ITERATIONS, STOP_REASONS, stop_reason
from corridor.assign.links import link_integral
from corridor.assign.vdf import bpr_time
from corridor.errors import InputError, OptionsError

# Braess network (Braess_net.tntp; nodes 1..4 in the file, 0..3 here), demand 6 from node 1 to 2.
# Link times t = fft · (1 + b · v / c) with c = 1 (the 1e-8 free-flow terms are negligible):
#   l0: 1→3  10·v      l1: 1→4  50 + v      l2: 3→2  50 + v      l3: 3→4  10 + v      l4: 4→2  10·v
# Paths A = 1-3-2 (l0, l2), B = 1-4-2 (l1, l4), C = 1-3-4-2 (l0, l3, l4).
# UE: by symmetry f_A = f_B = f, f_C = 6 − 2f, so v0 = v4 = 6 − f, v1 = v2 = f, v3 = 6 − 2f.
#   c_A = 10(6 − f) + 50 + f = 110 − 9f;  c_C = 10(6 − f) + 10 + (6 − 2f) + 10(6 − f) = 136 − 22f.
#   c_A = c_C gives f = 2: every path carries 2 at cost 92; link flows (4, 2, 2, 2, 4).
# SO: marginal costs d(v·t)/dv: l0, l4: 20v; l1, l2: 50 + 2v; l3: 10 + 2v.
#   m_A = 20(6 − f) + 50 + 2f = 170 − 18f;  m_C = 20(6 − f) + 10 + 2(6 − 2f) + 20(6 − f) = 262 − 44f.
#   m_A = m_C would need f = 46/13 > 3, i.e. f_C < 0: so f_C = 0, f = 3, m_A = 116 < m_C = 130.
#   Link flows (3, 3, 3, 0, 3); total time 6 · 83 = 498 against 6 · 92 = 552 at UE.
BRAESS_UE = [4.0, 2.0, 2.0, 2.0, 4.0]
BRAESS_SO = [3.0, 3.0, 3.0, 0.0, 3.0]


@pytest.fixture(scope="module")
def braess(braess_dir):
    problem = read_tntp_dir(braess_dir)
    return problem.assignment_network(), problem.demand()


@pytest.fixture(scope="module")
def sioux_ue(sioux):
    return assign(sioux.assignment_network(), sioux.demand(), algorithm="gp", gap=1e-10)


def beckmann(network, flows):
    return sum(
        link_integral(int(k), t0, c, a, b, v)
        for k, t0, c, a, b, v in zip(
            network.vdf_kind, network.free_flow_time, network.capacity, network.alpha, network.beta, flows, strict=True
        )
    )


@pytest.mark.parametrize(
    ("algorithm", "gap", "atol"), [("gp", 1e-10, 1e-7), ("fw", 1e-4, 2e-2), ("cfw", 1e-6, 1e-2), ("bfw", 1e-6, 1e-2)]
)
def test_braess_user_equilibrium_and_system_optimum(braess, algorithm, gap, atol):
    network, demand = braess
    ue = assign(network, demand, algorithm=algorithm, gap=gap)
    assert ue.converged and ue.relative_gap <= gap
    assert np.allclose(ue.flows, BRAESS_UE, atol=atol)
    assert ue.total_system_travel_time == pytest.approx(552.0, abs=30 * atol)
    so = assign(network, demand, method="so", algorithm=algorithm, gap=gap)
    assert so.converged
    assert np.allclose(so.flows, BRAESS_SO, atol=atol)
    assert so.total_system_travel_time == pytest.approx(498.0, abs=30 * atol)


def test_braess_paths(braess):
    result = assign(*braess, algorithm="gp", gap=1e-12)
    paths = result.paths.between(0, 1)
    assert sorted(len(links) for links, _ in paths) == [2, 2, 3]
    assert np.allclose([flow for _, flow in paths], 2.0, atol=1e-6)
    assert sum(flow for _, flow in paths) == pytest.approx(6.0)


def test_sioux_falls_reaches_the_best_known_solution(sioux, sioux_ue, sioux_best):
    result = sioux_ue
    assert result.algorithm == "gp" and result.converged and result.relative_gap <= 1e-10
    assert len(result.gap_history) == result.iterations and result.gap_history[-1] == result.relative_gap
    assert np.array_equal(sioux_best.init_node, sioux.network.init_node)
    relative = np.abs(result.flows - sioux_best.volume) / sioux_best.volume
    assert relative.max() <= 1e-6, f"link {relative.argmax()} off by {relative.max():.2e}"
    best_tstt = float(sioux_best.volume @ sioux_best.cost)
    assert result.total_system_travel_time == pytest.approx(best_tstt, rel=1e-6)
    assert np.allclose(result.link_costs, sioux_best.cost, rtol=1e-6)
    # every used path of an OD pair costs the same (Wardrop)
    paths = result.paths
    cost = np.add.reduceat(result.link_costs[paths.links], paths.link_first[:-1])
    cheapest = np.full(len(paths.od_origin), np.inf)
    np.minimum.at(cheapest, paths.path_od, cost)
    assert np.bincount(paths.path_od).max() > 2 and (paths.path_flow > 0).all()
    assert (cost - cheapest[paths.path_od] <= 1e-8 * cheapest[paths.path_od]).all()
    assert len(paths.between(0, 19)) == 1 and paths.between(0, 19)[0][1] == 300.0  # 1 → 20: one path


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_frank_wolfe_family_reaches_1e4_and_agrees(sioux, sioux_ue, algorithm):
    network = sioux.assignment_network()
    result = assign(network, sioux.demand(), algorithm=algorithm, gap=1e-4)
    assert result.converged and result.relative_gap <= 1e-4
    # the Beckmann objective is above the optimum by at most the gap (TSTT − SPTT)
    excess = beckmann(network, result.flows) - beckmann(network, sioux_ue.flows)
    assert -1e-6 <= excess <= result.relative_gap * result.total_system_travel_time
    assert np.abs(result.flows - sioux_ue.flows).max() <= 1e-2 * sioux_ue.flows.max()
    # TSTT is not the minimised objective: it moves at first order with the flows
    assert result.total_system_travel_time == pytest.approx(sioux_ue.total_system_travel_time, rel=2e-3)


def test_sioux_falls_system_optimum(sioux, sioux_ue):
    network, demand = sioux.assignment_network(), sioux.demand()
    so = assign(network, demand, method="so", gap=1e-10)
    assert so.converged and so.total_system_travel_time < sioux_ue.total_system_travel_time
    bfw = assign(network, demand, method="so", algorithm="bfw", gap=1e-4)
    assert bfw.converged
    assert bfw.total_system_travel_time >= so.total_system_travel_time * (1 - 1e-9)
    assert bfw.total_system_travel_time == pytest.approx(so.total_system_travel_time, rel=1e-4)


def independent_gap(network, classes, class_flows):
    """Relative gap recomputed with numpy and scipy's Dijkstra, in generalised cost w_k · t + f."""
    times = bpr_time(class_flows.sum(axis=0), network.free_flow_time, network.capacity, network.alpha, network.beta)
    total = shortest = 0.0
    for k, demand in enumerate(classes):
        cost = demand.time_weight * times + network.fixed_cost
        total += class_flows[k] @ cost
        graph = sp.csr_matrix((cost, (network.tail, network.head)), shape=(network.num_nodes,) * 2)
        origins = np.unique(demand.origin)
        dist = dijkstra(graph, indices=origins)
        shortest += demand.flow @ dist[np.searchsorted(origins, demand.origin), demand.destination]
    return (total - shortest) / total


def tolled_two_classes(sioux):
    """SiouxFalls with a toll of 3 on every fifth link; cars (70 %, weight 1) and vans (30 %, weight 2.5)."""
    base = sioux.assignment_network()
    toll = np.where(np.arange(base.num_links) % 5 == 0, 3.0, 0.0)
    network = AssignmentNetwork.bpr(
        base.num_nodes, base.tail, base.head, base.free_flow_time, base.capacity, b=base.alpha, power=base.beta,
        fixed_cost=toll,
    )  # fmt: skip
    trips = sioux.demand()
    cars = Demand(trips.origin, trips.destination, 0.7 * trips.flow, time_weight=1.0, name="cars")
    vans = Demand(trips.origin, trips.destination, 0.3 * trips.flow, time_weight=2.5, name="vans")
    return network, toll, cars, vans


def test_several_classes_with_tolls(sioux):
    network, toll, cars, vans = tolled_two_classes(sioux)
    result = assign(network, [cars, vans], gap=1e-10)
    assert result.converged and result.class_flows.shape == (2, network.num_links)
    assert np.allclose(result.class_flows.sum(axis=0), result.flows)
    assert independent_gap(network, [cars, vans], result.class_flows) <= 1e-9
    # vans value time more, so they pay tolls more often per trip than cars
    toll_paid = result.class_flows @ toll
    assert toll_paid[1] / vans.total > toll_paid[0] / cars.total
    bfw = assign(network, [cars, vans], algorithm="bfw", gap=1e-4)
    assert bfw.converged and independent_gap(network, [cars, vans], bfw.class_flows) <= 1e-4
    assert np.abs(bfw.flows - result.flows).max() <= 1e-2 * result.flows.max()


def test_identical_classes_equal_one_class(sioux, sioux_ue):
    trips = sioux.demand()
    halves = [Demand(trips.origin, trips.destination, 0.5 * trips.flow, name=name) for name in ("a", "b")]
    result = assign(sioux.assignment_network(), halves, gap=1e-10)
    assert np.allclose(result.flows, sioux_ue.flows, rtol=1e-6)


def zone_network(first_thru_node):
    # nodes 0, 1, 2 are zones; 0 → 1 → 2 is short but passes zone 1; 0 → 3 → 2 is long
    return AssignmentNetwork.bpr(
        4, [0, 1, 0, 3], [1, 2, 3, 2], [1.0, 1.0, 5.0, 5.0], np.inf, first_thru_node=first_thru_node
    )


def test_zones_below_first_thru_node_are_never_passed_through():
    demand = Demand([0, 0], [2, 1], [10.0, 4.0])
    through = assign(zone_network(0), demand, gap=1e-12)
    assert list(through.flows) == [14.0, 10.0, 0.0, 0.0]
    zones = assign(zone_network(3), demand, gap=1e-12)
    assert list(zones.flows) == [4.0, 0.0, 10.0, 10.0]  # zone 1 may still end a trip
    fw = assign(zone_network(3), demand, algorithm="fw", gap=1e-12)
    assert list(fw.flows) == [4.0, 0.0, 10.0, 10.0]


@pytest.mark.parametrize("algorithm", ["gp", "b", "bfw"])
def test_over_capacity_demand_on_queue_links_terminates(algorithm):
    # two services from 0 to 1 (capacities 100 and 50 per period), demand four times their sum
    network = AssignmentNetwork(2, [0, 0], [1, 1], [1.0, 2.0], [100.0, 50.0], VdfKind.QUEUE, 1.0, 0.95, 0.0)
    result = assign(network, Demand([0], [1], [600.0]), algorithm=algorithm, gap=1e-8, max_iterations=10_000)
    assert result.converged
    assert np.isfinite(result.flows).all() and np.isfinite(result.link_times).all()
    assert result.flows.sum() == pytest.approx(600.0)
    assert result.link_times[0] == pytest.approx(result.link_times[1], rel=1e-6)  # both used, equal times
    assert (result.unserved_share > 0.5).all()
    so = assign(network, Demand([0], [1], [600.0]), method="so", algorithm=algorithm, gap=1e-8)
    assert np.isfinite(so.flows).all() and so.converged


def test_progress_and_stopping_rules(sioux):
    network, demand = sioux.assignment_network(), sioux.demand()
    seen = []
    result = assign(network, demand, gap=0.0, max_iterations=3, progress=lambda i, g: seen.append((i, g)))
    assert not result.converged and result.iterations == 3 and result.stopped_by == "iterations"
    assert seen == list(enumerate(result.gap_history, start=1))
    quick = assign(network, demand, algorithm="fw", gap=0.0, max_seconds=0.0)
    assert quick.iterations == 1 and not quick.converged and quick.stopped_by == "seconds"
    done = assign(network, demand, gap=1e-6)
    assert done.converged and done.stopped_by == "gap" and done.to_dict()["stopped_by"] == "gap"


def test_a_gap_that_stops_falling_ends_b_and_gp_but_not_frank_wolfe():
    stall = STALL_ITERATIONS
    falling = [10.0**-k for k in range(1, 14)]
    # at the floor: the gap wanders above its best for STALL_ITERATIONS iterations
    wandering = falling + [2e-13, 3e-13] * (stall // 2)
    assert stop_reason(wandering, 1e-15, 10_000, 0.0, None, stalls=True) == "stall"
    assert stop_reason(wandering[:-1], 1e-15, 10_000, 0.0, None, stalls=True) is None  # one iteration short
    assert stop_reason(wandering, 1e-15, 10_000, 0.0, None, stalls=False) is None  # the Frank–Wolfe family
    assert stop_reason([*wandering, 9e-14], 1e-15, 10_000, 0.0, None, stalls=True) is None  # a new low
    # the other rules come first, in this order
    assert stop_reason(wandering, 3e-13, 10_000, 0.0, None, stalls=True) == "gap"
    assert stop_reason(wandering, 1e-15, len(wandering), 0.0, None, stalls=True) == "iterations"
    assert stop_reason(wandering, 1e-15, 10_000, 5.0, 5.0, stalls=True) == "seconds"
    assert set(STOP_REASONS) == {"gap", "iterations", "seconds", "stall"}


def test_no_demand():
    result = assign(zone_network(0), Demand([0], [0], [5.0]))
    assert result.converged and result.flows.sum() == 0.0 and result.relative_gap == 0.0


def test_input_errors(braess):
    network, demand = braess
    with pytest.raises(OptionsError, match="unknown method 'xx'"):
        assign(network, demand, method="xx")
    with pytest.raises(OptionsError, match="unknown algorithm 'tapas'"):
        assign(network, demand, algorithm="tapas")
    with pytest.raises(OptionsError, match="gap"):
        assign(network, demand, gap=-1.0)
    with pytest.raises(InputError, match="no path from node index 2 to node index 0"):
        assign(zone_network(0), Demand([2], [0], [1.0]))
    with pytest.raises(InputError, match=r"node index 9 outside 0\.\.3"):
        assign(zone_network(0), Demand([0], [9], [1.0]))
    with pytest.raises(InputError, match=r"capacity must be > 0 .*\(link 1\)"):
        AssignmentNetwork.bpr(2, [0, 1], [1, 0], 1.0, [5.0, 0.0])
    with pytest.raises(InputError, match="queue knee"):
        AssignmentNetwork(2, [0], [1], 1.0, 5.0, VdfKind.QUEUE, 1.0, 1.0, 0.0)
    with pytest.raises(InputError, match="time_weight"):
        Demand([0], [1], [1.0], time_weight=0.0)


def test_path_pool_growth_and_compaction_change_nothing(sioux, sioux_ue, monkeypatch):
    from corridor.assign import gradient_projection as gp

    calls = {"grow": 0, "compact": 0}
    tiny = gp.new_pool
    grow, compact = gp.grow, gp._compact

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(gp, "new_pool", lambda n_od, m: tiny(n_od, m, paths=1, slots=1))
    monkeypatch.setattr(gp, "grow", counted("grow", grow))
    monkeypatch.setattr(gp, "_compact", counted("compact", compact))
    monkeypatch.setattr(gp, "COMPACT_FROM", (0, 0))
    result = assign(sioux.assignment_network(), sioux.demand(), algorithm="gp", gap=1e-10)
    assert calls["grow"] > 5 and calls["compact"] > 0
    assert np.allclose(result.flows, sioux_ue.flows, rtol=1e-7)
