"""Settings flow in as one value; the cache folder can be listed and cleared without touching other files."""

import os
from pathlib import Path

import pytest

import corridor
from corridor.network.cache import cache_file_name, cache_key


def test_settings_default_to_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path / "env"))
    assert corridor.Settings().cache_folder == tmp_path / "env"
    given = corridor.Settings(cache_dir=str(tmp_path / "given"))
    assert given.cache_folder == tmp_path / "given" and isinstance(given.cache_dir, Path)


def test_cache_info_lists_only_corridors_files_and_clear_removes_them(tmp_path):
    settings = corridor.Settings(cache_dir=tmp_path)
    info = corridor.cache_info(settings)
    assert info.folder == tmp_path and info.files == () and not info.current_exists
    (tmp_path / info.current).write_bytes(b"x" * 10)
    old = tmp_path / cache_file_name("network", cache_key("another pack"))
    old.write_bytes(b"y" * 5)
    os.utime(old, (1, 1))
    half = tmp_path / f".{info.current[:-4]}.0123abcd-99999.zz.part"
    half.write_bytes(b"z")
    mine = tmp_path / "notes.txt"  # not corridor's: never listed, never removed
    mine.write_text("keep")
    info = corridor.cache_info(settings)
    assert info.current_exists and info.bytes == 16
    assert [f.path.name for f in info.files if not f.temporary] == [info.current, old.name]  # newest first
    assert [f.temporary for f in info.files].count(True) == 1
    assert [f["current"] for f in info.to_dict()["files"]].count(True) == 1
    removed = corridor.clear_cache(settings)
    assert {f.path for f in removed} == {tmp_path / info.current, old, half}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_load_takes_settings_or_paths_not_both(tmp_path):
    from corridor.api import _settings

    assert _settings(None, tmp_path, None) == corridor.Settings(cache_dir=tmp_path)
    assert _settings(corridor.Settings(data_pack=tmp_path), None, None).data_pack == tmp_path
    with pytest.raises(corridor.OptionsError, match="not both"):
        _settings(corridor.Settings(cache_dir=tmp_path), tmp_path, None)
