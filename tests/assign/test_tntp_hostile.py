"""Hostile TNTP files: overflowing, non-finite, non-ASCII and oversized values are FileFormatErrors naming the line."""

import shutil

import pytest
import typer
from tntp_samples import NET, TRIPS
from typer.testing import CliRunner

from corridor.assign import tntp
from corridor.assign.tntp import read_cost_weights, read_flows, read_net, read_tntp_dir, read_trips
from corridor.cli.tntp import register
from corridor.errors import FileFormatError, InputError

LINK = "3 2 100 1.5 2 0.15 4 0 0.5 1;"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def expect_error(reader, path, line, needle):
    with pytest.raises(FileFormatError) as info:
        reader(path)
    message = str(info.value)
    assert str(path) in message and needle in message, message
    if line is not None:
        assert f"line {line}:" in message, message
    assert info.value.path == str(path) and info.value.line == line
    assert isinstance(info.value, InputError)
    return info.value


@pytest.mark.parametrize("value", ["1e400", "inf", "nan", "-inf", "²", "3.5", "-3", "3 000", "1" * 5000])
def test_node_count_metadata_must_be_a_plain_whole_number(tmp_path, value):
    path = write(tmp_path, "x_net.tntp", NET.replace("<NUMBER OF NODES> 3", f"<NUMBER OF NODES> {value}"))
    expect_error(read_net, path, 2, "<NUMBER OF NODES>")


@pytest.mark.parametrize("key", ["NUMBER OF ZONES", "NUMBER OF LINKS", "FIRST THRU NODE"])
def test_other_metadata_counts_reject_overflow(tmp_path, key):
    text = NET.replace(f"<{key}> ", f"<{key}> 1e400 ~ was ")
    path = write(tmp_path, "x_net.tntp", text)
    line = 1 + [line.startswith(f"<{key}>") for line in text.splitlines()].index(True)
    expect_error(read_net, path, line, f"<{key}>")


@pytest.mark.parametrize(
    ("value", "needle"),
    [("1e400", "term node"), ("inf", "term_node 'inf'"), ("nan", "term_node 'nan'"),
     ("²", "term_node '²' is not a number"), ("3.5", "term node")],
)  # fmt: skip
def test_node_ids_in_links_must_be_whole_numbers(tmp_path, value, needle):
    path = write(tmp_path, "x_net.tntp", NET.replace("1\t3\t100", f"1\t{value}\t100"))
    error = expect_error(read_net, path, 8, needle)
    assert error.field == "term_node"


@pytest.mark.parametrize(
    ("origin_line", "needle"),
    [("Origin ²", "'Origin' must be followed"), ("Origin 1e400", "'Origin' must be followed"),
     ("Origin 1" + "0" * 5000, "'Origin' must be followed")],
)  # fmt: skip
def test_trips_origin_must_be_ascii_digits(tmp_path, origin_line, needle):
    path = write(tmp_path, "x_trips.tntp", TRIPS.replace("Origin 1", origin_line))
    expect_error(read_trips, path, 5, needle)


@pytest.mark.parametrize("dest", ["²", "1e400", "nan", "٢"])
def test_trips_destination_must_be_ascii_digits(tmp_path, dest):
    path = write(tmp_path, "x_trips.tntp", TRIPS.replace("2 :    30.0;", f"{dest} :    30.0;"))
    expect_error(read_trips, path, 6, "expected 'destination : flow;'")


@pytest.mark.parametrize("flow", ["1e400", "nan", "inf", "-1", "٣٠"])
def test_trips_flows_must_be_finite_and_not_negative(tmp_path, flow):
    path = write(tmp_path, "x_trips.tntp", TRIPS.replace("2 :    30.0;", f"2 :    {flow};"))
    with pytest.raises(FileFormatError, match=r"line 6: "):
        read_trips(path)


def test_trips_zone_count_is_bounded(tmp_path):
    path = write(tmp_path, "x_trips.tntp", TRIPS.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 3000000000"))
    expect_error(read_trips, path, 1, "<NUMBER OF ZONES>")


def test_dense_matrix_of_many_zones_is_refused(tmp_path):
    text = TRIPS.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 4000000")
    trips = read_trips(write(tmp_path, "x_trips.tntp", text))
    assert trips.num_zones == 4_000_000 and list(trips.flow) == [30.0]
    with pytest.raises(FileFormatError, match="too many for a dense matrix"):
        trips.to_matrix()


def test_huge_node_count_is_refused_before_allocating(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 3000000000"))
    expect_error(read_net, path, 2, "<NUMBER OF NODES>")


def test_node_count_must_match_the_nodes_in_the_links(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 900000"))
    expect_error(read_net, path, 2, "largest node number in the links is 3")


def test_zone_count_must_not_exceed_node_count(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 4"))
    expect_error(read_net, path, 1, "more than the 3 nodes")


def test_more_links_than_declared_stop_at_the_first_extra_row(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET + LINK + "\n" + LINK + "\n")
    expect_error(read_net, path, 10, "<NUMBER OF LINKS> says 2")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("3 2 -100 1.5 2 0.15 4 0 0.5 1;", "capacity"),
        ("3 2 0 1.5 2 0.15 4 0 0.5 1;", "capacity"),
        ("3 2 1e400 1.5 2 0.15 4 0 0.5 1;", "capacity"),
        ("3 2 100 -1.5 2 0.15 4 0 0.5 1;", "length"),
        ("3 2 100 nan 2 0.15 4 0 0.5 1;", "length"),
        ("3 2 100 1.5 -2 0.15 4 0 0.5 1;", "free_flow_time"),
        ("3 2 100 1.5 inf 0.15 4 0 0.5 1;", "free_flow_time"),
        ("3 2 100 1.5 2 -0.15 4 0 0.5 1;", "b"),
        ("3 2 100 1.5 2 0.15 1e400 0 0.5 1;", "power"),
        ("3 2 100 1.5 2 0.15 4 -1 0.5 1;", "speed"),
        ("3 2 100 1.5 2 0.15 4 0 -0.5 1;", "toll"),
        ("3 2 100 1.5 2 0.15 4 0 0.5 1e400;", "type"),
        ("3 2 100 1.5 2 0.15 4 0 0.5 1.5;", "type"),
    ],
)
def test_link_attributes_must_be_finite_and_sensible(tmp_path, row, field):
    path = write(tmp_path, "x_net.tntp", NET.replace(LINK, row))
    error = expect_error(read_net, path, 9, field)
    assert error.field == field


def test_non_ascii_digits_are_not_numbers_in_links(tmp_path):
    path = write(tmp_path, "x_net.tntp", NET.replace(LINK, "3 2 ١٠٠ 1.5 2 0.15 4 0 0.5 1;"))
    expect_error(read_net, path, 9, "'١٠٠' is not a number")


@pytest.mark.parametrize("row", ["1e400 3 5.0 1.0", "1 3 nan 1.0", "1 3 5.0 inf", "1 3 -5 1.0", "1 ² 5.0 1.0"])
def test_flow_file_values_are_checked(tmp_path, row):
    path = write(tmp_path, "x_flow.tntp", f"From\tTo\tVolume\tCost\n1 3 4.0 1.0\n{row}\n")
    expect_error(read_flows, path, 3, "")


def test_cost_weights_take_the_leading_number_and_must_be_finite(tmp_path):
    chicago = write(tmp_path, "R.md", "## Generalized Cost Weights\nToll: 0.02 minutes/cent\nDistance: 0.04 mi\n")
    assert read_cost_weights(chicago) == (0.02, 0.04)
    for value in ("inf", "1e400", "-1", "nan"):
        bad = write(tmp_path, "R2.md", f"## Generalized Cost Weights\nToll: {value}\n")
        expect_error(read_cost_weights, bad, 2, "toll weight")


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "x_net.tntp", NET)
    monkeypatch.setattr(tntp, "MAX_FILE_BYTES", 50)
    expect_error(read_net, path, None, "larger than")


def test_folder_errors_are_file_format_errors(tmp_path, braess_dir):
    with pytest.raises(FileFormatError, match="no such folder"):
        read_tntp_dir(tmp_path / "nowhere")
    for f in braess_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    trips = tmp_path / "Braess_trips.tntp"
    trips.write_text(trips.read_text().replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 9"))
    with pytest.raises(FileFormatError, match="9 zones but the network has 4 nodes") as info:
        read_tntp_dir(tmp_path)
    assert info.value.path == str(trips)


def test_cli_reports_a_huge_node_count_as_one_line(tmp_path, braess_dir):
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A command group, as in the corridor CLI."""

    register(app)
    for f in braess_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    net = tmp_path / "Braess_net.tntp"
    text = net.read_text()
    assert "<NUMBER OF NODES> 4" in text
    net.write_text(text.replace("<NUMBER OF NODES> 4", "<NUMBER OF NODES> 3000000000"))
    result = CliRunner().invoke(app, ["assign-tntp", str(tmp_path), "--json"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and "Braess_net.tntp, line " in result.stderr
    assert "<NUMBER OF NODES>" in result.stderr and "Traceback" not in result.output
