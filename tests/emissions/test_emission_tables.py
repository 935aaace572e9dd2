"""The data pack's emission tables: loaded and checked, a bad row refused by file, line and field."""

import csv
import re
import shutil
from pathlib import Path

import pytest

from corridor.datapack import ACTIVITIES, HUBS, load_pack
from corridor.emissions import Intensities
from corridor.errors import DataError

PACK = Path(__file__).resolve().parents[2] / "src" / "corridor" / "data" / "pack"
#: The countries the corridors cross (the issue's list).
CORRIDOR_COUNTRIES = (
    "CN", "KZ", "UZ", "TM", "RU", "BY", "AZ", "GE", "TR", "UA", "PL", "LT", "LV", "EE", "DE",
    "NL", "BG", "RO", "HU", "SK", "CZ", "AT", "GR", "SE", "FI", "DK", "IT", "SI", "FR", "BE",
)  # fmt: skip


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_every_activity_and_hub_has_a_row_with_a_unit(pack):
    assert {f.activity for f in pack.emission_factors} == set(ACTIVITIES)
    assert {h.hub for h in pack.hub_factors} == set(HUBS)
    per_teu = {f.activity for f in pack.emission_factors if f.unit == "TEU-km"}
    assert per_teu == {"container_deep_sea", "container_feeder"}  # GLEC's container trade-lane unit
    electric = [f for f in pack.emission_factors if f.kwh is not None]
    assert [f.activity for f in electric] == ["rail_electric"] and electric[0].ttw_g_co2e == 0


def test_every_corridor_country_has_its_own_electric_share_and_grid_row(pack):
    shares = {r.country: r for r in pack.rail_traction}
    grid = {r.country: r for r in pack.grid_intensity}
    assert "*" in shares and "*" in grid
    assert not [c for c in CORRIDOR_COUNTRIES if c not in shares]
    assert not [c for c in CORRIDOR_COUNTRIES if c not in grid]
    assert all(0.0 <= r.electric_share <= 1.0 for r in shares.values())


def test_every_row_says_where_its_figure_comes_from(pack):
    """A sourced or derived row cites a URL; an estimate says it is one."""
    for table in (pack.emission_factors, pack.rail_traction, pack.grid_intensity, pack.hub_factors):
        for row in table:
            has_url = re.search(r"https?://", row.source) is not None
            assert has_url or (row.basis == "estimate" and row.source.startswith("estimate")), row
            assert row.as_of


def test_intensities_follow_the_rows(pack):
    """Per-TEU factors become per tonne with teu_net_tonnes; the electric part of rail is kWh x grid."""
    it = Intensities.from_pack(pack)
    teu = pack.param("teu_net_tonnes")
    deep_sea = next(f for f in pack.emission_factors if f.activity == "container_deep_sea")
    assert it.per_t_km("container_deep_sea") == pytest.approx((deep_sea.ttw_g_co2e / teu, deep_sea.wtw_g_co2e / teu))
    diesel = next(f for f in pack.emission_factors if f.activity == "rail_diesel")
    electric = next(f for f in pack.emission_factors if f.activity == "rail_electric")
    share = next(r.electric_share for r in pack.rail_traction if r.country == "PL")
    grid = next(r.g_co2e_per_kwh for r in pack.grid_intensity if r.country == "PL")
    mix = it.rail("PL")
    assert mix.electric_share == share
    assert mix.ttw_g_co2e_per_t_km == pytest.approx((1 - share) * diesel.ttw_g_co2e)
    assert mix.wtw_g_co2e_per_t_km == pytest.approx(share * electric.kwh * grid + (1 - share) * diesel.wtw_g_co2e)
    default = it.rail("XX")  # no row: the '*' rows
    assert default == it.rail(None) == it.rail("*")


def _copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def _edit(path: Path, key_column: str, key: str, column: str, value: str) -> int:
    """Set ``column`` of the row whose ``key_column`` is ``key``; return its line number."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    index = next(i for i, r in enumerate(rows) if r[key_column] == key)
    rows[index][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2  # the header is line 1


@pytest.mark.parametrize(
    ("filename", "key_column", "key", "column", "value", "says"),
    [
        ("rail_traction.csv", "country", "KZ", "electric_share", "1.5", "less than or equal to 1"),
        ("rail_traction.csv", "country", "PL", "electric_share", "nan", "finite"),
        ("grid_intensity.csv", "country", "DE", "g_co2e_per_kwh", "-3", "greater than or equal to 0"),
        ("emission_factors.csv", "activity", "rail_electric", "wtw_g_co2e", "10", "exactly one of wtw_g_co2e"),
        ("emission_factors.csv", "activity", "road_truck", "wtw_g_co2e", "50", "below ttw_g_co2e"),
        ("emission_factors.csv", "activity", "ro_pax", "unit", "t-mile", "t-km"),
        ("emission_factors.csv", "activity", "ro_ro", "activity", "barge", "road_truck"),
        ("hub_factors.csv", "hub", "seaport", "wtw_kg_co2e_per_teu", "1", "below ttw_kg_co2e_per_teu"),
        ("rail_traction.csv", "country", "LT", "country", "Lithuania", "pattern"),
    ],
)
def test_a_bad_row_is_refused_by_file_line_and_field(tmp_path, filename, key_column, key, column, value, says):
    root = _copy_pack(tmp_path)
    line = _edit(root / filename, key_column, key, column, value)
    with pytest.raises(DataError) as info:
        load_pack(root)
    message = str(info.value)
    assert message.startswith(f"{filename}: line {line}: field ")
    assert says in message
    assert info.value.path == str(root / filename)


def test_a_missing_default_row_or_activity_is_refused(tmp_path):
    root = _copy_pack(tmp_path)
    grid = root / "grid_intensity.csv"
    lines = grid.read_text(encoding="utf-8").splitlines(keepends=True)
    grid.write_text("".join(line for line in lines if not line.startswith("*,")), encoding="utf-8")
    with pytest.raises(DataError, match=r"grid_intensity\.csv: missing the '\*' default row"):
        load_pack(root)

    root = _copy_pack(tmp_path / "again")
    factors = root / "emission_factors.csv"
    lines = factors.read_text(encoding="utf-8").splitlines(keepends=True)
    factors.write_text("".join(line for line in lines if not line.startswith("ro_ro,")), encoding="utf-8")
    with pytest.raises(DataError, match=r"emission_factors\.csv: missing row\(s\) for activity \['ro_ro'\]"):
        load_pack(root)


def test_a_duplicate_country_is_refused(tmp_path):
    root = _copy_pack(tmp_path)
    path = root / "rail_traction.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kz = next(i for i, line in enumerate(lines) if line.startswith("KZ,"))
    path.write_text("".join(lines) + lines[kz], encoding="utf-8")
    with pytest.raises(DataError, match=rf"rail_traction\.csv: line {len(lines) + 1}: field 'country': duplicate"):
        load_pack(root)


def test_the_superseded_emission_parameters_are_gone(pack):
    """Emission factors live in emission_factors.csv only: no parameter can disagree with them."""
    assert not [name for name in pack.parameters if name.endswith("_kg_co2e_per_teu_km")]
