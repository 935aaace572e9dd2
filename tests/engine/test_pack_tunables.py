"""Tunables that moved from code constants into the data pack: read from the pack, checked on load.

The label radius (leg ends named after a nearby place) and the corridor variants of the flows are
read where they are used; the customs union, closed seas, no-liner passages, access distances and
crossing radius by the build (``tests/network/test_base_split.py``). Here: the shipped values equal
the constants they replace, and a bad row is a DataError naming its file.
"""

import csv
import shutil
from importlib import resources

import numpy as np
import pytest
from pydantic import ValidationError

from corridor.datapack import REQUIRED_PARAMETERS, ClosedSea, load_pack
from corridor.engine import Engine
from corridor.errors import DataError
from corridor.flows.network import corridor_variants
from corridor.units import Layer
from small_network import small_graph, small_pack

#: The 27 EU member states: the EU customs union as the build held it in code.
EU_27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"

ROW = {"basis": "estimate", "source": "test", "as_of": "2026-11"}


@pytest.fixture
def pack_dir(tmp_path):
    """A copy of the shipped data pack to edit."""
    target = tmp_path / "pack"
    shutil.copytree(str(resources.files("corridor").joinpath("data", "pack")), target)
    return target


def with_params(pack, **values):
    parameters = dict(pack.parameters)
    for name, value in values.items():
        parameters[name] = parameters[name].model_copy(update={"value": value})
    return pack.model_copy(update={"parameters": parameters})


def test_shipped_tunables_equal_the_constants_they_replace():
    pack = load_pack()
    eu = {m.country for m in pack.unions if m.union == "eu_customs_union"}
    assert eu == frozenset(EU_27.split())
    assert all("customs" in m.waives for m in pack.unions if m.union == "eu_customs_union")
    assert [(s.id, s.lat_min, s.lon_min, s.lat_max, s.lon_max) for s in pack.closed_seas] == [
        ("caspian", 36.0, 46.0, 48.0, 55.5)
    ]
    assert {p.id for p in pack.no_liner_passages} == {"bering", "northwest", "panama"}
    access = [pack.param(f"{layer}_access_max_km") for layer in ("rail", "road", "sea")]
    assert access == [80.0, 50.0, 120.0]
    assert pack.param("crossing_radius_km") == 25.0 and pack.param("leg_label_radius_km") == 15.0
    assert corridor_variants(pack) == (
        ("any", frozenset()),
        ("avoid RU,BY", frozenset({"RU", "BY"})),
        ("avoid the land bridge", frozenset({"RU", "BY", "KZ", "MN"})),
        ("via Khorgos (Altynkol)", frozenset()),
        ("via Małaszewicze", frozenset()),
        ("via Aktau (Trans-Caspian)", frozenset({"RU", "BY"})),
    )
    assert {v.id: v.via for v in pack.flow_variants if v.via} == {
        "via_khorgos": ("khorgos_altynkol",),
        "via_malaszewicze": ("malaszewicze",),
        "via_aktau": ("aktau",),
    }


def test_the_new_parameters_are_required():
    for name in ("rail_access_max_km", "road_access_max_km", "sea_access_max_km", "crossing_radius_km",
                 "leg_label_radius_km"):  # fmt: skip
        assert name in REQUIRED_PARAMETERS


def test_leg_ends_are_named_within_the_pack_label_radius():
    """r_westburg lies 2.6 km from the Westburg terminal: named after it within 15 km; with radius 0 after the
    nearest town of the gazetteer (the made-up network lies in Poland), never as raw coordinates."""
    graph = small_graph()
    node = int(np.flatnonzero((graph.node_layer == Layer.RAIL) & (graph.node_lat == 52.50))[0])
    near = Engine(graph, small_pack(), None)
    off = Engine(graph, with_params(small_pack(), leg_label_radius_km=0.0), None)
    assert near.router.label(node) == "Westburg"
    label = off.router.label(node)
    assert label.endswith("(PL)") and " of " in label and "°" not in label  # e.g. "12 km NE of Legionowo (PL)"


def test_flow_variants_come_from_the_pack():
    pack = small_pack()
    assert [name for name, _ in corridor_variants(pack)] == [v.name for v in pack.flow_variants]


def test_a_closed_sea_must_be_a_box():
    with pytest.raises(ValidationError, match="lat_min < lat_max"):
        ClosedSea(**ROW, id="x", name="X", lat_min=40, lon_min=46, lat_max=36, lon_max=55)


def replace_table(pack_dir, name, text):
    (pack_dir / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("flow_variants.csv", "id,name,avoid,via,basis,source,as_of,note\n", "at least one variant"),
        ("flow_variants.csv", "id,name,avoid,via,basis,source,as_of,note\nany,any,R1,,estimate,t,2026,\n", "avoid"),
        ("unions.csv", "union,country,waives,basis,source,as_of,note\neu,DE,customs,sourced,u,2026,\n"
         "eu,DE,customs,sourced,u,2026,\n", "duplicate"),
        ("unions.csv", "union,country,waives,basis,source,as_of,note\neu,de,customs,sourced,u,2026,\n", "country"),
        ("unions.csv", "union,country,waives,basis,source,as_of,note\neu,DE,visas,sourced,u,2026,\n", "waives"),
        ("status.csv", "kind,id,status,from_date,until_date,basis,source,as_of,note\n"
         "service,No Such Train,suspended,2022-02-24,,estimate,t,2026,\n", "no service 'No Such Train'"),
        ("status.csv", "kind,id,status,from_date,until_date,basis,source,as_of,note\n"
         "crossing,kena_gudogai,closed,2022-02-30,,estimate,t,2026,\n", "from_date"),
        ("dates.csv", "name,date,basis,source,as_of,note\nas_of,2026-11-30,estimate,t,2026,\n", "covers_from"),
        ("closed_seas.csv", "id,name,lat_min,lon_min,lat_max,lon_max,basis,source,as_of,note\n"
         "c,C,48,46,36,55.5,estimate,t,2026,\n", "lat_min < lat_max"),
        ("closed_seas.csv", "id,name,lat_min,lon_min,lat_max,lon_max,basis,source,as_of,note\n"
         "c,C,36,46,98,55.5,estimate,t,2026,\n", "lat_max"),
        ("no_liner_passages.csv", "id,name,basis,source,as_of,note\nBering Strait,B,estimate,t,2026,\n", "id"),
    ],
)  # fmt: skip
def test_a_bad_row_of_a_new_table_is_a_data_error(pack_dir, file, text, message):
    replace_table(pack_dir, file, text)
    with pytest.raises(DataError, match=file.replace(".", r"\.")) as caught:
        load_pack(pack_dir)
    assert message in str(caught.value)


@pytest.mark.parametrize("name", ["leg_label_radius_km", "crossing_radius_km", "sea_access_max_km"])
def test_a_tunable_parameter_out_of_range_is_a_data_error(pack_dir, name):
    path = pack_dir / "parameters.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["name"] == name:
            row["value"] = "-1"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"parameters\.csv"):
        load_pack(pack_dir)


def test_a_missing_new_table_is_a_data_error(pack_dir):
    (pack_dir / "unions.csv").unlink()
    with pytest.raises(DataError, match=r"unions\.csv: file missing"):
        load_pack(pack_dir)
