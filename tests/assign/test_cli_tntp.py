"""``assign-tntp``: registered on a fresh Typer app, run through CliRunner."""

import json
import shutil

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from corridor.assign.tntp import read_flows
from corridor.cli.tntp import register

runner = CliRunner()


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A command group, as in the corridor CLI."""

    register(app)
    return app


def test_json_summary_has_exactly_the_documented_keys(app, sioux_dir):
    result = runner.invoke(app, ["assign-tntp", str(sioux_dir), "--gap", "1e-6", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    keys = {"network", "method", "relative_gap", "iterations", "seconds", "total_system_travel_time", "kernels"}
    assert set(data) == keys | {"stopped_by"} and data["stopped_by"] == "gap"
    assert data["network"] == "SiouxFalls" and data["method"] == "ue" and data["kernels"] in ("native", "jit")
    assert data["relative_gap"] <= 1e-6 and data["iterations"] >= 1
    assert data["total_system_travel_time"] == pytest.approx(7480225.3, rel=1e-4)


def test_flows_file_layout(app, sioux_dir, sioux_best, tmp_path):
    out = tmp_path / "flows.tntp"
    result = runner.invoke(
        app, ["assign-tntp", str(sioux_dir), "--gap", "1e-10", "--method", "ue", "--flows", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "From\tTo\tVolume\tCost"
    assert len(lines) == 77 and all(len(line.split("\t")) == 4 for line in lines)
    assert lines[1].split("\t")[:2] == ["1", "2"]
    written = read_flows(out)
    assert np.allclose(written.volume, sioux_best.volume, rtol=1e-6)
    assert np.allclose(written.cost, sioux_best.cost, rtol=1e-6)


def test_table_and_other_algorithms(app, braess_dir):
    result = runner.invoke(app, ["assign-tntp", str(braess_dir), "--method", "so", "--algorithm", "bfw"])
    assert result.exit_code == 0, result.output
    assert "Braess: so by bfw" in result.stdout and "relative gap" in result.stdout


def test_malformed_file_is_one_line_error(app, braess_dir, tmp_path):
    for f in braess_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    net = tmp_path / "Braess_net.tntp"
    net.write_text(net.read_text().replace("\t3\t4\t1\t100", "\t3\tfour\t1\t100"))
    result = runner.invoke(app, ["assign-tntp", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Braess_net.tntp, line 13:" in result.stderr and "'four' is not a number" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--method", "nash"], "unknown method 'nash'"), (["--algorithm", "tapas"], "unknown algorithm 'tapas'")],
)
def test_bad_options_exit_1(app, braess_dir, args, needle):
    result = runner.invoke(app, ["assign-tntp", str(braess_dir), *args])
    assert result.exit_code == 1 and needle in result.stderr and "Traceback" not in result.output


def test_missing_folder_exits_1(app, tmp_path):
    result = runner.invoke(app, ["assign-tntp", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "no such folder" in result.stderr
