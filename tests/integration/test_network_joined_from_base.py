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


def test_a_scenario_joined_with_updated_bounds_answers_as_with_bounds_searched_afresh(world):
    """caspian-fleet-x2 makes the Caspian waits shorter (cheaper edges): bounds updated from the cached network's
    give the same routes as bounds searched on the scenario's own graph, and they never exceed those."""
    from corridor.compare import compare_corridors
    from corridor.options import QueryOptions
    from corridor.scenario import load_scenario
    from corridor.scenario.apply import apply_scenario

    applied = apply_scenario(world.engine.pack, load_scenario("caspian-fleet-x2"))
    updated = Engine.from_pack(applied.pack, closed_crossings=applied.closed_crossings, reference=world.engine)
    fresh = Engine.from_pack(applied.pack, closed_crossings=applied.closed_crossings)
    assert updated.router.landmark_dist is not world.engine.router.landmark_dist  # some edges got cheaper
    mine, theirs = updated.router.landmark_dist, fresh.router.landmark_dist  # same landmarks: km did not change
    assert np.all((mine <= theirs * (1 + 1e-6)) | (np.isinf(mine) & np.isinf(theirs)))
    options = QueryOptions.make(objective=applied.objective, avoid=applied.closed_countries)
    for origin, destination in [("Xi'an", "Duisburg"), ("Almaty", "Kaunas"), ("Khorgos", "Klaipeda")]:
        a = compare_corridors(updated, origin, destination, options)
        b = compare_corridors(fresh, origin, destination, options)
        assert [(x.corridor, x.route and x.route.to_dict()) for x in a] == [
            (x.corridor, x.route and x.route.to_dict()) for x in b
        ]
