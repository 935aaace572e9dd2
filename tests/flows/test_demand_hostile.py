"""Hostile demand files: huge TEU, too many pairs, over-long fields, broken OMX; and "lat,lon" places.

Every unusable demand is a DemandError (an InputError) naming the file, the line or matrix, and the field.
"""

import time

import h5py
import numpy as np
import pytest

from corridor.errors import DemandError, InputError
from corridor.flows import demand as demand_module
from corridor.flows.demand import MAX_OD_PAIRS, MAX_ZONES, parse_demand, read_demand

HEADER = "origin,destination,teu_per_year\n"


def expect(text_or_path, needle, *, line=None, field=None):
    """The DemandError raised for a CSV text or a file, checked for its message, line and field."""
    reader = read_demand if not isinstance(text_or_path, str) else lambda t: parse_demand(t, source="od.csv")
    with pytest.raises(DemandError) as info:
        reader(text_or_path)
    error = info.value
    assert isinstance(error, InputError)
    assert needle in str(error), str(error)
    if line is not None:
        assert error.line == line and f"line {line}:" in str(error), str(error)
    if field is not None:
        assert error.field == field, (error.field, str(error))
    return error


# --- TEU bounds --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e308", "1.5e8", "1e9"])
def test_one_row_above_the_pair_maximum_names_its_line(value):
    expect(f"{HEADER}Xi'an,Duisburg,10\nAlmaty,Baku,{value}\n", "above the 1e+08", line=3, field="teu_per_year")


def test_merged_rows_above_the_pair_maximum_name_the_line_that_crosses_it():
    text = f"{HEADER}Xi'an,Duisburg,6e7\nAlmaty,Baku,5\nXi'an,Duisburg,6e7\n"
    expect(text, "Xi'an → Duisburg (all) adds up to 1.2e+08", line=4, field="teu_per_year")


def test_total_above_the_demand_maximum_names_the_line():
    rows = "".join(f"P{i},Q{i},9e7\n" for i in range(12))
    expect(HEADER + rows, "above the 1e+09 a demand may carry", line=13, field="teu_per_year")


@pytest.mark.parametrize("value", ["١٠", "1e400", "-inf"])
def test_teu_must_be_an_ascii_finite_number(value):
    expect(f"{HEADER}A,B,{value}\n", "teu_per_year", line=2, field="teu_per_year")


def test_too_many_pairs_names_the_first_line_beyond_the_limit():
    rows = "".join(f"P{i},Q{i},1\n" for i in range(MAX_OD_PAIRS + 1))
    expect(HEADER + rows, f"more than {MAX_OD_PAIRS:,} OD pairs", line=MAX_OD_PAIRS + 2)


# --- CSV form ----------------------------------------------------------------------------------


def test_field_above_the_csv_limit_names_its_line(tmp_path):
    path = tmp_path / "od.csv"
    path.write_text(f"{HEADER}A,B,1\nA,B,{'9' * 200_000}\n", encoding="utf-8")
    error = expect(path, "not valid CSV", line=3)
    assert error.path == str(path) and str(path) in str(error)


def test_over_long_place_name_names_its_field():
    expect(f"{HEADER}A,{'B' * 5000},1\n", "at most 200", line=2, field="destination")


def test_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "od.csv"
    path.write_text(f"{HEADER}A,B,1\n", encoding="utf-8")
    monkeypatch.setattr(demand_module, "MAX_FILE_BYTES", 10)
    expect(path, "a demand file may have")


def test_not_utf8_is_a_demand_error(tmp_path):
    path = tmp_path / "od.csv"
    path.write_bytes(HEADER.encode() + "Łódź,B,1\n".encode("utf-16"))
    expect(path, "not UTF-8")


# --- lat,lon places ----------------------------------------------------------------------------


def test_lat_lon_places_are_accepted_as_written():
    demand = parse_demand(f'{HEADER}"34.34,108.94",Duisburg,10\nBaku,"41.72, 44.79",5\n')
    assert [(r.origin, r.destination, r.line) for r in demand.rows] == [
        ("34.34,108.94", "Duisburg", 2),
        ("Baku", "41.72, 44.79", 3),
    ]


@pytest.mark.parametrize(("cell", "field"), [('"91,10",Duisburg', "origin"), ('Baku,"45,-200"', "destination")])
def test_out_of_range_coordinates_name_the_line_and_field(cell, field):
    expect(f"{HEADER}Xi'an,Duisburg,1\n{cell},5\n", "out of range", line=3, field=field)


# --- OMX ---------------------------------------------------------------------------------------


def omx(path, *, labels, matrices):
    """A small OMX file: ``/lookup/places`` and one dataset under ``/data`` per matrix (shape or array)."""
    with h5py.File(path, "w") as f:
        f.create_dataset("lookup/places", data=labels)
        for name, value in matrices.items():
            if isinstance(value, dict):
                f.create_dataset(f"data/{name}", **value)
            else:
                f.create_dataset(f"data/{name}", data=value)
    return path


def test_omx_with_too_many_zones_is_refused_before_the_matrix_is_read(tmp_path):
    n = 3000
    labels = np.array([f"Z{i}".encode() for i in range(n)])
    lazy = {"shape": (n, n), "dtype": "f8", "fillvalue": 1.0, "chunks": (256, 256), "compression": "gzip"}
    path = omx(tmp_path / "big.omx", labels=labels, matrices={"all": lazy})
    started = time.perf_counter()
    error = expect(path, f"3,000 zones, more than {MAX_ZONES:,}", field="/lookup/places")
    assert time.perf_counter() - started < 2.0 and error.path == str(path)


def test_omx_with_too_many_nonzero_cells_is_refused_before_expanding(tmp_path):
    n = 1000
    labels = np.array([f"Z{i}".encode() for i in range(n)])
    lazy = {"shape": (n, n), "dtype": "f8", "fillvalue": 1.0, "chunks": (100, 1000), "compression": "gzip"}
    path = omx(tmp_path / "dense.omx", labels=labels, matrices={"all": lazy})
    started = time.perf_counter()
    expect(path, f"more than {MAX_OD_PAIRS:,} non-zero OD cells", field="/data/all")
    assert time.perf_counter() - started < 5.0


def test_omx_string_matrix_is_a_demand_error(tmp_path):
    path = omx(
        tmp_path / "s.omx", labels=np.array([b"A", b"B"]), matrices={"all": np.array([[b"0", b"5"], [b"", b"x"]])}
    )
    expect(path, "not TEU per year", field="/data/all")


@pytest.mark.parametrize(
    ("labels", "needle"),
    [(np.array([1, 2]), "not place names"), (np.array([[b"A", b"B"]]), "not a one-dimensional list"),
     (np.array([b"A", b""]), "empty zone name"), (np.array([b"A", b"\xff\xfe"]), "not UTF-8"),
     (np.array([b"A", b"95,10"]), "out of range")],
)  # fmt: skip
def test_omx_unusable_lookup_is_a_demand_error(tmp_path, labels, needle):
    path = omx(tmp_path / "l.omx", labels=labels, matrices={"all": np.array([[0.0, 5.0], [0.0, 0.0]])})
    expect(path, needle, field="/lookup/places")


def test_omx_lookup_that_is_a_group_is_a_demand_error(tmp_path):
    path = tmp_path / "g.omx"
    with h5py.File(path, "w") as f:
        f.create_dataset("data/all", data=np.array([[0.0, 5.0], [0.0, 0.0]]))
        f.create_dataset("lookup/places/inner", data=np.array([b"A", b"B"]))
    expect(path, "not a one-dimensional list", field="/lookup/places")


@pytest.mark.parametrize(("value", "needle"), [(np.nan, "finite"), (-3.0, "finite"), (1e308, "above the 1e+08")])
def test_omx_bad_values_name_the_matrix_and_cell(tmp_path, value, needle):
    path = omx(tmp_path / "v.omx", labels=np.array([b"A", b"B"]), matrices={"all": np.array([[0.0, value], [1.0, 0]])})
    error = expect(path, needle)
    assert "'all' [0, 1]" in str(error) and str(path) in str(error)


def test_omx_cells_merge_like_csv_rows(tmp_path):
    labels = np.array([b"Xi'an", b"Xi'an", b"34.34,108.94", b"Duisburg"])
    matrix = np.zeros((4, 4))
    matrix[0, 3], matrix[1, 3], matrix[2, 3] = 5.0, 7.0, 1.0
    rows = read_demand(omx(tmp_path / "m.omx", labels=labels, matrices={"all": matrix})).rows
    assert {(r.origin, r.destination): r.teu_per_year for r in rows} == {
        ("Xi'an", "Duisburg"): 12.0,
        ("34.34,108.94", "Duisburg"): 1.0,
    }


def test_omx_integer_matrix_is_accepted(tmp_path):
    path = omx(tmp_path / "i.omx", labels=np.array([b"A", b"B"]), matrices={"all": np.array([[0, 3], [0, 0]])})
    assert [(r.origin, r.destination, r.teu_per_year) for r in read_demand(path).rows] == [("A", "B", 3.0)]
