"""TNTP reading and writing: the reference files, malformed input, folders."""

import shutil

import numpy as np
import pytest
from tntp_samples import NET, TRIPS

from corridor.assign.tntp import read_cost_weights, read_flows, read_net, read_tntp_dir, read_trips, write_flows
from corridor.errors import FileFormatError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sioux_falls_net_trips_and_flows(sioux):
    net, trips = sioux.network, sioux.trips
    assert (net.num_zones, net.num_nodes, net.first_thru_node, net.num_links) == (24, 24, 1, 76)
    assert (net.init_node[0], net.term_node[0]) == (1, 2)
    assert net.capacity[0] == pytest.approx(25900.20064)
    assert net.free_flow_time[0] == 6 and net.b[0] == 0.15 and net.power[0] == 4
    assert trips.total == pytest.approx(360600.0)
    assert len(trips.flow) == 528  # zero flows and the diagonal are dropped
    assert trips.to_matrix()[0, 9] == 1300.0  # Origin 1 → 10
    assert (sioux.toll_factor, sioux.distance_factor) == (0.0, 0.0)
    flows = read_flows(sioux.flows_path)
    assert np.array_equal(flows.init_node, net.init_node) and np.array_equal(flows.term_node, net.term_node)
    assert flows.volume[0] == pytest.approx(4494.6576464564205)


def test_braess_link_with_semicolon_attached(braess_dir):
    problem = read_tntp_dir(braess_dir)
    assert problem.name == "Braess"
    assert problem.network.num_links == 5
    assert problem.network.b[-1] == 1e9  # the last line ends "1;"
    assert problem.trips.total == 6.0


def test_small_files_and_conversion(tmp_path):
    net = read_net(write(tmp_path, "x_net.tntp", NET))
    assert net.first_thru_node == 3 and list(net.toll) == [0.0, 0.5]
    engine = net.to_assignment_network(toll_factor=2.0, distance_factor=1.0)
    assert list(engine.tail) == [0, 2] and list(engine.head) == [2, 1]
    assert engine.first_thru_node == 2  # 0-based: nodes 0 and 1 are zones
    assert list(engine.fixed_cost) == [1.5, 2.5]
    trips = read_trips(write(tmp_path, "x_trips.tntp", TRIPS))
    assert (list(trips.origin), list(trips.destination), list(trips.flow)) == ([1], [2], [30.0])
    demand = trips.to_demand()
    assert (list(demand.origin), list(demand.destination)) == ([0], [1])


@pytest.mark.parametrize(
    ("name", "text", "line", "needle"),
    [
        ("x_net.tntp", NET.replace("3 2 100 1.5", "3 2 lots 1.5"), 9, "'lots' is not a number"),
        ("x_net.tntp", NET.replace("3 2 100 1.5 2 0.15 4 0 0.5 1;", "3 2 100;"), 9, "expected 10 fields"),
        ("x_net.tntp", NET.replace("1\t3\t100", "1\t7\t100"), 8, "term node 7 is not a node number 1..3"),
        ("x_net.tntp", NET.replace("<NUMBER OF LINKS> 2", "NUMBER OF LINKS 2"), 4, "metadata line"),
        ("x_trips.tntp", TRIPS.replace("2 :    30.0;", "2 :    thirty;"), 6, "expected 'destination : flow;'"),
        ("x_trips.tntp", TRIPS.replace("Origin 1", "Origin one"), 5, "'Origin' must be followed"),
        ("x_trips.tntp", TRIPS.replace("2 :    30.0;", "5 :    30.0;"), 6, "destination 5 is not a zone"),
        ("x_trips.tntp", TRIPS.replace("Origin 1\n", ""), 5, "before the first 'Origin'"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, name, text, line, needle):
    path = write(tmp_path, name, text)
    reader = read_net if name.endswith("_net.tntp") else read_trips
    with pytest.raises(FileFormatError) as info:
        reader(path)
    message = str(info.value)
    assert str(path) in message and f"line {line}:" in message and needle in message
    assert info.value.path == str(path)


def test_link_count_must_match_metadata(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET.replace("<NUMBER OF LINKS> 2", "<NUMBER OF LINKS> 3"))
    with pytest.raises(FileFormatError, match="says 3 links but the file has 2"):
        read_net(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileFormatError, match="no such file") as info:
        read_net(tmp_path / "nowhere_net.tntp")
    assert info.value.path == str(tmp_path / "nowhere_net.tntp")
    with pytest.raises(FileFormatError, match="no such folder"):
        read_tntp_dir(tmp_path / "nowhere")
    with pytest.raises(FileFormatError, match=r"no \*_net.tntp file"):
        read_tntp_dir(tmp_path)


def test_several_networks_in_one_folder(tmp_path, braess_dir):
    for f in braess_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(braess_dir / "Braess_net.tntp", tmp_path / "Other_net.tntp")
    with pytest.raises(FileFormatError, match=r"several \*_net.tntp files \(Braess_net.tntp, Other_net.tntp\)"):
        read_tntp_dir(tmp_path)


def test_cost_weights_from_readme(tmp_path):
    readme = write(
        tmp_path, "README.md", "# X\n\n## Generalized Cost Weights\nToll: 0.25\nDistance:\n\n## Solutions\nToll: 9\n"
    )
    assert read_cost_weights(readme) == (0.25, 0.0)
    bad = write(tmp_path, "R2.md", "## Generalized Cost Weights\nToll: cheap\n")
    with pytest.raises(FileFormatError, match="line 2: toll weight 'cheap' is not a number"):
        read_cost_weights(bad)


def test_flow_file_round_trip(tmp_path):
    volume = np.array([4494.6576464564205, 0.1 + 0.2])
    path = write_flows(tmp_path / "out_flow.tntp", [1, 3], [3, 2], volume, [6.0008162373543197, 2.5])
    lines = path.read_text().splitlines()
    assert lines[0] == "From\tTo\tVolume\tCost"
    assert lines[1] == "1\t3\t4494.6576464564205\t6.00081623735432"
    back = read_flows(path)
    assert np.array_equal(back.volume, volume) and list(back.term_node) == [3, 2]
