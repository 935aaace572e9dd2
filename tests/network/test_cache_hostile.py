"""Hostile caches: missing or mistyped arrays, crafted indices, unwritable paths, killed writers, shared folders.

Small fake builders throughout; the network validator is checked on a six-node network built with the real
landmark and contraction-hierarchy code, so its arrays have exactly the names and dtypes of the world cache.
"""

import errno
import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from corridor.engine.arrays import valid_arrays as _valid_arrays
from corridor.network import cache
from corridor.network.cache import load_or_build
from corridor.network.graph import BorderTable, Graph, ServiceTable
from corridor.routing.fixed import build_rail_hierarchies
from corridor.routing.landmarks import compute_landmarks
from corridor.units import EdgeFlag, Layer, Mode


def builder(calls):
    def build():
        calls.append(1)
        return {"x": np.arange(1000, dtype=np.int64), "y": np.linspace(0, 1, 1000)}

    return build


def only_file(directory, name="t"):
    (path,) = directory.glob(f"{name}-*.npz")
    return path


def rewrite(path, change):
    """Apply ``change`` to the members of an npz file (its key and manifest included) and write it back."""
    with np.load(path) as archive:
        members = {name: archive[name] for name in archive.files}
    change(members)
    with open(path, "wb") as handle:
        np.savez(handle, **members)


def temp_files(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".part"))


# --- 1. a well-formed file missing an array, or holding one of the wrong type --------------------------------------


def test_file_missing_an_array_is_rebuilt(tmp_path):
    calls = []
    load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    rewrite(only_file(tmp_path), lambda m: m.pop("y"))
    arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and len(calls) == 2 and set(arrays) == {"x", "y"}
    arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert not built and set(arrays) == {"x", "y"}


def test_array_of_another_dtype_or_shape_is_rebuilt(tmp_path):
    calls = []
    load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    rewrite(only_file(tmp_path), lambda m: m.update(y=m["y"].astype(np.float32)))
    arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and arrays["y"].dtype == np.float64
    rewrite(only_file(tmp_path), lambda m: m.update(x=m["x"].reshape(10, 100)))
    arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and arrays["x"].shape == (1000,)


def test_validator_raising_on_malformed_data_means_rebuild(tmp_path):
    calls = []
    load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    rewrite(only_file(tmp_path), lambda m: m.pop("y"))
    _, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path, validate=lambda a: a["y"].size > 0)
    assert built and len(calls) == 2


def test_random_byte_flips_never_raise_and_never_load_wrong_arrays(tmp_path):
    calls = []
    load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    original = only_file(tmp_path).read_bytes()
    rng = np.random.default_rng(7)
    for position in rng.integers(0, len(original), 300).tolist():
        data = bytearray(original)
        data[position] ^= 1 << int(rng.integers(0, 8))
        only_file(tmp_path).write_bytes(bytes(data))
        arrays, _ = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
        np.testing.assert_array_equal(arrays["x"], np.arange(1000))
        np.testing.assert_array_equal(arrays["y"], np.linspace(0, 1, 1000))
        assert set(arrays) == {"x", "y"}


# --- 2. crafted indices in the network cache -----------------------------------------------------------------------


def tiny_graph() -> Graph:
    """Rail 0-1-2-3 (1-2 a border), a service 3-4 to a road node, and a terminal 5 joined to 0 and 4."""
    edges = []  # (tail, head, mode, flags, ref)
    for a, b in ((0, 1), (2, 3)):
        edges += [(a, b, Mode.RAIL, 0, -1), (b, a, Mode.RAIL, 0, -1)]
    edges += [(1, 2, Mode.RAIL, EdgeFlag.BORDER, 0), (2, 1, Mode.RAIL, EdgeFlag.BORDER, 1)]
    edges += [(3, 4, Mode.SERVICE, 0, 0), (4, 3, Mode.SERVICE, 0, 0)]
    edges += [(5, 0, Mode.TRANSFER, 0, 0), (0, 5, Mode.TRANSFER, 0, 0), (5, 4, Mode.TRANSFER, 0, 0)]
    edges += [(4, 5, Mode.TRANSFER, 0, 0)]
    edges.sort(key=lambda e: e[0])
    tail = np.array([e[0] for e in edges])
    n, m = 6, len(edges)
    km = np.linspace(10.0, 60.0, m)
    return Graph(
        node_lat=np.linspace(40, 45, n),
        node_lon=np.linspace(20, 25, n),
        node_layer=np.array([Layer.RAIL] * 4 + [Layer.ROAD, Layer.TERMINAL], np.int8),
        node_country=np.array([0, 0, 1, 1, 1, -1], np.int16),
        node_usable=np.ones(n, bool),
        node_usable_in_layer=np.ones(n, bool),
        first_out=np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))]).astype(np.int64),
        head=np.array([e[1] for e in edges], np.int32),
        edge_km=km,
        edge_hours=km / 30,
        edge_usd=km * 2,
        edge_co2=km * 0.5,
        edge_mode=np.array([e[2] for e in edges], np.int8),
        edge_flags=np.array([e[3] for e in edges], np.int8),
        edge_ref=np.array([e[4] for e in edges], np.int32),
        borders=BorderTable(
            country_a=np.array([0, 1], np.int16),
            country_b=np.array([1, 0], np.int16),
            dwell_hours=np.array([2.0, 2.0]),
            fee_usd_per_teu=np.array([50.0, 50.0]),
            gauge_change=np.array([1, 1], np.int8),
            gauge_change_hours=np.array([3.0, 3.0]),
            gauge_change_usd_per_teu=np.array([80.0, 80.0]),
            crossing=np.array([0, -1], np.int32),
        ),
        services=ServiceTable(
            service=np.array([0], np.int32),
            wait_hours=np.array([12.0]),
            running_hours=np.array([30.0]),
            departures_per_week=np.array([7.0]),
            capacity_teu_per_departure=np.array([90.0]),
        ),
        place_ids=("p0",),
        place_node=np.array([5], np.int32),
        countries=("AA", "BB"),
        crossing_names=("A–B",),
        service_names=("ferry line",),
        service_ids=("s0",),
        service_via=("",),
        meta={"report": {}},
    )


@pytest.fixture(scope="module")
def network_arrays():
    """The arrays the network cache holds, for the tiny graph (built like ``api._build_arrays``)."""
    graph = tiny_graph()
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
    landmarks, table = compute_landmarks(
        graph.first_out, graph.head, graph.edge_tail(), metrics, graph.node_usable, count=2
    )
    hierarchies = build_rail_hierarchies(graph, metrics)
    return {**graph.to_arrays(), "landmarks": landmarks, "landmark_dist": table, **hierarchies}


def fresh(arrays):
    return {name: value.copy() for name, value in arrays.items()}


def _set(name, index, value):
    def change(a):
        a[name][index] = value

    return change


def _replace(name, make):
    def change(a):
        a[name] = make(a[name])

    return change


def _border_edge(a):
    return int(np.flatnonzero(a["edge_flags"] & EdgeFlag.BORDER)[0])


def _first_of_mode(a, mode):
    return int(np.flatnonzero(a["edge_mode"] == mode)[0])


CH = "rail_ch.distance."
CRAFTED = {
    "head below zero": _set("head", 0, -1),
    "head past the last node": _set("head", 0, 6),
    "first_out decreasing": lambda a: a["first_out"].__setitem__(slice(1, 3), a["first_out"][[2, 1]]),
    "first_out past the edges": _set("first_out", 1, 10_000),
    "place node out of range": _set("place_node", 0, 6),
    "place node negative": _set("place_node", 0, -3),
    "node layer unknown": _set("node_layer", 4, 9),
    "node country below -1": _set("node_country", 0, -2),
    "node country past the list": _set("node_country", 0, 2),
    "edge mode unknown": _set("edge_mode", 0, len(Mode)),
    "edge mode negative": _set("edge_mode", 0, -1),
    "border edge ref out of range": lambda a: a["edge_ref"].__setitem__(_border_edge(a), 2),
    "border edge ref negative": lambda a: a["edge_ref"].__setitem__(_border_edge(a), -1),
    "service edge ref out of range": lambda a: a["edge_ref"].__setitem__(_first_of_mode(a, Mode.SERVICE), 1),
    "transfer edge ref out of range": lambda a: a["edge_ref"].__setitem__(_first_of_mode(a, Mode.TRANSFER), 1),
    "border country out of range": _set("borders.country_a", 0, 2),
    "border crossing out of range": _set("borders.crossing", 1, 1),
    "gauge change kind unknown": _set("borders.gauge_change", 0, 7),
    "service row names no service": _set("services.service", 0, 1),
    "negative edge hours": _set("edge_hours", 0, -1.0),
    "NaN edge cost": _set("edge_usd", 0, np.nan),
    "landmark out of range": _set("landmarks", 0, 6),
    "landmark negative": _set("landmarks", 0, -1),
    "landmark table with 5 metrics": _replace("landmark_dist", lambda t: np.zeros((6, 5, t.shape[2]), np.float32)),
    "landmark table short of nodes": _replace("landmark_dist", lambda t: t[:-1].copy()),
    "CH sub-edge past the graph": _set("rail_ch.edge_ids", 0, 99),
    "CH sub-edge negative": _set("rail_ch.edge_ids", 0, -1),
    "CH rank repeated": lambda a: a[CH + "rank"].__setitem__(0, a[CH + "rank"][1]),
    "CH rank out of range": _set(CH + "rank", 0, 4),
    "CH head out of range": _set(CH + "fwd_head", 0, 4),
    "CH head negative": _set(CH + "bwd_head", 0, -1),
    "CH head not upward": _set(CH + "fwd_head", 0, 0),
    "CH arc out of range": lambda a: a[CH + "fwd_arc"].__setitem__(0, a[CH + "arc_first"].size),
    "CH arc negative": _set(CH + "bwd_arc", 0, -1),
    "CH first_out past the arcs": lambda a: a[CH + "fwd_first_out"].__setitem__(1, a[CH + "fwd_first_out"][-1] + 1),
    "CH weight negative": _set(CH + "fwd_weight", 0, -1.0),
    "CH original arc past the sub-edges": lambda a: a[CH + "arc_first"].__setitem__(
        int(np.flatnonzero(a[CH + "arc_second"] < 0)[0]), a["rail_ch.edge_ids"].size
    ),
    "CH child arc below -1": _set(CH + "arc_second", 0, -2),
    "CH child arc past the table": lambda a: a[CH + "arc_second"].__setitem__(0, a[CH + "arc_second"].size),
    "CH hierarchy larger than the rail layer": lambda a: a.__setitem__("node_layer", np.full(6, Layer.ROAD, np.int8)),
    "array missing": lambda a: a.pop("borders.crossing"),
    "CH array missing": lambda a: a.pop("rail_ch.time.rank"),
    "array extra": lambda a: a.__setitem__("bogus", np.zeros(3)),
    "head as float": _replace("head", lambda h: h.astype(np.float64)),
    "head as int64": _replace("head", lambda h: h.astype(np.int64)),
    "landmarks two-dimensional": _replace("landmarks", lambda x: x.reshape(1, -1)),
    "place ids not a list": lambda a: a.__setitem__("place_ids", np.array(json.dumps("p0"))),
    "place ids not JSON": lambda a: a.__setitem__("place_ids", np.array("[p0")),
    "meta not an object": lambda a: a.__setitem__("meta", np.array("[]")),
    "strait node past the last node": lambda a: a.__setitem__("meta", np.array('{"strait_nodes": {"DK": [6]}}')),
    "strait node negative": lambda a: a.__setitem__("meta", np.array('{"strait_nodes": {"DK": [-1]}}')),
    "strait node not a number": lambda a: a.__setitem__("meta", np.array('{"strait_nodes": {"DK": ["0"]}}')),
    "strait country not a code": lambda a: a.__setitem__("meta", np.array('{"strait_nodes": {"DKK": [0]}}')),
    "service ids short of the table": lambda a: a.__setitem__("service_ids", np.array("[]")),
    "node array short": _replace("node_lon", lambda x: x[:-1].copy()),
    "border table column short": _replace("borders.fee_usd_per_teu", lambda x: x[:-1].copy()),
}


def rejected(arrays) -> bool:
    """The validator says no, or fails on the malformed data (which ``load_or_build`` takes as a no)."""
    try:
        return not _valid_arrays(arrays)
    except (KeyError, IndexError, ValueError, TypeError):
        return True


def test_tiny_network_arrays_are_valid(network_arrays):
    assert _valid_arrays(fresh(network_arrays))


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_crafted_network_cache_is_rejected(network_arrays, case):
    arrays = fresh(network_arrays)
    CRAFTED[case](arrays)
    assert rejected(arrays)


def test_crafted_network_cache_file_is_rebuilt(tmp_path, network_arrays):
    calls = []

    def build():
        calls.append(1)
        return fresh(network_arrays)

    load_or_build("network", "k" * 16, build, cache_dir=tmp_path, validate=_valid_arrays)
    rewrite(only_file(tmp_path, "network"), _set("head", 0, -1))  # same dtype and shape: the manifest still fits
    arrays, built = load_or_build("network", "k" * 16, build, cache_dir=tmp_path, validate=_valid_arrays)
    assert built and len(calls) == 2
    np.testing.assert_array_equal(arrays["head"], network_arrays["head"])


# --- 3. a cache that cannot be written ------------------------------------------------------------------------------


def test_cache_dir_that_cannot_be_created_warns_and_returns_arrays(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    calls = []
    with pytest.warns(UserWarning, match="a-file") as caught:
        arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=blocker / "cache")
    assert built and set(arrays) == {"x", "y"}
    assert caught[0].category.__name__ == "CacheWarning"


def test_read_only_cache_dir_warns_and_returns_arrays(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)  # root ignores chmod, so refuse the way a read-only dir does
    calls = []
    with pytest.warns(UserWarning, match="Permission denied"):
        arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and set(arrays) == {"x", "y"}


def test_full_disk_warns_returns_arrays_and_leaves_no_temp_file(tmp_path, monkeypatch):
    def fill_up(handle, **arrays):
        handle.write(b"\0" * 4096)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache.np, "savez", fill_up)
    calls = []
    with pytest.warns(UserWarning, match="No space left") as caught:
        arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and set(arrays) == {"x", "y"}
    assert str(tmp_path) in str(caught[0].message)
    assert temp_files(tmp_path) == []
    assert list(tmp_path.glob("*.npz")) == []


def test_occupied_cache_path_warns_and_returns_arrays(tmp_path):
    calls = []
    load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    path = only_file(tmp_path)
    path.unlink()
    path.mkdir()  # something else sits at the file's path
    (path / "inside").write_text("keep me")
    with pytest.warns(UserWarning, match=path.name):
        arrays, built = load_or_build("t", "k" * 16, builder(calls), cache_dir=tmp_path)
    assert built and set(arrays) == {"x", "y"}
    assert (path / "inside").read_text() == "keep me"
    assert temp_files(tmp_path) == []


# --- 4. temporary files of killed writers ---------------------------------------------------------------------------


def test_temp_file_of_a_killed_writer_is_removed_on_next_use(tmp_path):
    script = textwrap.dedent(
        """
        import os, signal, sys
        import numpy as np
        from corridor.network.cache import load_or_build

        def half_write_then_die(handle, **arrays):
            handle.write(b"\\0" * 100_000)
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        np.savez = half_write_then_die
        load_or_build("t", "k" * 16, lambda: {"x": np.arange(10)}, cache_dir=sys.argv[1])
        """
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, timeout=120)
    assert result.returncode == -9, result.stderr.decode()
    assert len(temp_files(tmp_path)) == 1
    calls = []
    load_or_build("other", "k" * 16, builder(calls), cache_dir=tmp_path)  # any use of the cache dir tidies it
    assert temp_files(tmp_path) == []


def test_temp_files_over_an_hour_old_are_removed_whoever_wrote_them(tmp_path):
    names = [f".t-0-1.{'f' * 8}-1.abcd1234.part", ".t-0123456789abcdef.npz.part"]  # another host's; an unowned one
    hours_ago = time.time() - 2 * 3600
    for name in names:
        (tmp_path / name).write_bytes(b"\0" * 100)
        os.utime(tmp_path / name, (hours_ago, hours_ago))
    load_or_build("t", "k" * 16, builder([]), cache_dir=tmp_path)
    assert temp_files(tmp_path) == []


def test_young_temp_files_of_live_or_unknown_writers_are_kept(tmp_path):
    own = f".t-0-0.{cache._host_tag()}-{os.getpid()}.abcd1234.part"  # this process: alive
    elsewhere = f".t-0-0.{'f' * 8}-1.abcd1234.part"  # another host: its pid cannot be checked here
    unowned = ".t-0123456789abcdef.npz.part"  # no owner in the name: the age rule alone
    for name in (own, elsewhere, unowned):
        (tmp_path / name).write_bytes(b"\0" * 100)
    load_or_build("t", "k" * 16, builder([]), cache_dir=tmp_path)
    assert temp_files(tmp_path) == sorted([own, elsewhere, unowned])


# --- 5. two data packs in one cache folder ---------------------------------------------------------------------------


def test_two_data_packs_keep_their_files_side_by_side(tmp_path):
    calls = []
    key_a, key_b = cache.cache_key("pack-a"), cache.cache_key("pack-b")
    load_or_build("network", key_a, builder(calls), cache_dir=tmp_path)
    load_or_build("network", key_b, builder(calls), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("network-*.npz"))) == 2
    for key in (key_a, key_b, key_a):
        _, built = load_or_build("network", key, builder(calls), cache_dir=tmp_path)
        assert not built
    assert len(calls) == 2


def test_file_of_another_code_version_in_use_is_kept(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cache, "CACHE_VERSION", "other")
    load_or_build("t", cache.cache_key("pack"), builder(calls), cache_dir=tmp_path)  # just used: not stale yet
    monkeypatch.undo()
    load_or_build("t", cache.cache_key("pack"), builder(calls), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("t-*.npz"))) == 2


def test_file_of_another_pack_unused_for_a_month_is_removed(tmp_path):
    calls = []
    load_or_build("t", "a" * 16, builder(calls), cache_dir=tmp_path)
    (old,) = tmp_path.glob("t-*.npz")
    long_ago = time.time() - 31 * 86400
    os.utime(old, (long_ago, long_ago))
    load_or_build("t", "b" * 16, builder(calls), cache_dir=tmp_path)
    assert old not in list(tmp_path.glob("t-*.npz")) and len(list(tmp_path.glob("t-*.npz"))) == 1


def test_files_of_other_names_are_left_alone(tmp_path):
    long_ago = time.time() - 400 * 86400
    for name in ("network-lite-0123456789abcdef.npz", "notes.txt", "t-0123456789abcdef.json"):
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (long_ago, long_ago))
    load_or_build("network", "k" * 16, builder([]), cache_dir=tmp_path)
    assert {"network-lite-0123456789abcdef.npz", "notes.txt", "t-0123456789abcdef.json"} <= set(os.listdir(tmp_path))


def test_only_the_most_recently_used_other_packs_are_kept(tmp_path):
    calls = []
    keys = [cache.cache_key(f"pack-{i}") for i in range(5)]
    for age_days, key in zip((5, 4, 3, 2, 1), keys, strict=True):
        load_or_build("network", key, builder(calls), cache_dir=tmp_path)
        (newest,) = [p for p in tmp_path.glob("network-*.npz") if p.stat().st_atime > time.time() - 60]
        when = time.time() - age_days * 86400
        os.utime(newest, (when, when))
    _, built = load_or_build("network", keys[0], builder(calls), cache_dir=tmp_path)  # least recently used: gone
    assert built
    for key in (keys[0], *keys[2:]):  # the current file and the three most recently used others stay
        _, built = load_or_build("network", key, builder(calls), cache_dir=tmp_path)
        assert not built
    assert len(list(tmp_path.glob("network-*.npz"))) == 4


def test_loading_marks_a_file_used_without_changing_its_modification_time(tmp_path):
    load_or_build("t", "k" * 16, builder([]), cache_dir=tmp_path)
    path = only_file(tmp_path)
    long_ago = time.time() - 40 * 86400
    os.utime(path, (long_ago, long_ago))
    before = path.stat().st_mtime_ns
    _, built = load_or_build("t", "k" * 16, builder([]), cache_dir=tmp_path)
    assert not built
    assert path.stat().st_mtime_ns == before and path.stat().st_atime > time.time() - 60
