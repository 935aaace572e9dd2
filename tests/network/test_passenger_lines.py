"""passenger_edges on small synthetic layers: a conventional line and a high-speed line between shared stations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from corridor.datapack import PassengerLine, load_pack, parse_waypoints
from corridor.errors import DataError
from corridor.network.passenger_lines import passenger_edges

# Stations A and B, 85 km apart on the 40th parallel; W and E stand for the rest of the network.
A, B = (40.0, 30.0), (40.0, 31.0)
W, E = (40.0, 29.5), (40.0, 31.5)


class Layer:
    """A rail layer built edge by edge from (lat, lon) points; nodes are merged by coordinates."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []
        self.edges: list[tuple[int, int]] = []

    def node(self, point: tuple[float, float]) -> int:
        if point not in self.points:
            self.points.append(point)
        return self.points.index(point)

    def path(self, *points: tuple[float, float]) -> list[int]:
        """Add edges along ``points``; return their edge ids."""
        ids = []
        for a, b in itertools.pairwise(points):
            self.edges.append((self.node(a), self.node(b)))
            ids.append(len(self.edges) - 1)
        return ids

    def marked(self, *lines: PassengerLine, **kwargs: float) -> np.ndarray:
        lat, lon = np.array(self.points).T
        u, v = np.array(self.edges).T
        return passenger_edges(lat, lon, u, v, lines, **kwargs)


def line(*points: tuple[float, float], buffer_km: float = 2.0) -> PassengerLine:
    return PassengerLine(
        id="hsr",
        name="test line",
        country="CN",
        waypoints=";".join(f"{lat} {lon}" for lat, lon in points),
        buffer_km=buffer_km,
        basis="estimate",
        source="test",
        as_of="2026-11",
    )


def with_ends(layer: Layer) -> None:
    """The rest of the network beyond both shared stations."""
    layer.path(W, A)
    layer.path(B, E)


def test_only_the_high_speed_chain_is_marked():
    layer = Layer()
    with_ends(layer)
    conventional = layer.path(A, (40.05, 30.25), (40.08, 30.5), (40.05, 30.75), B)  # bows 9 km north
    hsr = layer.path(A, (40.0, 30.33), (40.0, 30.66), B)
    marked = layer.marked(line(A, B))
    assert marked[hsr].all()
    assert not marked[conventional].any()
    assert marked.sum() == len(hsr)


def test_a_conventional_line_inside_the_buffer_is_kept():
    """Both lines lie within the buffer: removing both would cut A from B, so the worse fit stays."""
    layer = Layer()
    with_ends(layer)
    conventional = layer.path(A, (40.01, 30.3), (40.01, 30.7), B)  # 1.1 km north of the line
    hsr = layer.path(A, (40.0, 30.5), B)
    marked = layer.marked(line(A, B, buffer_km=2.0))
    assert marked[hsr].all()
    assert not marked[conventional].any()


def test_a_line_without_a_stand_in_is_not_removed():
    layer = Layer()
    with_ends(layer)
    hsr = layer.path(A, (40.0, 30.5), B)
    assert not layer.marked(line(A, B))[hsr].any()


def test_a_chain_that_leaves_the_buffer_is_kept_whole():
    """A conventional line that shares the stations and runs near the line for a while is not cut."""
    layer = Layer()
    with_ends(layer)
    conventional = layer.path(A, (40.0, 30.2), (40.1, 30.5), (40.0, 30.8), B)  # near at both ends only
    hsr = layer.path(A, (40.0, 30.33), (40.0, 30.66), B)
    marked = layer.marked(line(A, B))
    assert marked[hsr].all()
    assert not marked[conventional].any()


def test_a_station_loop_and_spur_on_the_line_do_not_split_it():
    """A high-speed station with a passing loop and a spur: the whole line is still marked, the spur kept."""
    layer = Layer()
    with_ends(layer)
    conventional = layer.path(A, (40.05, 30.25), (40.08, 30.5), (40.05, 30.75), B)
    s1, s2 = (40.0, 30.48), (40.0, 30.52)
    hsr = layer.path(A, (40.0, 30.25), s1) + layer.path(s2, (40.0, 30.75), B)
    loop = layer.path(s1, s2) + layer.path(s1, (40.003, 30.5), s2)
    spur = layer.path(s2, (40.01, 30.53))
    marked = layer.marked(line(A, B))
    assert marked[hsr + loop].all()
    assert not marked[conventional + spur].any()


def test_an_edge_far_from_every_line_is_never_marked():
    layer = Layer()
    with_ends(layer)
    layer.path(A, (40.05, 30.25), (40.08, 30.5), (40.05, 30.75), B)
    layer.path(A, (40.0, 30.5), B)
    assert not layer.marked(line((45.0, 30.0), (45.0, 31.0))).any()
    assert not layer.marked().any()


def test_edge_km_may_be_given():
    layer = Layer()
    with_ends(layer)
    layer.path(A, (40.05, 30.25), (40.08, 30.5), (40.05, 30.75), B)
    hsr = layer.path(A, (40.0, 30.33), (40.0, 30.66), B)
    lat, lon = np.array(layer.points).T
    u, v = np.array(layer.edges).T
    km = np.full(len(u), 30.0)
    # with every edge 30 km the conventional detour (4 edges) stays under 3 × the line (3 edges)
    assert passenger_edges(lat, lon, u, v, [line(A, B)], edge_km=km)[hsr].all()


def test_parse_waypoints():
    assert parse_waypoints("40.0 30.0; 40.5 31.25 ;") == ((40.0, 30.0), (40.5, 31.25))
    assert parse_waypoints(((1.0, 2.0), (3.0, 4.0))) == ((1.0, 2.0), (3.0, 4.0))
    for bad in ("40.0 30.0", "40.0 30.0;95 10", "40.0;41.0 30.0", "a b;1 2", ""):
        with pytest.raises(ValueError):
            parse_waypoints(bad)


def test_row_model_refuses_bad_rows():
    assert line(A, B).waypoints == (A, B)
    with pytest.raises(ValueError):
        line(A, B, buffer_km=0.0)
    with pytest.raises(ValueError):
        PassengerLine.model_validate({**line(A, B).model_dump(), "waypoints": "40 30", "extra": 1})


def test_a_bad_waypoint_in_the_pack_is_a_data_error_at_its_line(tmp_path):
    import shutil
    from importlib import resources

    pack = tmp_path / "pack"
    shutil.copytree(str(resources.files("corridor").joinpath("data", "pack")), pack)
    header = "id,name,country,waypoints,buffer_km,basis,source,as_of,note\n"
    (pack / "passenger_lines.csv").write_text(header + "x,X,CN,40 30,2,estimate,test,2026-11,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"passenger_lines\.csv: line 2: field 'waypoints'"):
        load_pack(pack)


def test_the_shipped_table_loads():
    rows = load_pack().passenger_lines
    assert {r.id for r in rows} >= {"lanzhou_urumqi_hsr", "baoji_lanzhou_hsr"}
    assert all(len(r.waypoints) >= 2 and r.buffer_km > 0 for r in rows)
