"""Demand files: CSV rows, merging, errors with line numbers, OMX, the shipped set."""

import h5py
import numpy as np
import pytest

from corridor.errors import DemandError
from corridor.flows.demand import parse_demand, read_demand


def test_rows_merge_and_default_class():
    demand = parse_demand(
        "origin,destination,teu_per_year,class,derivation\n"
        "Xi'an,Duisburg,100,,a note\n"
        "Xi'an,Duisburg,50,,another\n"
        "Xi'an,Duisburg,20,reefer,\n"
        "Almaty,Vilnius,0,,zero rows are dropped\n"
    )
    assert {(r.origin, r.destination, r.user_class): r.teu_per_year for r in demand.rows} == {
        ("Xi'an", "Duisburg", "all"): 150.0,
        ("Xi'an", "Duisburg", "reefer"): 20.0,
    }
    assert demand.total_teu_per_year == 170.0 and demand.classes == ("all", "reefer")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("origin,destination,teu_per_year\nA,B,lots\n", "line 2: teu_per_year 'lots' is not a number"),
        ("origin,destination,teu_per_year\nA,B,10\nA,B,-5\n", "line 3: teu_per_year must be a finite number ≥ 0"),
        ("origin,destination,teu_per_year\nA,B,nan\n", "line 2"),
        ("origin,destination,teu_per_year\n,B,10\n", "line 2: origin and destination must not be empty"),
        ("origin,destination\nA,B\n", "header lacks teu_per_year"),
        ("origin,destination,teu_per_year\nA,B\n", "line 2: 2 cells for 3 columns"),
        ("", "empty demand file"),
        ("origin,destination,teu_per_year\nA,B,0\n", "no demand rows"),
    ],
)
def test_bad_input_names_the_line(text, needle):
    with pytest.raises(DemandError, match=needle) as info:
        parse_demand(text, source="od.csv")
    assert str(info.value).startswith("od.csv: ") and info.value.path == "od.csv"
    if "line " in needle:
        assert info.value.line == int(needle.split("line ")[1].split(":")[0])


def test_files_and_shipped_set(tmp_path):
    shipped = read_demand("corridor-2024")
    assert len(shipped.rows) >= 20 and shipped.total_teu_per_year > 400_000
    with pytest.raises(DemandError, match="no such file"):
        read_demand(tmp_path / "missing.csv")
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,teu_per_year\nXi'an,Duisburg,10\n", encoding="utf-8")
    assert read_demand(path).rows[0].teu_per_year == 10.0


def test_omx_matrices_are_classes(tmp_path):
    path = tmp_path / "od.omx"
    with h5py.File(path, "w") as f:
        f.create_dataset("data/standard", data=np.array([[0.0, 5.0], [0.0, 0.0]]))
        f.create_dataset("data/express", data=np.array([[0.0, 0.0], [2.0, 0.0]]))
        f.create_dataset("lookup/places", data=np.array([b"Xi'an", b"Duisburg"]))
    rows = {(r.origin, r.destination, r.user_class): r.teu_per_year for r in read_demand(path).rows}
    assert rows == {("Xi'an", "Duisburg", "standard"): 5.0, ("Duisburg", "Xi'an", "express"): 2.0}
    bad = tmp_path / "bad.omx"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(DemandError, match="not a readable OMX"):
        read_demand(bad)


def test_group_column_default_and_merging():
    demand = parse_demand(
        "origin,destination,teu_per_year,class,group\n"
        "Xi'an,Duisburg,100,,cn_eu\n"
        "Xi'an,Duisburg,50,,cn_eu\n"
        "Xi'an,Duisburg,20,,\n"
        "Almaty,Hamburg,5,,kz_eu\n"
    )
    rows = {(r.origin, r.destination, r.user_class, r.group): (r.teu_per_year, r.line) for r in demand.rows}
    assert rows == {
        ("Xi'an", "Duisburg", "all", "cn_eu"): (150.0, 2),
        ("Xi'an", "Duisburg", "all", "all"): (20.0, 4),
        ("Almaty", "Hamburg", "all", "kz_eu"): (5.0, 5),
    }
    assert demand.groups == ("cn_eu", "all", "kz_eu")
    assert parse_demand("origin,destination,teu_per_year\nA,B,1\n").rows[0].group == "all"
    with pytest.raises(DemandError, match="line 2: group is 201 characters") as info:
        parse_demand(f"origin,destination,teu_per_year,group\nA,B,1,{'g' * 201}\n", source="od.csv")
    assert info.value.field == "group"


def test_shipped_set_has_kazakh_baltic_scandinavian_and_western_rows():
    demand = read_demand("corridor-2024")
    by_group = {g: [r for r in demand.rows if r.group == g] for g in demand.groups}
    assert set(by_group) == {"cn_eu", "cn_caspian", "kz_eu"}
    assert {r.origin for r in by_group["kz_eu"]} == {"Astana", "Almaty", "Shymkent"}
    baltic = {"Klaipėda", "Kaunas", "Vilnius", "Rīga"}
    scandinavia = {"Karlshamn", "Gothenburg", "Stockholm Norvik"}
    western = {"Hamburg", "Duisburg", "Rotterdam"}
    assert {r.destination for r in by_group["kz_eu"]} == baltic | scandinavia | western
    assert scandinavia <= {r.destination for r in by_group["cn_eu"]}
    # the Trans-Caspian count's boxes, Constanța's included, are one group: the shippers that count measured
    assert {r.destination for r in by_group["cn_caspian"]} == {"Istanbul", "Baku (Alat)", "Poti", "Constanța"}
    assert sum(r.teu_per_year for r in by_group["cn_caspian"]) == pytest.approx(56_500, abs=20)
    assert all(r.user_class == "all" for r in demand.rows)
    assert demand.total_teu_per_year == pytest.approx(484_939)


def test_shipped_rows_state_basis_and_derivation():
    import csv
    from importlib import resources

    text = resources.files("corridor").joinpath("data/demand/corridor-2024.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and all(r["basis"] in ("sourced", "derived", "estimate") for r in rows)
    for r in rows:
        assert "http" in r["derivation"], r
        if r["group"] == "kz_eu":  # trade value → tonnes → TEU, every estimate labelled
            assert r["basis"] == "estimate" and "estimate" in r["derivation"]
            assert "t per TEU" in r["derivation"]


def test_shipped_places_are_data_pack_places():
    from corridor.datapack import load_pack
    from corridor.network.places import PlaceIndex

    pack = load_pack()
    index = PlaceIndex.from_places(pack.places)
    demand = read_demand("corridor-2024")
    for name in {r.origin for r in demand.rows} | {r.destination for r in demand.rows}:
        assert pack.places[index.find(name)].name == name  # the pack's own spelling, not an alias
