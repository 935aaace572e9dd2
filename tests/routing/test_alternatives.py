"""Alternative routes: the penalty method on the small network, the Pareto front, bad input."""

import itertools
import os
import signal
import time

import numpy as np
import pytest

import corridor
from corridor.alternatives import MAX_SHARED, pareto_front
from corridor.units import EdgeFlag, Mode


def test_pareto_front_keeps_what_nothing_beats_on_every_figure():
    points = np.array([[10, 5, 3], [12, 4, 3], [11, 6, 4], [10, 5, 3], [9, 9, 9]])
    # row 2 is beaten by row 0 on all three; rows 0 and 3 are equal and both kept
    assert pareto_front(points) == (0, 1, 3, 4)
    assert pareto_front(np.array([[1.0, 1.0, 1.0]])) == (0,)


def test_alternatives_are_different_routes_best_first(small_net):
    alts = small_net.alternatives("Westburg", "Eastgrad", k=3, draws=0)
    best = small_net.route("Westburg", "Eastgrad", draws=0)
    assert alts.routes[0].to_dict() == best.to_dict()  # the first is the route query's answer
    assert alts.labels[0].startswith("best by time")
    kept = [r for r, label in zip(alts.routes, alts.labels, strict=True) if label.startswith(("best", "alternative"))]
    assert 2 <= len(kept) <= 3
    for i, a in enumerate(kept):
        for b in kept[:i]:  # each later one runs at most MAX_SHARED of its km on an earlier one
            assert _shared(a, b) <= MAX_SHARED + 1e-9
    hours = [r.hours for r in kept]
    assert hours[0] == min(hours)


def test_the_ends_of_the_trade_off_are_labelled_and_on_the_front(small_net):
    alts = small_net.alternatives("Westburg", "Eastgrad", k=2, draws=0)
    figures = np.array([[r.hours, r.usd_per_teu, r.kg_co2e_per_teu] for r in alts.routes])
    cheapest = small_net.route("Westburg", "Eastgrad", objective="cost", draws=0)
    assert figures[:, 1].min() == pytest.approx(cheapest.usd_per_teu)
    for column, name in enumerate(("fastest", "cheapest", "lowest CO2")):
        i = int(np.argmin(figures[:, column]))
        assert name in alts.labels[i]
        assert i in alts.pareto
    for i in range(len(alts.routes)):
        beaten = ((figures <= figures[i]).all(axis=1) & (figures < figures[i]).any(axis=1)).any()
        assert (i in alts.pareto) == (not beaten)
    data = alts.to_dict()
    assert [r["label"] for r in data["routes"]] == list(alts.labels)
    assert [i for i, r in enumerate(data["routes"]) if r["pareto"]] == data["pareto"] == list(alts.pareto)


def test_alternatives_carry_their_reliability(small_net):
    alts = small_net.alternatives("Westburg", "Eastgrad", k=2, draws=500, seed=3)
    assert all(r.reliability is not None and r.reliability.draws == 500 for r in alts.routes)


@pytest.mark.parametrize("k", [0, 6, 2.5, True, "3"])
def test_a_bad_k_is_one_options_error(small_net, k):
    with pytest.raises(corridor.OptionsError) as err:
        small_net.alternatives("Westburg", "Eastgrad", k=k)
    assert err.value.option == "k"


def test_a_penalised_router_refuses_factors_below_one(small_net):
    router = small_net.router
    with pytest.raises(ValueError, match="at least 1"):
        router.penalised(np.full(small_net.graph.edge_count, 0.5))
    with pytest.raises(ValueError, match="one factor"):
        router.penalised(np.ones(3))
    view = router.penalised(np.ones(small_net.graph.edge_count))
    assert view.rail_hierarchies is None and router.edge_factor is None  # the router itself is unchanged


def _shared(a: corridor.Route, b: corridor.Route) -> float:
    """Share of a's moving km on segments of b's line (by their rounded end points)."""

    def segments(route):
        out = {}
        for leg in route.legs:
            for p, q in itertools.pairwise(leg.coordinates):
                key = (tuple(np.round(p, 5)), tuple(np.round(q, 5)))
                out[key] = out.get(key, 0.0) + float(np.hypot(q[0] - p[0], q[1] - p[1]))
        return out

    sa, sb = segments(a), segments(b)
    total = sum(sa.values())
    return sum(v for k, v in sa.items() if k in sb) / total if total else 1.0


def test_alternatives_come_best_first_by_the_objective(small_net):
    for objective in ("time", "cost", "co2"):
        alts = small_net.alternatives("Westburg", "Eastgrad", k=3, objective=objective, draws=0)
        figure = {"time": "hours", "cost": "usd_per_teu", "co2": "kg_co2e_per_teu"}[objective]
        kept = [getattr(r, figure) for r, label in zip(alts.routes, alts.labels, strict=True)
                if label.startswith(("best", "alternative"))]  # fmt: skip
        assert kept == sorted(kept), (objective, kept)


def test_the_cell_index_finds_the_edges_a_pass_over_every_edge_finds(small_net):
    from corridor.alternatives import _cell_index

    index = _cell_index(small_net.engine)
    assert index is _cell_index(small_net.engine)  # once per network
    rng = np.random.default_rng(7)
    for size in (1, 5, 40):
        cells = np.unique(rng.choice(index.cell, size))
        plain = np.flatnonzero(np.isin(index.cell, cells))
        assert np.array_equal(np.sort(index.edges_in(cells)), plain)
    assert index.edges_in(np.array([-1], np.int64)).size == 0  # a cell no edge lies in


def test_alternatives_do_not_depend_on_the_threads_timing(small_net):
    answers = [small_net.alternatives("Westburg", "Eastgrad", k=3, draws=300, seed=5).to_dict() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    best = small_net.route("Westburg", "Eastgrad", draws=300, seed=5)
    assert answers[0]["routes"][0] | {"label": None, "pareto": None} == best.to_dict() | {"label": None, "pareto": None}


def test_a_bad_place_stops_alternatives_with_the_route_querys_error(small_net):
    with pytest.raises(corridor.UnknownPlaceError):
        small_net.alternatives("Nowhereville", "Eastgrad", k=3)


def test_ranked_by_p90_the_most_reliable_route_comes_first(small_net):
    by_objective = small_net.alternatives("Westburg", "Eastgrad", k=3, draws=400, seed=2)
    by_p90 = small_net.alternatives("Westburg", "Eastgrad", k=3, draws=400, seed=2, rank="p90")
    p90 = [r.reliability.p90_hours for r in by_p90.routes]
    assert p90 == sorted(p90) and by_p90.rank == "p90" and by_p90.to_dict()["rank"] == "p90"
    # the same routes, with the same labels, in another order; the marks say which is which
    assert sorted(zip(by_p90.labels, [r.hours for r in by_p90.routes], strict=True)) == sorted(
        zip(by_objective.labels, [r.hours for r in by_objective.routes], strict=True)
    )
    for alts in (by_objective, by_p90):
        reliable = min(range(len(alts.routes)), key=lambda i: alts.routes[i].reliability.p90_hours)
        assert [i for i, label in enumerate(alts.labels) if "most reliable" in label] == [reliable]
    assert by_objective.rank == "objective" and by_objective.labels[0].startswith("best by time")
    assert "most reliable" in by_p90.labels[0]


def test_without_draws_no_route_is_called_most_reliable(small_net):
    alts = small_net.alternatives("Westburg", "Eastgrad", k=3, draws=0)
    assert not any("most reliable" in label for label in alts.labels)


@pytest.mark.parametrize(("rank", "draws", "match"), [("p90", 0, "draws above 0"), ("p50", 100, "one of")])
def test_a_bad_rank_is_one_options_error(small_net, rank, draws, match):
    with pytest.raises(corridor.OptionsError, match=match) as err:
        small_net.alternatives("Westburg", "Eastgrad", k=3, draws=draws, rank=rank)
    assert err.value.option == "rank"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_process_answers_alternatives_with_its_own_helpers(small_net):
    small_net.alternatives("Westburg", "Eastgrad", k=2, draws=0)  # the parent's helper threads exist now
    expected = small_net.alternatives("Westburg", "Eastgrad", k=2, draws=0).to_dict()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's helpers are not running here, so a shared pool would never answer
        os.close(reader)
        ok = small_net.alternatives("Westburg", "Eastgrad", k=2, draws=0).to_dict() == expected
        os.write(writer, b"1" if ok else b"0")
        os._exit(0)
    os.close(writer)
    deadline = time.monotonic() + 60.0
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked process never answered: it waited on its parent's helper threads")
    assert os.read(reader, 1) == b"1" and done[1] == 0


def test_a_penalised_view_closes_the_edges_it_is_given(small_net):
    from corridor.options import QueryOptions

    eng, router = small_net.engine, small_net.router
    g = small_net.graph
    options = QueryOptions.make(objective="time", modes="rail,road", draws=0)
    best = eng.finish(eng.solve("Westburg", "Eastgrad", options), options)
    assert [b.name for b in best.border_crossings] == ["Westbrück–Gaugeton"]
    rail_border = np.flatnonzero(((g.edge_flags & EdgeFlag.BORDER) != 0) & (g.edge_mode == Mode.RAIL))
    view = router.penalised(np.ones(g.edge_count), rail_border)
    other = eng.finish(eng.solve("Westburg", "Eastgrad", options, router=view), options)
    assert [b.name for b in other.border_crossings] == ["Roadgate"]
    assert len(router.closed_edges) == 0  # the router itself is unchanged


@pytest.mark.parametrize(("cores", "helpers"), [(None, 1), (1, 1), (2, 1), (4, 3), (16, 3)])
def test_alternatives_use_one_helper_per_spare_core_up_to_three(monkeypatch, cores, helpers):
    from corridor.alternatives import helper_count

    monkeypatch.setattr("corridor.alternatives.os.cpu_count", lambda: cores)
    assert helper_count() == helpers
