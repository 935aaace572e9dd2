"""Tests for the corridor data pack and its loader (corridor.datapack)."""

from __future__ import annotations

import csv
import io
import itertools
import re
import shutil
from importlib import resources
from pathlib import Path

import pytest

from corridor.datapack import KINDS, LAYERS, REQUIRED_PARAMETERS, DataPack, load_pack, pack_hash, parse_range
from corridor.errors import DataError, UnknownPlaceError

REQUIRED_PLACES = [
    "xian",
    "chongqing",
    "lianyungang",
    "urumqi",
    "alashankou",
    "dostyk",
    "khorgos_altynkol",
    "almaty",
    "astana",
    "shymkent",
    "aktau",
    "kuryk",
    "turkmenbashi",
    "baku_alat",
    "tbilisi",
    "poti",
    "batumi",
    "akhalkalaki",
    "kars",
    "istanbul",
    "constanta",
    "varna",
    "chornomorsk",
    "odesa",
    "minsk",
    "brest",
    "malaszewicze",
    "vilnius",
    "kaunas",
    "klaipeda",
    "riga",
    "karlshamn",
    "kiel",
    "travemunde",
    "duisburg",
    "hamburg",
    "lodz",
    "warsaw",
    "shanghai",
    "rotterdam",
]
REQUIRED_SERVICE_PAIRS = [
    ("aktau", "baku_alat"),
    ("kuryk", "baku_alat"),
    ("turkmenbashi", "baku_alat"),
    ("poti", "constanta"),
    ("batumi", "constanta"),
    ("batumi", "chornomorsk"),
    ("klaipeda", "karlshamn"),
    ("klaipeda", "kiel"),
    ("klaipeda", "travemunde"),
]
PACK_DIR = Path(str(resources.files("corridor").joinpath("data", "pack")))


@pytest.fixture(scope="module")
def pack() -> DataPack:
    return load_pack()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK_DIR, target)
    return target


def edit_csv(path: Path, row_index: int, column: str, value: str) -> int:
    """Set one cell of a CSV copy; returns the 1-based file line of that data row."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys())
    rows[row_index][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row_index + 2


def all_rows(pack: DataPack) -> list[tuple[str, object]]:
    tables = {
        "places": pack.places,
        "services": pack.services,
        "parameters": tuple(pack.parameters.values()),
        "rail_speeds": pack.rail_speeds,
        "borders": pack.borders,
        "crossings": pack.crossings,
        "gauges": pack.gauges,
        "links": pack.links,
        "unions": pack.unions,
        "status": pack.status,
        "dates": pack.dates,
        "rail_rates": pack.rail_rates,
        "passenger_lines": pack.passenger_lines,
    }
    return [(name, row) for name, rows in tables.items() for row in rows]


def test_shipped_pack_loads(pack: DataPack) -> None:
    assert len(pack.places) >= 40
    assert len(pack.services) >= 2 * len(REQUIRED_SERVICE_PAIRS)
    assert set(REQUIRED_PARAMETERS) <= set(pack.parameters)
    assert pack.crossings and pack.borders and pack.gauges and pack.rail_speeds


def test_required_places_exist_with_valid_kinds(pack: DataPack) -> None:
    for place_id in REQUIRED_PLACES:
        place = pack.place(place_id)
        assert place.kinds and set(place.kinds) <= KINDS, place_id
        assert place.layers and set(place.layers) <= LAYERS, place_id
        assert "road" in place.layers, place_id
        assert re.fullmatch(r"[A-Z]{2}", place.country)
    assert pack.place("xian").name == "Xi'an"
    assert pack.place("klaipeda").name == "Klaipėda"
    assert "Alat" in pack.place("baku_alat").aliases
    assert pack.place("dostyk").country == "KZ"


def test_ids_are_plain_ascii_and_unique(pack: DataPack) -> None:
    ids = [p.id for p in pack.places] + [s.id for s in pack.services]
    ids += [c.id for c in pack.crossings] + [link.id for link in pack.links]
    assert all(i.isascii() for i in ids)
    assert len({p.id for p in pack.places}) == len(pack.places)
    assert len({s.id for s in pack.services}) == len(pack.services)


def test_ports_have_a_role_and_only_deep_sea_ports_join_the_sea_layer(pack: DataPack) -> None:
    served = {s.from_place for s in pack.services if s.mode == "ferry"}
    for place in pack.places:
        if {"seaport", "ferry_port"} & set(place.kinds):
            assert place.port_role, place.id
            # a feeder or ro-ro port is reached by its services, a deep-sea port by liner shipping
            assert place.port_role == "deep_sea" or place.id in served, place.id
        assert ("sea" in place.layers) == (place.port_role == "deep_sea"), place.id
    roles = {p.id: p.port_role for p in pack.places}
    assert roles["karlshamn"] == "ro_ro" and roles["klaipeda"] == "feeder" and roles["hamburg"] == "deep_sea"


def test_every_row_has_source_and_as_of(pack: DataPack) -> None:
    rows = all_rows(pack)
    assert len(rows) > 150
    for table, row in rows:
        assert row.source.strip(), table  # type: ignore[attr-defined]
        assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", row.as_of), (table, row)  # type: ignore[attr-defined]
        assert row.basis in {"sourced", "derived", "estimate"}  # type: ignore[attr-defined]
        if row.basis == "sourced":  # type: ignore[attr-defined]
            assert "http" in row.source, (table, row)  # type: ignore[attr-defined]


def test_every_service_place_exists_and_both_directions(pack: DataPack) -> None:
    ids = {p.id for p in pack.places}
    pairs = {(s.from_place, s.to_place) for s in pack.services}
    for svc in pack.services:
        assert svc.from_place in ids and svc.to_place in ids
        assert (svc.to_place, svc.from_place) in pairs, svc.id
        assert svc.departures_per_week > 0 and svc.km > 0
    for a, b in REQUIRED_SERVICE_PAIRS:
        assert (a, b) in pairs and (b, a) in pairs


def test_ferry_tariffs_are_estimates_or_left_to_the_feeder_rate(pack: DataPack) -> None:
    # no published ferry tariff was found: a tariff given is an estimate; an empty one is a container feeder's,
    # priced at km x feeder_usd_per_teu_km
    for svc in pack.services:
        if svc.mode == "ferry" and svc.tariff_usd_per_teu is not None:
            assert svc.basis == "estimate", svc.id
        if svc.mode == "ferry" and svc.tariff_usd_per_teu is None:
            assert svc.vessel == "container_feeder", svc.id


def test_viking_segments_sum_to_published_length(pack: DataPack) -> None:
    viking = {(s.from_place, s.to_place): s for s in pack.services if s.service == "Viking train"}
    chain = ["chornomorsk", "minsk", "vilnius", "klaipeda"]
    km = sum(viking[pair].km for pair in itertools.pairwise(chain))
    hours = sum(viking[pair].hours or 0 for pair in itertools.pairwise(chain))
    assert km == pytest.approx(1734, rel=0.03)
    assert 53 <= hours <= 59
    assert all(s.mode == "service" and s.capacity_teu_per_departure == 82 for s in viking.values())


def test_karlshamn_one_way_times(pack: DataPack) -> None:
    hours = {(s.from_place, s.to_place): s.hours for s in pack.services}
    assert hours[("karlshamn", "klaipeda")] == 14  # eastbound
    assert hours[("klaipeda", "karlshamn")] == 12  # westbound


def test_lookups_and_fallbacks(pack: DataPack) -> None:
    pack_dir = resources.files("corridor").joinpath("data/pack")
    raw = {
        r["name"]: float(r["value"])
        for r in csv.DictReader(io.StringIO(pack_dir.joinpath("parameters.csv").read_text("utf-8")))
    }
    assert pack.param("usd_per_feu_factor") == raw["usd_per_feu_factor"]
    speeds = {
        r["country"]: float(r["speed_km_per_day"])
        for r in csv.DictReader(io.StringIO(pack_dir.joinpath("rail_speeds.csv").read_text("utf-8")))
    }
    assert pack.rail_speed_km_per_day("KZ") == speeds["KZ"] != speeds["*"]
    assert pack.sea_wait_hours == pytest.approx(84.0 / pack.param("sea_departures_per_week"))
    assert pack.rail_speed_km_per_day("XX") == pack.rail_speed_km_per_day("*")
    assert pack.gauge_mm("LT") == 1520
    assert pack.gauge_mm("FI") == 1524
    assert pack.gauge_mm("CN") == 1435  # via the '*' default
    rule = pack.border_rule("PL", "BY", "rail")
    assert rule is not None and rule is pack.border_rule("BY", "PL", "rail")
    assert pack.border_rule("BY", "PL", "sea") is None
    crossing = next(c for c in pack.crossings if c.id == "alashankou_dostyk")
    assert (crossing.country_a, crossing.country_b) == ("CN", "KZ")
    assert crossing.gauge_change == "transshipment"


def test_param_missing_raises_data_error_naming_it(pack: DataPack) -> None:
    with pytest.raises(DataError, match="no_such_parameter"):
        pack.param("no_such_parameter")


def test_unknown_place_suggests_close_ids(pack: DataPack) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        pack.place("klaipda")
    assert "klaipeda" in info.value.suggestions


def test_bad_latitude_names_file_line_and_field(pack_copy: Path) -> None:
    line = edit_csv(pack_copy / "places.csv", 4, "lat", "95.0")
    with pytest.raises(DataError) as info:
        load_pack(pack_copy)
    message = str(info.value)
    assert "places.csv" in message and f"line {line}" in message and "'lat'" in message
    assert info.value.path and info.value.path.endswith("places.csv")


def test_unknown_place_in_service(pack_copy: Path) -> None:
    line = edit_csv(pack_copy / "services.csv", 2, "to_place", "atlantis")
    with pytest.raises(DataError, match=rf"services\.csv: line {line}: .*to_place.*atlantis"):
        load_pack(pack_copy)


def test_unknown_kind(pack_copy: Path) -> None:
    line = edit_csv(pack_copy / "places.csv", 0, "kinds", "rail_terminal;spaceport")
    with pytest.raises(DataError, match=rf"places\.csv: line {line}: field 'kinds'.*spaceport"):
        load_pack(pack_copy)


def test_missing_column(pack_copy: Path) -> None:
    path = pack_copy / "borders.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        fields = [c for c in rows[0] if c != "dwell_hours"]
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    expected = r"borders\.csv: line 1: missing column\(s\) \['dwell_hours'\]"
    with pytest.raises(DataError, match=expected):
        load_pack(pack_copy)


@pytest.mark.parametrize(
    ("filename", "row", "column", "value", "field"),
    [
        ("services.csv", 0, "km", "far", "km"),
        ("services.csv", 0, "basis", "guess", "basis"),
        ("crossings.csv", 1, "gauge_change", "magic", "gauge_change"),
        ("parameters.csv", 0, "as_of", "last year", "as_of"),
        ("gauges.csv", 0, "country", "Kazakhstan", "country"),
        ("places.csv", 3, "source", "", "source"),
    ],
)
def test_malformed_cells_raise_data_error(
    pack_copy: Path, filename: str, row: int, column: str, value: str, field: str
) -> None:
    line = edit_csv(pack_copy / filename, row, column, value)
    with pytest.raises(DataError, match=rf"{re.escape(filename)}: line {line}: field '{field}'"):
        load_pack(pack_copy)


def test_duplicate_id_and_missing_parameter(pack_copy: Path, tmp_path: Path) -> None:
    line = edit_csv(pack_copy / "places.csv", 1, "id", "xian")
    with pytest.raises(DataError, match=rf"places\.csv: line {line}: .*duplicate"):
        load_pack(pack_copy)
    other = tmp_path / "other"
    shutil.copytree(PACK_DIR, other)
    edit_csv(other / "parameters.csv", 0, "name", "renamed_parameter")
    with pytest.raises(DataError, match=r"parameters\.csv: missing required parameter"):
        load_pack(other)


def test_missing_directory_and_file(tmp_path: Path, pack_copy: Path) -> None:
    with pytest.raises(DataError):
        load_pack(tmp_path / "nowhere")
    (pack_copy / "gauges.csv").unlink()
    with pytest.raises(DataError, match=r"gauges\.csv"):
        load_pack(pack_copy)


def test_pack_hash_changes_with_content(pack_copy: Path) -> None:
    before = pack_hash(pack_copy)
    assert before == pack_hash(pack_copy) == pack_hash(PACK_DIR) == pack_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    edit_csv(pack_copy / "parameters.csv", 0, "value", "61")
    assert pack_hash(pack_copy) != before
    load_pack(pack_copy)  # still valid after the edit


def row_of(path: Path, column: str, value: str) -> int:
    """0-based index of the data row whose ``column`` is ``value``."""
    with path.open(encoding="utf-8", newline="") as f:
        return next(i for i, row in enumerate(csv.DictReader(f)) if row[column] == value)


@pytest.mark.parametrize(
    ("filename", "key", "column", "value", "field"),
    [
        ("parameters.csv", ("name", "sea_usd_per_teu_km"), "value", "-10", "value"),
        ("parameters.csv", ("name", "sea_usd_per_teu_km"), "value", "nan", "value"),
        ("parameters.csv", ("name", "value_of_time_usd_per_teu_hour"), "value", "inf", "value"),
        ("parameters.csv", ("name", "road_speed_km_per_hour"), "value", "0", "value"),
        ("parameters.csv", ("name", "usd_per_feu_factor"), "value", "2.5", "value"),
        ("parameters.csv", ("name", "sea_usd_per_teu_km"), "range", "[-1, inf)", "range"),
        ("parameters.csv", ("name", "sea_usd_per_teu_km"), "range", "any", "range"),
        ("services.csv", ("id", "aktau-baku_alat"), "hours", "inf", "hours"),
        ("services.csv", ("id", "aktau-baku_alat"), "capacity_teu_per_departure", "0", "capacity_teu_per_departure"),
        ("places.csv", ("id", "kaunas"), "handling_hours", "nan", "handling_hours"),
        ("places.csv", ("id", "kaunas"), "capacity_teu_per_year", "0", "capacity_teu_per_year"),
        ("crossings.csv", ("id", "kena_gudogai"), "teu_per_train", "-82", "teu_per_train"),
        ("crossings.csv", ("id", "kena_gudogai"), "dwell_hours", "1e400", "dwell_hours"),
        ("crossings.csv", ("id", "red_bridge_road"), "dwell_hours_b_to_a", "-3", "dwell_hours_b_to_a"),
        ("rail_speeds.csv", ("country", "KZ"), "speed_km_per_day", "-800", "speed_km_per_day"),
        ("borders.csv", ("mode", "rail"), "fee_usd_per_teu", "-1", "fee_usd_per_teu"),
    ],
)
def test_figures_out_of_range_raise_data_error(
    pack_copy: Path, filename: str, key: tuple[str, str], column: str, value: str, field: str
) -> None:
    """Every figure of the shipped pack is finite and in its range, so the router never sees a negative cost."""
    path = pack_copy / filename
    line = edit_csv(path, row_of(path, *key), column, value)
    with pytest.raises(DataError, match=rf"{re.escape(filename)}: line {line}: field '{field}'"):
        load_pack(pack_copy)


def test_a_directional_crossing_dwell_turns_round_with_its_countries(pack_copy: Path) -> None:
    # Red Bridge: 15.4 h from Azerbaijan into Georgia, 58 h back (CAREC, the queue forms leaving Georgia)
    red = next(c for c in load_pack(pack_copy).crossings if c.id == "red_bridge_road")
    assert (red.country_a, red.country_b) == ("AZ", "GE")
    assert (red.dwell_hours_from("AZ"), red.dwell_hours_from("GE")) == (15.4, 58.0)
    # written the other way round (GE before AZ, the dwells with them), it loads as the same crossing
    path = pack_copy / "crossings.csv"
    row = row_of(path, "id", "red_bridge_road")
    turned_round = {"country_a": "GE", "country_b": "AZ", "dwell_hours": "58", "dwell_hours_b_to_a": "15.4"}
    for column, value in turned_round.items():
        edit_csv(path, row, column, value)
    turned = next(c for c in load_pack(pack_copy).crossings if c.id == "red_bridge_road")
    assert (turned.country_a, turned.dwell_hours_from("AZ"), turned.dwell_hours_from("GE")) == ("AZ", 15.4, 58.0)
    # without a second figure the dwell holds both ways
    kena = next(c for c in load_pack(pack_copy).crossings if c.id == "kena_gudogai")
    assert kena.dwell_hours_b_to_a is None and kena.dwell_hours_from("BY") == kena.dwell_hours_from("LT")


def test_every_parameter_has_a_range_that_holds_its_value(pack: DataPack) -> None:
    for name, parameter in pack.parameters.items():
        low, high, low_in, _ = parse_range(parameter.range)
        assert low >= 0 and low <= parameter.value <= high, name
        if "_km_per_" in name or name.endswith("_per_week"):  # speeds and frequencies: zero is meaningless
            assert (low, low_in) == (0.0, False), name


@pytest.mark.parametrize("column", ["handling_hours", "handling_usd_per_teu"])
def test_blank_handling_is_refused_when_the_pack_loads(pack_copy: Path, column: str) -> None:
    """Handling is added to every transfer edge of the build: a blank cell passed validation (None) and
    crashed the network build; it is a required figure, refused by file, line and field."""
    path = pack_copy / "places.csv"
    line = edit_csv(path, row_of(path, "id", "kaunas"), column, "")
    with pytest.raises(DataError, match=rf"places\.csv: line {line}: field '{column}': required: must not be empty"):
        load_pack(pack_copy)
