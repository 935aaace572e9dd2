"""The pairs file of ``compare --matrix``: every fault is a FileFormatError naming the file and line."""

import pytest

from corridor.compare import MAX_PAIRS, read_pairs
from corridor.errors import FileFormatError


def _write(tmp_path, text, name="pairs.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_are_read_and_deduplicated(tmp_path):
    path = _write(tmp_path, "\ufefforigin,destination\nXi'an,Klaipeda\nXi'an,Klaipeda\n\"43.2,76.9\",Kaunas\n")
    assert read_pairs(path) == [("Xi'an", "Klaipeda"), ("43.2,76.9", "Kaunas")]


def test_field_over_the_csv_limit_names_its_line(tmp_path):
    path = _write(tmp_path, "origin,destination\nXi'an,Klaipeda\n" + "x" * 140_000 + ",Kaunas\n")
    with pytest.raises(FileFormatError, match="line 3") as caught:
        read_pairs(path)
    assert caught.value.line == 3 and caught.value.path == str(path)


@pytest.mark.parametrize(
    ("text", "match", "field"),
    [
        ("origin,destination\n,Kaunas\n", "line 2: origin must not be empty", "origin"),
        ("origin,destination\nKaunas\n", "line 2: destination must not be empty", "destination"),
        ("from,to\na,b\n", "line 1: header", None),
        ("origin,destination\n", "no pairs", None),
    ],
)
def test_malformed_rows_name_line_and_field(tmp_path, text, match, field):
    with pytest.raises(FileFormatError, match=match) as caught:
        read_pairs(_write(tmp_path, text))
    assert caught.value.field == field


def test_too_many_pairs_and_bad_bytes_are_refused(tmp_path):
    rows = "".join(f"{i},Kaunas\n" for i in range(MAX_PAIRS + 1))
    with pytest.raises(FileFormatError, match=f"more than {MAX_PAIRS} pairs"):
        read_pairs(_write(tmp_path, "origin,destination\n" + rows))
    raw = tmp_path / "latin.csv"
    raw.write_bytes(b"origin,destination\n\xe9,b\n")
    with pytest.raises(FileFormatError, match="not UTF-8"):
        read_pairs(raw)
    with pytest.raises(FileFormatError, match="cannot read"):
        read_pairs(tmp_path / "missing.csv")
    with pytest.raises(FileFormatError, match="cannot read"):
        read_pairs(tmp_path)
