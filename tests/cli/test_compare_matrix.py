"""``corridor compare --matrix``: rows that cannot be answered are listed with their line numbers and the others are
answered; the command fails only when no row could be. On the small network."""

import json

import pytest
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def small_world(monkeypatch, small_net):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)
    return small_net


def matrix(tmp_path, text: str):
    path = tmp_path / "pairs.csv"
    path.write_text(text, encoding="utf-8")
    return path


MIXED = (
    "origin,destination\n"  # line 1
    "Westburg,Eastgrad\n"  # 2: answered
    "Eastgard,Westburg\n"  # 3: a misspelt pack place
    "Westport,\n"  # 4: an empty end
    "Warszawa,Eastgrad\n"  # 5: a town, answered
    "Madrid,Eastgrad\n"  # 6: a town far from the network
    "Westburg,Eastgrad\n"  # 7: a repeat of line 2, answered once
)


def test_bad_rows_are_listed_by_line_and_the_others_answered(tmp_path):
    path = matrix(tmp_path, MIXED)
    result = runner.invoke(app, ["compare", "--matrix", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["origin"], r["destination"]) for r in rows} == {("Westburg", "Eastgrad"), ("Warszawa", "Eastgrad")}
    assert len(rows) == 6  # two pairs, three corridor families each
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(f"{path}: line 3: unknown place 'Eastgard'; did you mean 'Eastgrad'")
    assert "'lat,lon'" in errors[0]
    assert errors[1] == f"{path}: line 4: destination must not be empty"
    assert errors[2].startswith(f"{path}: line 6: Madrid (ES) at 40.4")
    assert errors[3] == "3 of 6 rows skipped (listed above)"
    assert len(errors) == 4


def test_the_table_answers_the_good_rows_too(tmp_path):
    result = runner.invoke(app, ["compare", "--matrix", str(matrix(tmp_path, MIXED))])
    assert result.exit_code == 0, result.output
    assert "Corridors for" in result.stdout and "P50 / P90 days" in result.stdout
    assert "line 3: unknown place 'Eastgard'" in result.stderr and "3 of 6 rows skipped" in result.stderr


def test_no_answerable_row_is_an_error(tmp_path):
    path = matrix(tmp_path, "origin,destination\nEastgard,Westburg\nQqqqqq,Eastgrad\n")
    result = runner.invoke(app, ["compare", "--matrix", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}: line 2: unknown place 'Eastgard'")
    assert lines[1].startswith(f"{path}: line 3: unknown place 'Qqqqqq'")
    assert lines[2] == f"error: {path}: none of its 2 rows could be answered (each is listed above)"
    assert "Traceback" not in result.output


def test_a_bad_option_still_stops_the_batch(tmp_path):
    path = matrix(tmp_path, "origin,destination\nWestburg,Eastgrad\n")
    result = runner.invoke(app, ["compare", "--matrix", str(path), "--corridors", "northern"])
    assert result.exit_code == 1 and "unknown corridor 'northern'" in result.stderr


def test_the_help_says_how_bad_rows_are_handled():
    result = runner.invoke(app, ["compare", "--help"])
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "reported on stderr with its line number" in text and "only when no row could be answered" in text


def test_read_pairs_gives_rows_with_their_lines(tmp_path):
    path = matrix(tmp_path, 'origin,destination\nWestburg,Eastgrad\n"West\nport",\n,Eastgrad\nWestburg,Eastgrad\n')
    rows = corridor.read_pairs(path, rows=True)
    assert [(r.line, r.origin, r.destination, r.problem) for r in rows] == [
        (2, "Westburg", "Eastgrad", ""),
        (4, "West\nport", "", "destination must not be empty"),  # a quoted record over lines 3-4
        (5, "", "Eastgrad", "origin must not be empty"),
        (6, "Westburg", "Eastgrad", ""),
    ]
    with pytest.raises(corridor.FileFormatError, match=r"line 4: destination must not be empty"):
        corridor.read_pairs(path)  # the plain pairs: an empty end is an error, as before
    assert corridor.read_pairs(matrix(tmp_path, "origin,destination\na,b\nc,d\na,b\n")) == [("a", "b"), ("c", "d")]
