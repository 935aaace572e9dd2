"""The world network joined in memory from the cached base equals the cached network.

``Engine.from_pack`` (a scenario's path: base from its cache file, the pack's part and landmarks in
memory) and ``Engine.load`` (the network cache) must give the same graph, array for array, and the
same landmark bounds, for the shipped data pack.
"""

import numpy as np
import pytest

from corridor.datapack import load_pack
from corridor.engine import Engine
from corridor.network.cache import cache_files, default_cache_dir

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def joined(world):
    return Engine.from_pack(load_pack())


def test_from_pack_gives_the_graph_of_the_cached_load(world, joined):
    cached, fresh = world.engine.graph.to_arrays(), joined.graph.to_arrays()
    assert cached.keys() == fresh.keys()
    for name, value in cached.items():
        assert value.dtype == fresh[name].dtype, name
        np.testing.assert_array_equal(value, fresh[name], err_msg=name)


def test_from_pack_gives_the_landmark_bounds_of_the_cached_load(world, joined):
    np.testing.assert_array_equal(world.engine.router.landmark_dist, joined.router.landmark_dist)


def test_the_base_has_its_own_cache_file(world, joined):
    assert any(f.kind == "base" and not f.temporary for f in cache_files(default_cache_dir()))
