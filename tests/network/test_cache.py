"""The cache is built once, reused, and rebuilt when stale, corrupt or half-written."""

import os
import time

import numpy as np

from corridor.network import cache
from corridor.network.cache import cache_key, load_or_build


def builder(calls):
    def build():
        calls.append(1)
        return {"x": np.arange(1000, dtype=np.int64), "y": np.linspace(0, 1, 1000)}

    return build


def cache_files(directory, name="t"):
    return sorted(p for p in directory.glob(f"{name}-*.npz"))


def test_built_once_then_loaded(tmp_path):
    calls = []
    a, built = load_or_build("t", "k1" * 8, builder(calls), cache_dir=tmp_path)
    b, built_again = load_or_build("t", "k1" * 8, builder(calls), cache_dir=tmp_path)
    assert built and not built_again and len(calls) == 1
    np.testing.assert_array_equal(a["x"], b["x"])
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_other_code_version_file_is_removed_once_idle(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cache, "CACHE_VERSION", "old")
    load_or_build("t", cache_key("pack"), builder(calls), cache_dir=tmp_path)
    (old,) = cache_files(tmp_path)
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    monkeypatch.setattr(cache, "CACHE_VERSION", "new")
    load_or_build("t", cache_key("pack"), builder(calls), cache_dir=tmp_path)
    assert len(calls) == 2
    (current,) = cache_files(tmp_path)
    assert current != old


def test_corrupt_and_truncated_files_are_rebuilt(tmp_path):
    calls = []
    key = "c" * 16
    load_or_build("t", key, builder(calls), cache_dir=tmp_path)
    (path,) = cache_files(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip a byte inside an array
    path.write_bytes(bytes(data))
    arrays, built = load_or_build("t", key, builder(calls), cache_dir=tmp_path)
    assert built and len(calls) == 2
    np.testing.assert_array_equal(arrays["x"], np.arange(1000))
    path.write_bytes(path.read_bytes()[:500])  # half-written
    _, built = load_or_build("t", key, builder(calls), cache_dir=tmp_path)  # no file left open (warnings are errors)
    assert built and len(calls) == 3


def test_validation_failure_rebuilds(tmp_path):
    calls, seen = [], []

    def reject_the_loaded_file(arrays):
        seen.append(1)
        return len(seen) > 1  # the file on disk fails, the fresh build passes

    load_or_build("t", "d" * 16, builder(calls), cache_dir=tmp_path)
    _, built = load_or_build("t", "d" * 16, builder(calls), cache_dir=tmp_path, validate=reject_the_loaded_file)
    assert built and len(calls) == 2


def test_cache_key_depends_on_parts():
    assert cache_key("pack-a") != cache_key("pack-b")
    assert cache_key("pack-a") == cache_key("pack-a")
