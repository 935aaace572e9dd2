"""Observed counts (``counts.csv``): the shipped rows, their provenance and holdout rule, and every bad input.

Bad inputs are corrupted copies of the shipped file; each must raise FileFormatError (DataError for the shipped
file) naming the file, the line and the field.
"""

import csv
import io
import math
import re

import pytest

from corridor.datapack import load_pack
from corridor.errors import DataError, FileFormatError, InputError
from corridor.flows import counts as counts_module
from corridor.flows.counts import (
    BASES,
    COLUMNS,
    DIRECTIONS,
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    Count,
    counts_frame,
    read_counts,
    shipped_counts_path,
)

PACK = load_pack()
SHIPPED_TEXT = shipped_counts_path().read_text(encoding="utf-8")
SHIPPED = read_counts(pack=PACK)
AS_OF = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
URL = re.compile(r"https?://\S+")


def shipped_rows():
    """The shipped file as a header and a list of row dicts (to corrupt one cell and write a copy)."""
    reader = csv.DictReader(io.StringIO(SHIPPED_TEXT))
    return list(reader.fieldnames or []), list(reader)


def write(tmp_path, header, rows, name="counts.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def corrupted(tmp_path, row, **cells):
    """A copy of the shipped file with cells of row ``row`` (0: first data row, file line 2) replaced."""
    header, rows = shipped_rows()
    rows[row] = {**rows[row], **cells}
    return write(tmp_path, header, rows)


def expect(path, needle, *, line=None, field=None):
    """The FileFormatError for a user's counts file, checked for its message, file, line and field."""
    with pytest.raises(FileFormatError) as info:
        read_counts(path, pack=PACK)
    error = info.value
    assert isinstance(error, InputError)
    assert needle in str(error), str(error)
    assert str(error).startswith(str(path)) and error.path == str(path), str(error)
    if line is not None:
        assert error.line == line and f"line {line}:" in str(error), str(error)
    if field is not None:
        assert error.field == field and f"field {field!r}" in str(error), (error.field, str(error))
    return error


# --- the shipped file ----------------------------------------------------------------------------


def test_shipped_file_loads_with_the_shipped_pack_by_default():
    counts = read_counts()
    assert counts == SHIPPED
    assert len(counts) >= 15 and all(isinstance(c, Count) for c in counts)
    assert {c.kind for c in counts} == set(KINDS)
    assert [c.line for c in counts] == list(range(2, len(counts) + 2))


def test_every_element_resolves_in_the_pack():
    known = {
        "crossing": {c.id for c in PACK.crossings},
        "service": {s.service for s in PACK.services},
        "place": set(PACK.place_ids),
    }
    for c in SHIPPED:
        assert c.element in known[c.kind], c


def test_every_row_carries_basis_source_and_as_of():
    for c in SHIPPED:
        assert c.basis in BASES and AS_OF.match(c.as_of), c
        assert URL.search(c.source), f"{c.id}: the source names no URL"
        if c.basis == "derived":
            assert c.source.startswith("derived:"), f"{c.id}: a derived row states its method"
        assert c.note, f"{c.id}: the note says what the source counts"


def test_values_years_and_directions_are_in_range():
    for c in SHIPPED:
        assert math.isfinite(c.teu_per_year) and c.teu_per_year > 0, c
        assert FIRST_YEAR <= c.year <= LAST_YEAR and c.direction in DIRECTIONS, c
    assert len({c.id for c in SHIPPED}) == len(SHIPPED)


def test_the_required_elements_have_rows():
    elements = {c.element for c in SHIPPED}
    required = {
        "alashankou_dostyk",
        "khorgos_altynkol",
        "brest_malaszewicze",
        "kena_gudogai",
        "Caspian container feeder Aktau–Alat",
        "baku_alat",
        "poti",
        "batumi",
        "klaipeda",
    }
    assert required <= elements, required - elements


def test_holdout_rule():
    """Out-of-perimeter rows are never fitted; of the rows on the model's perimeter about a third are held out
    (one per corridor); an element has at most one fitted row."""
    scope = {c.id: c.note.split(":", 1)[0] for c in SHIPPED}
    assert set(scope.values()) == {"Scope matched", "Scope not matched"}, scope
    for c in SHIPPED:
        if scope[c.id] == "Scope not matched":
            assert c.holdout, f"{c.id}: its perimeter is not the model's, so it cannot be fitted"
    matched = [c for c in SHIPPED if scope[c.id] == "Scope matched"]
    held = sum(c.holdout for c in matched)
    assert 0.25 <= held / len(matched) <= 0.45, (held, len(matched))
    fitted = [c for c in SHIPPED if not c.holdout]
    assert fitted and len({(c.kind, c.element) for c in fitted}) == len(fitted)


def test_counts_frame():
    frame = counts_frame(SHIPPED)
    expected = [c for c in COLUMNS if c != "scope"] + ["line", "scope_matched"]
    assert list(frame.columns) == expected and len(frame) == len(SHIPPED)
    assert frame["scope_matched"].dtype == bool
    assert frame["holdout"].dtype == bool and frame["year"].dtype == "int64"
    assert frame["teu_per_year"].sum() == pytest.approx(sum(c.teu_per_year for c in SHIPPED))
    empty = counts_frame([])
    assert list(empty.columns) == list(frame.columns) and len(empty) == 0
    assert dict(empty.dtypes) == dict(frame.dtypes)


# --- a user's file -------------------------------------------------------------------------------


def test_a_copy_of_the_shipped_file_reads_the_same(tmp_path):
    header, rows = shipped_rows()
    path = write(tmp_path, list(reversed(header)), rows)  # column order is free
    assert [(c.id, c.teu_per_year, c.holdout) for c in read_counts(path)] == [
        (c.id, c.teu_per_year, c.holdout) for c in SHIPPED
    ]


@pytest.mark.parametrize(
    ("change", "needle", "field"),
    [
        (lambda h: [*h, "extra"], "unknown extra", "extra"),
        (lambda h: [c for c in h if c != "as_of"], "missing as_of", "as_of"),
        (lambda h: [c if c != "teu_per_year" else "teu" for c in h], "missing teu_per_year", "teu_per_year"),
    ],
)
def test_an_unknown_column_set_is_refused_on_line_1(tmp_path, change, needle, field):
    header, rows = shipped_rows()
    new = change(header)
    rows = [{n: r.get(n, r.get("teu_per_year", "")) for n in new} for r in rows]
    expect(write(tmp_path, new, rows), needle, line=1, field=field)


def test_a_repeated_column_is_refused(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(SHIPPED_TEXT.replace("as_of,note", "as_of,note,note", 1), encoding="utf-8")
    expect(path, "repeated note", line=1, field="note")


@pytest.mark.parametrize("kind", ["border", "Crossing", "link", ""])
def test_unknown_kind(tmp_path, kind):
    needle = "must not be empty" if not kind else f"unknown kind {kind!r}"
    expect(corrupted(tmp_path, 1, kind=kind), needle, line=3, field="kind")


@pytest.mark.parametrize(
    ("kind", "element", "needle"),
    [
        ("crossing", "alashankou_dostik", "did you mean 'alashankou_dostyk'"),
        ("crossing", "brest", "no crossing id 'brest'"),
        ("service", "Caspian container feeder Aktau-Alat", "did you mean 'Caspian container feeder Aktau–Alat'"),
        ("service", "aktau-baku_alat", "names the whole service: 'Caspian container feeder Aktau–Alat'"),
        ("place", "potti", "did you mean 'poti'"),
        ("place", "Poti", "no place id 'Poti'"),
        ("place", "nowhere_at_all", "no place id 'nowhere_at_all' in the data pack"),
    ],
)
def test_unknown_element_with_suggestions(tmp_path, kind, element, needle):
    expect(corrupted(tmp_path, 0, kind=kind, element=element), needle, line=2, field="element")


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("", "must not be empty"),
        ("-5", "above 0"),
        ("0", "above 0"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("-inf", "finite"),
        ("1e9", "at most 1e+08"),
        ("lots", "'lots' is not a number"),
        ("١٢٣", "is not a number"),  # Arabic-Indic digits, which float() would read
    ],
)
def test_bad_teu_per_year(tmp_path, value, needle):
    expect(corrupted(tmp_path, 2, teu_per_year=value), needle, line=4, field="teu_per_year")


def test_an_unquoted_comma_in_a_number_is_one_cell_too_many(tmp_path):
    header, _ = shipped_rows()
    lines = SHIPPED_TEXT.splitlines(keepends=True)
    cells = next(csv.reader([lines[3]]))
    cells[header.index("teu_per_year")] = "12,000"
    lines[3] = ",".join(c if c == "12,000" else '"' + c.replace('"', '""') + '"' for c in cells) + "\n"
    path = tmp_path / "counts.csv"
    path.write_text("".join(lines), encoding="utf-8")
    expect(path, "13 cells for 12 columns", line=4)


@pytest.mark.parametrize("year", ["2018", "2026", "24", "2024.0", "twenty", "", " "])
def test_bad_year(tmp_path, year):
    needle = "must not be empty" if not year.strip() else "a calendar year from 2019 to 2025"
    expect(corrupted(tmp_path, 3, year=year), needle, line=5, field="year")


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("direction", "eastbound", "expected westbound or both"),
        ("direction", "Westbound", "expected westbound or both"),
        ("direction", "", "must not be empty"),
        ("holdout", "maybe", "expected yes or no"),
        ("holdout", "True", "expected yes or no"),
        ("holdout", "", "must not be empty"),
        ("basis", "", "must not be empty"),
        ("basis", "guess", "expected sourced, derived, estimate"),
        ("source", "", "must not be empty"),
        ("as_of", "", "must not be empty"),
        ("as_of", "2024-13", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("as_of", "March 2025", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("id", "", "must not be empty"),
        ("id", "Brest 2024", "lower-case letters"),
    ],
)
def test_bad_cells_name_line_and_field(tmp_path, field, value, needle):
    expect(corrupted(tmp_path, 4, **{field: value}), needle, line=6, field=field)


def test_duplicate_id(tmp_path):
    first = SHIPPED[0].id
    error = expect(corrupted(tmp_path, 5, id=first), f"duplicate id {first!r} (first on line 2)", line=7, field="id")
    assert error.field == "id"


def test_a_row_with_too_few_cells(tmp_path):
    path = tmp_path / "counts.csv"
    lines = SHIPPED_TEXT.splitlines(keepends=True)
    path.write_text("".join([*lines[:3], "x,crossing,poti\n", *lines[3:]]), encoding="utf-8")
    expect(path, "3 cells for 12 columns", line=4)


def test_blank_lines_are_skipped_and_lines_keep_their_numbers(tmp_path):
    path = tmp_path / "counts.csv"
    lines = SHIPPED_TEXT.splitlines(keepends=True)
    path.write_text("".join([lines[0], "\n", *lines[1:]]), encoding="utf-8")
    counts = read_counts(path, pack=PACK)
    assert len(counts) == len(SHIPPED) and counts[0].line == 3


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "no such file"),
        (b"", "empty file"),
        (",".join(COLUMNS).encode() + b"\n", "no count rows"),
        (b"\xff\xfeid,kind\n", "not UTF-8"),
        (",".join(COLUMNS).encode() + b'\n"unclosed,crossing\n', "not valid CSV"),
        (",".join(COLUMNS).encode() + b"\n" + b"x" * 200_000 + b"\n", "not valid CSV"),  # above the field limit
    ],
)
def test_unreadable_files(tmp_path, content, needle):
    path = tmp_path / "counts.csv"
    if content is not None:
        path.write_bytes(content)
    expect(path, needle)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SHIPPED_TEXT.encode("utf-8"))
    assert len(read_counts(path, pack=PACK)) == len(SHIPPED)


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "counts.csv"
    path.write_text(SHIPPED_TEXT, encoding="utf-8")
    monkeypatch.setattr(counts_module, "MAX_FILE_BYTES", 100)
    expect(path, "more than the 100 a counts file may have")


def test_elements_are_checked_against_the_pack_given(tmp_path):
    """A pack without the element (a scenario that drops it) refuses the count."""
    tables = {name: getattr(PACK, name) for name in type(PACK).model_fields}
    smaller = type(PACK)(**{**tables, "places": tuple(p for p in PACK.places if p.id != "poti")})
    path = tmp_path / "counts.csv"
    path.write_text(SHIPPED_TEXT, encoding="utf-8")
    line = next(c.line for c in SHIPPED if c.element == "poti")
    with pytest.raises(FileFormatError, match="no place id 'poti'") as info:
        read_counts(path, pack=smaller)
    assert info.value.line == line and info.value.field == "element"


def test_a_fault_in_the_shipped_file_is_a_data_error(tmp_path, monkeypatch):
    path = corrupted(tmp_path, 0, teu_per_year="-1")
    monkeypatch.setattr(counts_module, "shipped_counts_path", lambda: path)
    with pytest.raises(DataError, match=r"line 2: field 'teu_per_year'") as info:
        read_counts(pack=PACK)
    assert not isinstance(info.value, InputError) and info.value.path == str(path)
    assert "shipped counts" in str(info.value)


@pytest.mark.parametrize("scope", ["", "yes", "Matched", "partial"])
def test_bad_scope(tmp_path, scope):
    needle = "must not be empty" if not scope else "expected matched or not_matched"
    expect(corrupted(tmp_path, 3, scope=scope), needle, line=5, field="scope")


def test_only_counts_in_scope_are_fitted_or_held_out():
    matched = [c for c in SHIPPED if c.scope_matched]
    assert matched and all(c.note.startswith("Scope matched") for c in matched)
    assert all(c.note.startswith("Scope not matched") for c in SHIPPED if not c.scope_matched)
    assert any(not c.holdout for c in matched) and any(c.holdout for c in matched)
