"""Shipper segments: the shipped table, splitting demand into segment classes, and every bad input named."""

import csv
import io
import math
import shutil

import pytest

from corridor.errors import DataError, DemandError, FileFormatError
from corridor.flows import segments as segments_module
from corridor.flows.demand import parse_demand, read_demand
from corridor.flows.network import resolve_demand_places
from corridor.flows.segments import (
    COLUMNS,
    SHARE_TOLERANCE,
    land_groups,
    read_segments,
    segments_by_class,
    shipped_segments_path,
    split_demand,
)

SHIPPED = read_segments()


def rows_of(path):
    """The segments file as a header and a list of dicts (line n of the file is rows[n - 2])."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write(path, header, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def copy(tmp_path):
    """A writable copy of the shipped segments.csv."""
    return shutil.copy(shipped_segments_path(), tmp_path / "segments.csv")


def corrupt(path, line, field, value):
    """Set ``field`` on file line ``line`` of a segments copy."""
    header, rows = rows_of(path)
    rows[line - 2][field] = value
    return write(path, header, rows)


# --- the shipped table --------------------------------------------------------------------------


def test_shipped_groups_shares_and_provenance():
    assert {"cn_eu", "cn_caspian", "kz_eu", "all"} <= set(SHIPPED)
    for group, segs in SHIPPED.items():
        assert math.isclose(math.fsum(s.share for s in segs), 1.0, abs_tol=SHARE_TOLERANCE), group
        for s in segs:
            assert s.group == group and 0 <= s.share <= 1 and s.line >= 2
            assert s.basis in ("sourced", "derived", "estimate") and s.source and s.as_of
            assert math.isfinite(s.value_of_time_usd_per_teu_hour) and s.value_of_time_usd_per_teu_hour >= 0
    # every group has boxes that avoid Russia and Belarus, and boxes that do not
    for segs in SHIPPED.values():
        assert any(s.avoid == {"RU", "BY"} for s in segs) and any(not s.avoid for s in segs)
    # the groups counted on land corridors (trains through KZ-RU-BY, the Trans-Caspian route) are land markets;
    # the Kazakh trade-value group and the fallback for a user's rows may go by sea
    assert land_groups(SHIPPED) == {"cn_eu", "cn_caspian"}


def test_shipped_value_of_time_starts_from_the_pack_default():
    from corridor.datapack import load_pack

    default = load_pack().param("value_of_time_usd_per_teu_hour")
    assert segments_by_class(SHIPPED)["standard"].value_of_time_usd_per_teu_hour == default


def test_one_meaning_per_segment_name():
    by_class = segments_by_class(SHIPPED)
    for segs in SHIPPED.values():
        for s in segs:
            kind = by_class[s.name]
            assert (s.value_of_time_usd_per_teu_hour, s.avoid) == (kind.value_of_time_usd_per_teu_hour, kind.avoid)


def test_every_group_of_the_shipped_demand_is_defined():
    demand = read_demand("corridor-2024")
    assert set(demand.groups) == {"cn_eu", "cn_caspian", "kz_eu"}
    assert set(demand.groups) <= set(SHIPPED)


# --- splitting ----------------------------------------------------------------------------------


def test_split_keeps_each_rows_total_and_classes_are_segments():
    demand = read_demand("corridor-2024")
    split = split_demand(demand, SHIPPED)
    assert math.isclose(split.total_teu_per_year, demand.total_teu_per_year, rel_tol=1e-12)
    for row in demand.rows:
        key = (row.origin, row.destination, row.group, row.line)
        parts = [r for r in split.rows if (r.origin, r.destination, r.group, r.line) == key]
        assert math.isclose(sum(r.teu_per_year for r in parts), row.teu_per_year, rel_tol=1e-12)
        assert {r.user_class for r in parts} == {s.name for s in SHIPPED[row.group] if s.share > 0}
        for r in parts:
            share = next(s.share for s in SHIPPED[row.group] if s.name == r.user_class)
            assert math.isclose(r.teu_per_year, row.teu_per_year * share, rel_tol=1e-9)
    used = {s.name for g in demand.groups for s in SHIPPED[g] if s.share > 0}  # a segment with no share has no boxes
    assert set(split.classes) == used and used <= set(segments_by_class(SHIPPED))
    assert split_demand(split, SHIPPED).rows == split.rows  # split rows have their classes: nothing more to split


def test_rows_with_their_own_class_are_kept_and_rows_that_meet_add_up():
    eu = max(SHIPPED["cn_eu"], key=lambda s: s.share)  # a segment with boxes (a fitted share may be 0)
    kz = max(SHIPPED["kz_eu"], key=lambda s: s.share)
    demand = parse_demand(
        "origin,destination,teu_per_year,class,group\n"
        "Xi'an,Duisburg,100,,cn_eu\n"
        "Xi'an,Duisburg,7,reefer,cn_eu\n"
        f"Xi'an,Duisburg,5,{eu.name},cn_eu\n"
        "Almaty,Hamburg,10,,kz_eu\n",
        source="od.csv",
    )
    rows = {(r.origin, r.destination, r.user_class, r.group): r for r in split_demand(demand, SHIPPED).rows}
    assert rows[("Xi'an", "Duisburg", "reefer", "cn_eu")].teu_per_year == 7
    assert math.isclose(rows[("Xi'an", "Duisburg", eu.name, "cn_eu")].teu_per_year, 100 * eu.share + 5)
    assert rows[("Xi'an", "Duisburg", eu.name, "cn_eu")].line == 2
    assert math.isclose(rows[("Almaty", "Hamburg", kz.name, "kz_eu")].teu_per_year, 10 * kz.share)
    assert math.isclose(sum(r.teu_per_year for r in rows.values()), 122.0)


def test_a_demand_without_groups_uses_the_fallback_group():
    demand = parse_demand("origin,destination,teu_per_year\nXi'an,Duisburg,10\n")
    assert demand.groups == ("all",)
    split = split_demand(demand, SHIPPED)
    assert {r.user_class: r.teu_per_year for r in split.rows} == pytest.approx(
        {s.name: 10 * s.share for s in SHIPPED["all"]}
    )


def test_an_undefined_group_names_the_demand_file_and_line():
    demand = parse_demand("origin,destination,teu_per_year,group\nXi'an,Duisburg,10,cn_eu\nAlmaty,Riga,5,kz_baltic\n",
                          source="od.csv")  # fmt: skip
    with pytest.raises(DemandError) as info:
        split_demand(demand, SHIPPED)
    error = info.value
    assert str(error).startswith("od.csv: line 3: group 'kz_baltic'") and "'cn_eu'" in str(error)
    assert (error.path, error.line, error.field) == ("od.csv", 3, "group")
    explicit = parse_demand("origin,destination,teu_per_year,class,group\nA,B,1,reefer,nowhere\n", source="x.csv")
    with pytest.raises(DemandError, match="line 2: group 'nowhere'"):
        split_demand(explicit, SHIPPED)  # a group is checked whatever the row's class


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "value", "needle"),
    [
        (2, "share", "1.5", "must be a finite number in [0, 1]"),
        (2, "share", "-0.1", "must be a finite number in [0, 1]"),
        (2, "share", "nan", "must be a finite number in [0, 1]"),
        (2, "share", "lots", "'lots' is not a number"),
        (2, "start_share", "1.5", "must be a finite number in [0, 1]"),
        (3, "value_of_time_usd_per_teu_hour", "-1", "must be a finite number in [0, "),
        (3, "value_of_time_usd_per_teu_hour", "inf", "must be a finite number in [0, "),
        (3, "value_of_time_usd_per_teu_hour", "", "'' is not a number"),
        (4, "avoid", "RU;XX", "unknown country code XX"),
        (4, "avoid", "RUS", "RUS is not an ISO 3166-1 alpha-2 code"),
        (4, "market", "sea", "must be one of land, any, got 'sea'"),
        (4, "market", "", "must be one of land, any, got ''"),
        (3, "market", "any", "group 'cn_eu' has market 'land' on line 2: a group's boxes are in one market"),
        (4, "basis", "", "must be one of sourced, derived, estimate"),
        (4, "basis", "guess", "must be one of sourced, derived, estimate"),
        (5, "source", "", "must not be empty"),
        (5, "as_of", "", "must not be empty"),
        (5, "as_of", "last year", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        (5, "group", "", "must not be empty"),
        (5, "segment", "all", "'all' is the class of demand not split into segments"),
        (5, "segment", "a/b", "holds a '/'"),
    ],
)
def test_a_bad_cell_names_file_line_and_field(copy, line, field, value, needle):
    path = corrupt(copy, line, field, value)
    with pytest.raises(FileFormatError) as info:
        read_segments(path)
    error = info.value
    assert needle in str(error), str(error)
    assert str(error).startswith(f"{path}: line {line}: field {field!r}: ")
    assert (error.path, error.line, error.field) == (str(path), line, field)


@pytest.mark.parametrize(("field", "what"), [("share", "shares"), ("start_share", "starting shares")])
def test_shares_not_adding_up_name_the_group_and_its_first_line(copy, field, what):
    header, rows = rows_of(copy)
    first = next(i for i, r in enumerate(rows) if r["group"] == "kz_eu")
    big = max((i for i, r in enumerate(rows) if r["group"] == "kz_eu"), key=lambda i: float(rows[i][field]))
    rows[big][field] = f"{float(rows[big][field]) - 0.05:.6g}"  # the group now adds up to 0.95
    write(copy, header, rows)
    with pytest.raises(FileFormatError) as info:
        read_segments(copy)
    assert f"the {what} of group 'kz_eu' add up to 0.95, not 1" in str(info.value)
    assert (info.value.line, info.value.field) == (first + 2, field)


def test_duplicate_group_and_segment(copy):
    header, rows = rows_of(copy)
    write(copy, header, [*rows, dict(rows[0], share="0")])
    with pytest.raises(FileFormatError) as info:
        read_segments(copy)
    assert "duplicate segment 'standard' in group 'cn_eu' (first on line 2)" in str(info.value)
    assert (info.value.line, info.value.field) == (len(rows) + 2, "segment")


def test_one_segment_name_with_two_values_of_time(copy):
    _, rows = rows_of(copy)
    line = next(i for i, r in enumerate(rows) if r["group"] == "cn_caspian" and r["segment"] == "standard") + 2
    corrupt(copy, line, "value_of_time_usd_per_teu_hour", "5")
    with pytest.raises(FileFormatError) as info:
        read_segments(copy)
    assert "segment 'standard' has another value of time or avoided countries than on line 2" in str(info.value)
    assert (info.value.line, info.value.field) == (line, "value_of_time_usd_per_teu_hour")


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        ("", "empty file", None),
        ("group,segment,share\n", "missing ['start_share', 'value_of_time_usd_per_teu_hour'", 1),
        (",".join((*COLUMNS, "extra")) + "\n", "unknown or repeated ['extra']", 1),
        (",".join(COLUMNS) + "\n", "no segments", None),
        (",".join(COLUMNS) + "\ng,s,1,4,,estimate,src\n", "7 fields for 11 columns", 2),
        (",".join(COLUMNS) + '\ng,s,1,4,,estimate,"src\n', "not valid CSV", None),
    ],
)
def test_a_malformed_file(tmp_path, text, needle, line):
    path = tmp_path / "seg.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_segments(path)
    assert needle in str(info.value) and str(info.value).startswith(str(path))
    if line is not None:
        assert info.value.line == line


def test_unreadable_files(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        read_segments(tmp_path / "missing.csv")
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(",".join(COLUMNS).encode() + b"\ng\xe9,s,1,4,,estimate,src,2024,\n")
    with pytest.raises(FileFormatError, match="not UTF-8"):
        read_segments(binary)


def test_a_fault_in_the_shipped_file_is_a_data_error(copy, monkeypatch):
    corrupt(copy, 2, "share", "2")
    monkeypatch.setattr(segments_module, "shipped_segments_path", lambda: copy)
    with pytest.raises(DataError) as info:
        read_segments()
    assert str(info.value).startswith("shipped segments segments.csv: line 2: field 'share': ")


# --- the demand's places ------------------------------------------------------------------------


@pytest.mark.integration
def test_every_place_of_the_shipped_demand_resolves(world):
    demand = read_demand("corridor-2024")
    zones = resolve_demand_places(world.engine.router, demand)
    places = {r.origin for r in demand.rows} | {r.destination for r in demand.rows}
    assert set(zones) == places
    kazakh, scandinavian = {"Astana", "Almaty", "Shymkent"}, {"Gothenburg", "Stockholm Norvik", "Karlshamn"}
    assert kazakh | scandinavian | {"Klaipėda", "Rīga", "Rotterdam"} <= places
    assert all(zones[p].place is not None for p in places)  # pack places, not snapped coordinates
