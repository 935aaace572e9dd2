"""The base network's cache file: keyed without the data pack, checked on load, rebuilt when damaged.

The builder is the small network's base (``small_base.py``) in place of the world's, so every case
runs in milliseconds through the real ``load_base``.
"""

import json

import numpy as np
import pytest
from small_base import small_base

from corridor.network import base_cache
from corridor.network.base_cache import base_key, load_base, valid_base


@pytest.fixture
def builds(monkeypatch):
    """Count the base builds ``load_base`` makes, each the small base."""
    calls = []

    def build(*, progress=None):
        calls.append(1)
        return small_base()

    monkeypatch.setattr(base_cache, "build_base", build)
    return calls


def only_file(directory):
    (path,) = directory.glob("base-*.npz")
    return path


def rewrite(path, change):
    """Apply ``change`` to the members of an npz file (key and manifest included) and write it back."""
    with np.load(path) as archive:
        members = {name: archive[name] for name in archive.files}
    change(members)
    with open(path, "wb") as handle:
        np.savez(handle, **members)


def set_meta(members, **values):
    meta = json.loads(str(members["meta"])) | values
    members["meta"] = np.array(json.dumps(meta))


def test_built_once_then_loaded(tmp_path, builds):
    first = load_base(tmp_path)
    again = load_base(tmp_path)
    assert len(builds) == 1
    assert again.countries == first.countries and again.strait_nodes == first.strait_nodes
    np.testing.assert_array_equal(again.rail.edge_u, first.rail.edge_u)


def test_the_key_holds_no_data_pack_but_the_straits(tmp_path, monkeypatch):
    """One base for every data pack and scenario: the key is the network key's environment (code, cache
    version, layer packages) and the shipped straits.csv, which the base is built from."""
    from corridor.datapack import pack_hash
    from corridor.network.cache import cache_key

    key = base_key()
    assert key == base_key() and key != cache_key(pack_hash())
    straits = tmp_path / "straits.csv"
    straits.write_bytes(base_cache.straits_source_path().read_bytes() + b"\n")
    monkeypatch.setattr(base_cache, "straits_source_path", lambda: straits)
    assert base_key() != key


def test_a_fresh_base_is_valid():
    assert valid_base(small_base().to_arrays())


DAMAGES = {
    "rail edge to a node past the end": lambda m: m["rail.edge_u"].__setitem__(0, m["rail.lat"].size),
    "road edge from a negative node": lambda m: m["road.edge_v"].__setitem__(0, -1),
    "healing link past the end": lambda m: m.update(
        {"rail.heal_u": np.array([10**6]), "rail.heal_v": np.array([0]), "rail.heal_km": np.array([1.0]),
         "rail.heal_dead_end": np.array([False])}
    ),
    "healing columns of different lengths": lambda m: m.update({"road.heal_km": np.array([1.0])}),
    "country index past the list": lambda m: m["rail.country"].__setitem__(0, 999),
    "country index below -1": lambda m: m["road.country"].__setitem__(0, -2),
    "strait country past the list": lambda m: m["sea.strait_country"].__setitem__(0, 4),
    "passage past the list": lambda m: m["sea.edge_passage"].__setitem__(0, 1),
    "sea edge past the end": lambda m: m["sea.edge_v"].__setitem__(0, 3),
    "strait node past the sea layer": lambda m: set_meta(m, strait_nodes={"XE": [3]}),
    "strait node not an integer": lambda m: set_meta(m, strait_nodes={"XE": ["2"]}),
    "country code not ISO-A2": lambda m: set_meta(m, countries=["XE", "XN", "XQ", "X1"]),
    "layer statistics missing": lambda m: set_meta(m, layers={"rail": {"name": "r"}}),
    "latitude off the globe": lambda m: m["road.lat"].__setitem__(0, 91.0),
    "negative km": lambda m: m["rail.edge_km"].__setitem__(0, -1.0),
    "NaN km": lambda m: m["sea.edge_km"].__setitem__(0, np.nan),
    "node columns of different lengths": lambda m: m.update({"rail.lon": m["rail.lon"][:-1]}),
    "array of another dtype": lambda m: m.update({"rail.edge_u": m["rail.edge_u"].astype(np.int32)}),
    "array missing": lambda m: m.pop("sea.edge_passage"),
    "meta not JSON": lambda m: m.update({"meta": np.array("{not json")}),
    "meta not an object": lambda m: m.update({"meta": np.array("[]")}),
}  # fmt: skip


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_or_crafted_base_is_refused(damage):
    arrays = {name: np.array(value, copy=True) for name, value in small_base().to_arrays().items()}
    DAMAGES[damage](arrays)
    try:
        ok = valid_base(arrays)
    except (KeyError, IndexError, ValueError, TypeError):
        ok = False  # load_or_build counts these as a failed validation too
    assert not ok


@pytest.mark.parametrize("damage", ["rail edge to a node past the end", "passage past the list", "meta not JSON"])
def test_a_crafted_cache_file_is_rebuilt(tmp_path, builds, damage):
    load_base(tmp_path)
    path = only_file(tmp_path)
    rewrite(path, DAMAGES[damage])
    base = load_base(tmp_path)
    assert len(builds) == 2
    assert int(base.rail.edge_u.max()) < base.rail.node_count
    assert valid_base(base.to_arrays())
