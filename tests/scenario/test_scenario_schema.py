"""Scenario files: validation errors with file, line and field; extends; application to a pack copy."""

import pytest

from corridor.datapack import load_pack
from corridor.errors import DataError, ScenarioError
from corridor.scenario import SHIPPED_SCENARIOS, apply_scenario, load_scenario


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("name: a\nclose:\n  countries: [RU, Belarus]\n", r"line 3: field 'close.countries.1'"),
        (
            "name: a\nchange:\n  services:\n    Viking train:\n      departures_per_week: double\n",
            r"line 5: field 'change.services.Viking train.departures_per_week': expected a number, or xN",
        ),
        ("name: a\ncolse:\n  countries: [RU]\n", r"line 2: field 'colse': Extra inputs are not permitted"),
        ("name: a\ndemand:\n  scale: -2\n", r"line 3: field 'demand.scale'"),
        ("description: no name\n", r"field 'name': Field required"),
        ("name: [unclosed\n", r"line 2: not valid YAML|line 1: not valid YAML"),
        ("- just\n- a list\n", r"line 1: a scenario is a mapping"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path, text, needle):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ScenarioError, match=needle) as info:
        load_scenario(path)
    assert str(path) in str(info.value) and info.value.path == str(path)
    assert not isinstance(info.value, DataError)  # a user's mistake, not a broken data pack


def test_extends_chain_and_loops(tmp_path):
    write(tmp_path, "base.yaml", "name: base\nclose:\n  countries: [RU]\n")
    child = write(tmp_path, "child.yaml", "name: child\nextends: base.yaml\nclose:\n  countries: [BY]\n")
    applied = apply_scenario(load_pack(), load_scenario(child))
    assert applied.names == ("base", "child") and applied.closed_countries == {"RU", "BY"}
    write(tmp_path, "loop1.yaml", "name: l1\nextends: loop2.yaml\n")
    write(tmp_path, "loop2.yaml", "name: l2\nextends: loop1.yaml\n")
    with pytest.raises(ScenarioError, match="loops back") as info:
        load_scenario(tmp_path / "loop1.yaml")
    assert info.value.field == "extends"
    with pytest.raises(ScenarioError, match="no such scenario") as info:
        load_scenario(tmp_path / "missing.yaml")
    assert info.value.path == str(tmp_path / "missing.yaml")


def test_changes_apply_to_a_copy(tmp_path):
    base = load_pack()
    path = write(
        tmp_path,
        "s.yaml",
        "name: s\n"
        "change:\n"
        "  services:\n"
        "    Caspian container feeder Aktau–Alat: {departures_per_week: x2, hours: 18}\n"
        "  parameters: {sea_speed_km_per_hour: x0.5}\n"
        "  rail_speeds: {KZ: 1000}\n"
        "  crossings: {brest_malaszewicze: {dwell_hours: 24}}\n"
        "close:\n"
        "  services: [Viking train]\n"
        "  crossings: [kena_gudogai]\n"
        "add:\n"
        "  services:\n"
        "    - {id: aktau-poti_x, service: Test line, mode: ferry, from_place: aktau, to_place: kuryk, km: 70,\n"
        "       departures_per_week: 3}\n"
        "  links:\n"
        "    - {id: new_line, name: A new line, mode: rail, from_lat: 43.6, from_lon: 51.2, to_lat: 43.2,\n"
        "       to_lon: 51.6}\n",
    )
    applied = apply_scenario(base, load_scenario(path))
    pack = applied.pack
    feeder = [s for s in pack.services if s.service == "Caspian container feeder Aktau–Alat"]
    old = [s for s in base.services if s.service == "Caspian container feeder Aktau–Alat"]
    assert [s.departures_per_week for s in feeder] == [2 * s.departures_per_week for s in old]
    assert all(s.hours == 18 for s in feeder)
    assert pack.param("sea_speed_km_per_hour") == pytest.approx(base.param("sea_speed_km_per_hour") / 2)
    assert pack.rail_speed_km_per_day("KZ") == 1000
    assert next(c for c in pack.crossings if c.id == "brest_malaszewicze").dwell_hours == 24
    assert not any(s.service == "Viking train" for s in pack.services)
    assert any(s.id == "aktau-poti_x" for s in pack.services)
    assert any(link.id == "new_line" and link.mode == "rail" for link in pack.links)
    assert applied.closed_crossings == {"kena_gudogai"}
    # the baseline pack is untouched
    assert base == load_pack() and any(s.service == "Viking train" for s in base.services)


@pytest.mark.parametrize(
    ("text", "needle", "field"),
    [
        ("name: s\nclose:\n  services: [Hovercraft]\n", "no service or segment 'Hovercraft'", "close.services"),
        ("name: s\nclose:\n  crossings: [nowhere]\n", "no crossing 'nowhere'", "close.crossings"),
        (
            "name: s\nchange:\n  parameters: {warp_speed: 9}\n",
            "no parameter 'warp_speed'",
            "change.parameters.warp_speed",
        ),
        (
            "name: s\nchange:\n  crossings: {kena_gudogai: {colour: 3}}\n",
            "no figure 'colour'",
            "change.crossings.kena_gudogai.colour",
        ),
    ],
)
def test_unknown_targets(tmp_path, text, needle, field):
    with pytest.raises(ScenarioError, match=needle) as info:
        apply_scenario(load_pack(), load_scenario(write(tmp_path, "s.yaml", text)))
    assert info.value.field == field and info.value.line == 3


def test_shipped_scenarios_load_and_apply():
    base = load_pack()
    for name in SHIPPED_SCENARIOS:
        scenario = load_scenario(name)
        assert scenario.description and scenario.sources, name
        apply_scenario(base, scenario)
