"""The cache is built once, reused, and rebuilt when stale, corrupt or half-written."""

import numpy as np

from corridor.network.cache import cache_key, load_or_build


def builder(calls):
    def build():
        calls.append(1)
        return {"x": np.arange(1000, dtype=np.int64), "y": np.linspace(0, 1, 1000)}

    return build


def test_built_once_then_loaded(tmp_path):
    calls = []
    a, built = load_or_build("t", "k1" * 8, builder(calls), cache_dir=tmp_path)
    b, built_again = load_or_build("t", "k1" * 8, builder(calls), cache_dir=tmp_path)
    assert built and not built_again and len(calls) == 1
    np.testing.assert_array_equal(a["x"], b["x"])
    assert not list(tmp_path.glob("*.part"))


def test_new_key_rebuilds_and_removes_stale_file(tmp_path):
    calls = []
    load_or_build("t", "a" * 16, builder(calls), cache_dir=tmp_path)
    load_or_build("t", "b" * 16, builder(calls), cache_dir=tmp_path)
    assert len(calls) == 2
    assert [p.name for p in tmp_path.glob("t-*.npz")] == ["t-" + "b" * 16 + ".npz"]


def test_corrupt_and_truncated_files_are_rebuilt(tmp_path):
    calls = []
    key = "c" * 16
    load_or_build("t", key, builder(calls), cache_dir=tmp_path)
    path = tmp_path / f"t-{key}.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip a byte inside an array
    path.write_bytes(bytes(data))
    arrays, built = load_or_build("t", key, builder(calls), cache_dir=tmp_path)
    assert built and len(calls) == 2
    np.testing.assert_array_equal(arrays["x"], np.arange(1000))
    path.write_bytes(path.read_bytes()[:500])  # half-written
    _, built = load_or_build("t", key, builder(calls), cache_dir=tmp_path)
    assert built and len(calls) == 3


def test_validation_failure_rebuilds(tmp_path):
    calls = []
    load_or_build("t", "d" * 16, builder(calls), cache_dir=tmp_path)
    _, built = load_or_build("t", "d" * 16, builder(calls), cache_dir=tmp_path, validate=lambda a: False)
    assert built and len(calls) == 2


def test_cache_key_depends_on_parts():
    assert cache_key("pack-a") != cache_key("pack-b")
    assert cache_key("pack-a") == cache_key("pack-a")
