"""Algorithm B's ahead-of-time kernels (``native``) against numba's JIT kernels.

The module is built into a temporary folder (numba's AOT compiler needs a C compiler, as on any machine
that runs ``make``). Built, it gives the same flows as the JIT to the last bit, for user equilibrium,
system optimum and several classes with tolls; a module built from other sources, or handed arrays of
another layout, is never used.
"""

import json
import shutil

import numpy as np
import pytest
from test_engine import tolled_two_classes

from corridor.assign import assign, native
from corridor.assign.problem import UE, new_net, new_scratch, new_trips, zero_state


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("native")
    path = native.build(folder)
    assert path.parent == folder and path.is_file()
    return folder


@pytest.fixture
def use_folder(monkeypatch):
    """Point the engine's default module folder somewhere; the loaded-module cache is cleared around it."""

    def use(folder):
        native.load.cache_clear()
        monkeypatch.setattr(native, "default_directory", lambda: folder)

    yield use
    native.load.cache_clear()


def _cases(sioux):
    tolled, _, cars, vans = tolled_two_classes(sioux)
    base, trips = sioux.assignment_network(), sioux.demand()
    return {
        "ue": (base, [trips], "ue"),
        "so": (base, [trips], "so"),
        "two classes with tolls": (tolled, [cars, vans], "ue"),
    }


def test_native_kernels_give_the_jit_flows_to_the_last_bit(sioux, built, use_folder, tmp_path):
    for label, (network, classes, method) in _cases(sioux).items():
        use_folder(built)
        ahead = assign(network, classes, method=method, gap=1e-11)
        use_folder(tmp_path)  # no module there
        jit = assign(network, classes, method=method, gap=1e-11)
        assert (ahead.kernels, jit.kernels) == ("native", "jit"), label
        assert ahead.converged and ahead.iterations == jit.iterations, label
        assert np.array_equal(ahead.class_flows, jit.class_flows), label
        assert np.array_equal(ahead.gap_history, jit.gap_history), label
        assert ahead.to_dict()["kernels"] == "native"


def test_a_module_built_from_other_sources_is_not_used(sioux, built, use_folder, tmp_path):
    stale = tmp_path / "stale"
    shutil.copytree(built, stale)
    meta_path = stale / f"{native.MODULE}.json"
    meta = json.loads(meta_path.read_text())
    meta["sources_sha256"] = "0" * 64
    meta_path.write_text(json.dumps(meta))
    assert native.load(stale) is None
    use_folder(stale)
    assert assign(sioux.assignment_network(), sioux.demand(), gap=1e-4).kernels == "jit"


def test_arrays_of_another_layout_go_to_the_jit(sioux, built):
    network = sioux.assignment_network()
    net = new_net(network)
    trips = new_trips(network, [sioux.demand()], UE)
    tuples = (net, trips, zero_state(net), new_scratch(net))
    ahead = native.load(built)
    assert ahead is not None and ahead.accepts(*tuples)
    assert native.kernels(tuples, built).kind == "native"
    odd = (net._replace(capacity=net.capacity.astype(np.float32)), *tuples[1:])
    assert not ahead.accepts(*odd)
    assert native.kernels(odd, built).kind == "jit"
    strided = (net._replace(alpha=np.repeat(net.alpha, 2)[::2]), *tuples[1:])
    assert not ahead.accepts(*strided)
