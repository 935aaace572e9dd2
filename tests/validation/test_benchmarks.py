"""The benchmark CSV reader: good rows, malformed rows, unknown columns, empty files."""

import pytest

from corridor.errors import FileFormatError
from corridor.validation import benchmarks, parse_benchmarks, read_benchmarks, shipped_benchmarks

# the format before the statistic column: such files still read
HEADER = "id,origin,destination,via,avoid,modes,objective,metric,low,high,as_of,source,note"


def test_good_rows_parse_with_defaults():
    text = (
        f"{HEADER}\n"
        'viking,Klaipeda,Chornomorsk,,,service,,hours,53,59,2021,https://example.org/v,"transit, T2T"\n'
        "btk,Baku,Kars,Tbilisi; Akhalkalaki,ru;by,rail;FERRY,cost,usd_per_feu,800,800,2020,,\n"
    )
    bench = parse_benchmarks(text)
    assert bench.problems == ()
    a, b = bench.rows
    assert (a.id, a.origin, a.destination, a.metric, a.low, a.high) == (
        "viking",
        "Klaipeda",
        "Chornomorsk",
        "hours",
        53,
        59,
    )
    assert a.objective == "time" and a.via == () and a.avoid == () and a.modes == ("service",)
    assert a.note == "transit, T2T" and a.line == 2
    assert b.via == ("Tbilisi", "Akhalkalaki") and b.avoid == ("RU", "BY") and b.modes == ("rail", "ferry")
    assert b.objective == "cost" and b.low == b.high == 800 and b.line == 3
    assert "via Tbilisi, Akhalkalaki" in b.asked and "avoiding RU,BY" in b.asked and "(cost)" in b.asked


def test_malformed_rows_are_reported_with_line_numbers_and_skipped():
    text = "\n".join(
        [
            HEADER,
            "ok,Minsk,Vilnius,,,,,km,150,200,2024,,",
            "bad-metric,Minsk,Vilnius,,,,,furlongs,1,2,,,",
            "bad-number,Minsk,Vilnius,,,,,km,abc,2,,,",
            "bad-range,Minsk,Vilnius,,,,,km,9,2,,,",
            "bad-mode,Minsk,Vilnius,,,,hovercraft,,km,1,2,,,",
            "bad-objective,Minsk,Vilnius,,,,fastest,km,1,2,,,",
            "bad-avoid,Minsk,Vilnius,,RUS,,,km,1,2,,,",
            ",Minsk,Vilnius,,,,,km,1,2,,,",
            "ok,Minsk,Vilnius,,,,,km,1,2,,,",
            "",
            "nan,Minsk,Vilnius,,,,,km,nan,2,,,",
        ]
    )
    bench = parse_benchmarks(text)
    assert [r.id for r in bench.rows] == ["ok"]
    lines = {p.line: p.message for p in bench.problems}
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert "furlongs" in lines[3] and "not a number" in lines[4] and "low ≤ high" in lines[5]
    assert "cells for" in lines[6] and "fastest" in lines[7] and "RUS" in lines[8]
    assert "id is empty" in lines[9] and "repeats" in lines[10] and "finite" in lines[12]
    assert str(bench.problems[0]).startswith("line 3: ")


def test_unknown_columns_are_ignored_and_order_is_free():
    text = "metric,extra,high,low,destination,origin,id,source\nkm,zzz,10,5,Vilnius,Minsk,x,https://e.org\n"
    bench = parse_benchmarks(text)
    (row,) = bench.rows
    assert (row.id, row.origin, row.destination, row.low, row.high, row.source) == (
        "x",
        "Minsk",
        "Vilnius",
        5,
        10,
        "https://e.org",
    )
    assert row.via == () and row.as_of == "" and row.note == ""


def test_empty_file_gives_no_rows(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert read_benchmarks(empty).rows == ()
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER + "\n")
    bench = read_benchmarks(header_only)
    assert bench.rows == () and bench.problems == ()


def test_unreadable_files_raise_file_format_error(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        read_benchmarks(tmp_path / "missing.csv")
    binary = tmp_path / "latin1.csv"
    binary.write_bytes("id,origin\nx,Kłajpeda\n".encode("utf-16"))
    with pytest.raises(FileFormatError, match="UTF-8"):
        read_benchmarks(binary)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(FileFormatError, match="header lacks column"):
        read_benchmarks(wrong)


def test_byte_order_mark_is_accepted():
    bench = parse_benchmarks("\ufeff" + HEADER + "\nx,Minsk,Vilnius,,,,,km,1,2,,,\n")
    assert [r.id for r in bench.rows] == ["x"]


def test_shipped_set_is_clean_cited_and_large_enough():
    bench = shipped_benchmarks()
    assert bench.problems == ()
    assert len(bench.rows) >= 15
    for row in bench.rows:
        assert row.source.startswith("http"), row.id
        assert row.as_of, row.id
    metrics = {r.metric for r in bench.rows}
    assert {"km", "hours"} <= metrics


def test_field_above_the_csv_limit_is_a_skipped_row_with_its_line():
    text = f"{HEADER}\nbig,Minsk,Vilnius,,,,,km,1,2,,,{'x' * 200_000}\nok,Minsk,Vilnius,,,,,km,1,2,,,\n"
    bench = parse_benchmarks(text)
    assert [r.id for r in bench.rows] == ["ok"] and bench.rows[0].line == 3
    (problem,) = bench.problems
    assert problem.line == 2 and "not valid CSV" in problem.message and "field limit" in problem.message


def test_header_above_the_csv_limit_is_a_file_format_error(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(f"{HEADER},{'x' * 200_000}\nok,Minsk,Vilnius,,,,,km,1,2,,,\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="line 1: header is not valid CSV") as info:
        read_benchmarks(path)
    assert info.value.path == str(path) and info.value.line == 1 and str(path) in str(info.value)


def test_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "b.csv"
    path.write_text(f"{HEADER}\nok,Minsk,Vilnius,,,,,km,1,2,,,\n", encoding="utf-8")
    monkeypatch.setattr(benchmarks, "MAX_FILE_BYTES", 20)
    with pytest.raises(FileFormatError, match="a benchmark file may have") as info:
        read_benchmarks(path)
    assert info.value.path == str(path)


def test_byte_order_mark_alone_is_an_empty_set_and_other_digits_are_not_numbers():
    assert parse_benchmarks("\ufeff").rows == ()
    bench = parse_benchmarks(f"{HEADER}\nx,Minsk,Vilnius,,,,,km,١,2,,,\n")
    assert bench.rows == () and bench.problems[0].line == 2 and "not a number" in bench.problems[0].message
