"""``corridor --cache-dir DIR cache info|clear``: the settings given before the command reach it."""

import json

from typer.testing import CliRunner

import corridor
from corridor.cli.app import app
from corridor.network.cache import cache_file_name, cache_key

runner = CliRunner()


def test_cache_info_and_clear_use_the_given_folder(tmp_path):
    current = corridor.cache_info(corridor.Settings(cache_dir=tmp_path)).current
    (tmp_path / current).write_bytes(b"0" * 2000)
    other = tmp_path / cache_file_name("network", cache_key("another pack"))
    other.write_bytes(b"1" * 1000)
    (tmp_path / "keep.txt").write_text("not corridor's")
    shown = runner.invoke(app, ["--cache-dir", str(tmp_path), "cache", "info", "--json"])
    assert shown.exit_code == 0, shown.output
    info = json.loads(shown.stdout)
    assert info["folder"] == str(tmp_path) and info["current"] == current and info["current_exists"]
    assert info["bytes"] == 3000 and len(info["files"]) == 2
    table = runner.invoke(app, ["--cache-dir", str(tmp_path), "cache", "info"])
    assert table.exit_code == 0 and "in use" in table.stdout and current in table.stdout
    cleared = runner.invoke(app, ["--cache-dir", str(tmp_path), "cache", "clear"])
    assert cleared.exit_code == 0 and "removed 2 files" in cleared.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_settings_do_not_leak_into_the_next_command(tmp_path):
    runner.invoke(app, ["--cache-dir", str(tmp_path), "cache", "info", "--json"])
    again = json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)
    assert again["folder"] == str(corridor.Settings().cache_folder)
