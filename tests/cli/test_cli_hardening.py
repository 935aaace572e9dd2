"""The CLI never shows a traceback for a user error: output paths are checked before any work,
JSON output is strict JSON, and bad option values are refused with one line."""

import json
import math

import pytest
from typer.testing import CliRunner

from corridor.cli.app import app

runner = CliRunner()


def _one_line_error(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["compare", "Xi'an", "Duisburg", "--chart", "{missing}/chart.svg"], "--chart"),
        (["compare", "Xi'an", "Duisburg", "--chart", "{folder}"], "--chart"),
        (["reach", "Almaty", "--days", "5", "--geojson", "{missing}/reach.geojson"], "--geojson"),
        (["reach", "Almaty", "--days", "5", "--geojson", "{folder}"], "--geojson"),
        (["assign", "--report", "{missing}/flows.html"], "--report"),
        (["assign", "--links", "{folder}"], "--links"),
        (["assign", "--geojson", "{missing}/flows.geojson"], "--geojson"),
        (["validate", "--report", "{missing}/fit.html"], "--report"),
        (["scenario", "run", "baseline", "--report", "{missing}/s.html"], "--report"),
        (["scenario", "run", "baseline", "--report", "{folder}/s.txt"], "--report"),
        (["scenario", "compare", "baseline", "baseline", "--report", "{folder}"], "--report"),
    ],
)
def test_unusable_output_path_is_one_line_before_any_work(tmp_path, monkeypatch, args, option):
    import corridor.cli.app as cli

    def no_network(*_a, **_k):
        raise AssertionError("the output path must be refused before the network is loaded")

    monkeypatch.setattr(cli, "_load", no_network)
    folder = tmp_path / "out"
    folder.mkdir()
    filled = [a.format(missing=tmp_path / "nowhere", folder=folder) for a in args]
    _one_line_error(runner.invoke(app, filled), option)


def test_tntp_flows_path_checked(tmp_path):
    _one_line_error(runner.invoke(app, ["assign-tntp", str(tmp_path), "--flows", str(tmp_path)]), "--flows")


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_serve_port_out_of_range_is_a_usage_error(port):
    result = runner.invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "--port" in result.output


def test_unwritable_file_is_one_line(tmp_path, monkeypatch):
    """An OSError from writing (here: a folder without write permission) is one line, exit 1."""
    import corridor.cli.app as cli

    class Result:
        def to_geojson(self):
            return {"type": "FeatureCollection", "features": [], "note": math.nan}

    class Net:
        def reach(self, *_a, **_k):
            raise OSError(28, "No space left on device", str(tmp_path / "reach.geojson"))

    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: Net())
    _one_line_error(
        runner.invoke(app, ["reach", "Almaty", "--days", "3", "--geojson", str(tmp_path / "reach.geojson")]),
        "No space left on device",
    )


def test_json_output_never_has_nan_tokens(monkeypatch):
    import corridor.cli.app as cli

    class Route:
        def to_dict(self):
            return {"km": math.nan, "hours": math.inf, "legs": [{"usd_per_teu": -math.inf}]}

    class Net:
        def route(self, *_a, **_k):
            return Route()

    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: Net())
    result = runner.invoke(app, ["route", "Almaty", "Minsk", "--json"])
    assert result.exit_code == 0
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    assert json.loads(result.stdout, parse_constant=_refuse) == {
        "km": None,
        "hours": None,
        "legs": [{"usd_per_teu": None}],
    }


def _refuse(token):
    raise AssertionError(f"non-JSON token {token}")


@pytest.mark.parametrize("kind", ["sea\nport", "sea\rport\x1b[31m", "\u2028x"])
def test_error_quoting_user_text_stays_one_printable_line(kind):
    result = runner.invoke(app, ["places", "--kind", kind])
    _one_line_error(result)
    assert "\x1b" not in result.stderr


def test_serve_without_the_server_extra_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the server extra were not installed
    result = runner.invoke(app, ["serve"])
    _one_line_error(result, "pip install 'corridor[server]'")
