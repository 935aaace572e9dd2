"""Hostile or mistaken scenarios: every one ends in a ScenarioError naming the field, never a crash or a hang."""

from __future__ import annotations

import pytest

from corridor.datapack import load_pack
from corridor.errors import DataError, ScenarioError
from corridor.scenario import apply_scenario, load_scenario, run_scenario
from corridor.scenario.schema import MAX_EXTENDS, MAX_PAIRS, MAX_SCENARIO_BYTES, scenario_from_dict

NEGATIVE_SEA_RATE = {"name": "x", "change": {"parameters": {"sea_usd_per_teu_km": -10}}}


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def write(tmp_path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def apply_yaml(pack, tmp_path, text: str):
    return apply_scenario(pack, load_scenario(write(tmp_path, text)))


# --- defect 1: negative figures (the segfault) -------------------------------------------------


def test_negative_parameter_refused_when_applied(pack):
    scenario = scenario_from_dict(NEGATIVE_SEA_RATE)
    with pytest.raises(ScenarioError, match=r"change\.parameters\.sea_usd_per_teu_km") as info:
        apply_scenario(pack, scenario)
    assert info.value.field == "change.parameters.sea_usd_per_teu_km"
    assert not isinstance(info.value, DataError)


def test_negative_parameter_from_a_file_names_file_and_line(pack, tmp_path):
    path = write(tmp_path, "name: x\nchange:\n  parameters:\n    sea_usd_per_teu_km: -10\n")
    with pytest.raises(ScenarioError) as info:
        apply_scenario(pack, load_scenario(path))
    err = info.value
    assert (err.field, err.path, err.line) == ("change.parameters.sea_usd_per_teu_km", str(path), 4)
    assert str(path) in str(err) and "line 4" in str(err)


def test_run_scenario_refuses_negative_figure_before_building(tmp_path):
    """What ``corridor scenario run`` calls: an error, not a crash in the landmark search (exit 139)."""
    path = write(tmp_path, "name: x\nchange:\n  parameters: {sea_usd_per_teu_km: -10}\n")
    with pytest.raises(ScenarioError, match=r"sea_usd_per_teu_km"):
        run_scenario(load_scenario(path))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parameters": {"road_speed_km_per_hour": 0}}, "change.parameters.road_speed_km_per_hour"),
        ({"parameters": {"value_of_time_usd_per_teu_hour": -1}}, "change.parameters.value_of_time_usd_per_teu_hour"),
        ({"parameters": {"border_dwell_hours_default": "x0"}}, None),  # zero hours is allowed
        ({"parameters": {"sea_speed_km_per_hour": "x0"}}, "change.parameters.sea_speed_km_per_hour"),
        ({"places": {"kaunas": {"handling_hours": -2}}}, "change.places.kaunas.handling_hours"),
        ({"places": {"kaunas": {"capacity_teu_per_year": 0}}}, "change.places.kaunas.capacity_teu_per_year"),
        ({"crossings": {"kena_gudogai": {"dwell_hours": -1}}}, "change.crossings.kena_gudogai.dwell_hours"),
        ({"borders": {"PL-BY-rail": {"fee_usd_per_teu": -5}}}, "change.borders.PL-BY-rail.fee_usd_per_teu"),
        ({"services": {"Viking train": {"hours": -3}}}, "change.services.Viking train.hours"),
        (
            {"services": {"Viking train": {"departures_per_week": 0}}},
            "change.services.Viking train.departures_per_week",
        ),
        ({"rail_speeds": {"KZ": -800}}, "change.rail_speeds.KZ"),
        ({"parameters": {"sea_usd_per_teu_km": 1e308}, "services": {}}, None),  # large but finite: allowed
    ],
)
def test_changed_figures_keep_their_range(pack, change, field):
    scenario = scenario_from_dict({"name": "x", "change": change})
    if field is None:
        apply_scenario(pack, scenario)
        return
    with pytest.raises(ScenarioError) as info:
        apply_scenario(pack, scenario)
    assert info.value.field == field and field in str(info.value)


def test_multiplied_figure_that_overflows_is_refused(pack):
    scenario = scenario_from_dict({"name": "x", "change": {"places": {"kaunas": {"capacity_teu_per_year": "x1e308"}}}})
    with pytest.raises(ScenarioError, match=r"change\.places\.kaunas\.capacity_teu_per_year"):
        apply_scenario(pack, scenario)


def test_added_service_checked_like_a_pack_row(pack):
    service = {"id": "a-b", "service": "S", "mode": "ferry", "from_place": "aktau", "to_place": "aktau", "km": 5}
    scenario = scenario_from_dict({"name": "x", "add": {"services": [{**service, "departures_per_week": 1}]}})
    with pytest.raises(ScenarioError) as info:
        apply_scenario(pack, scenario)
    assert info.value.field == "add.services.0" and "differ" in str(info.value)
    taken = {**service, "id": "aktau-baku_alat", "to_place": "baku_alat", "departures_per_week": 1}
    with pytest.raises(ScenarioError, match="already") as info:
        apply_scenario(pack, scenario_from_dict({"name": "x", "add": {"services": [taken]}}))
    assert info.value.field == "add.services.0.id"


# --- defect 3: NaN, infinities and bad factors ---------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [".nan", ".inf", "-.inf", "nan", "inf", "1e400", "1.0e+400", "x nan", "x-1", "x inf", "x1e400", "'-x2'"],
)
def test_non_finite_or_bad_figures_refused_in_yaml(tmp_path, value):
    path = write(tmp_path, f"name: x\nchange:\n  parameters:\n    sea_usd_per_teu_km: {value}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.field == "change.parameters.sea_usd_per_teu_km" and info.value.line == 4
    assert "sea_usd_per_teu_km" in str(info.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10**400, "x-0.5", True])
def test_non_finite_or_bad_figures_refused_in_a_body(value):
    body = {"name": "x", "change": {"services": {"Viking train": {"km": value}}}}
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(body)
    assert info.value.field == "change.services.Viking train.km"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"demand": {"scale": float("inf")}}, "demand.scale"),
        ({"demand": {"scale": float("nan")}}, "demand.scale"),
        (
            {
                "add": {
                    "links": [
                        {
                            "id": "l",
                            "name": "L",
                            "mode": "rail",
                            "from_lat": float("nan"),
                            "from_lon": 1,
                            "to_lat": 1,
                            "to_lon": 2,
                        }
                    ]
                }
            },
            "add.links.0.from_lat",
        ),
    ],
)
def test_non_finite_numbers_refused_everywhere(body, field):
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", **body})
    assert info.value.field == field


def test_plain_numbers_and_factors_still_work(pack, tmp_path):
    applied = apply_yaml(
        pack, tmp_path, "name: x\nchange:\n  parameters: {sea_usd_per_teu_km: 1e-1, road_usd_per_teu_km: x1.5}\n"
    )
    assert applied.pack.param("sea_usd_per_teu_km") == pytest.approx(0.1)
    assert applied.pack.param("road_usd_per_teu_km") == pytest.approx(1.5 * pack.param("road_usd_per_teu_km"))


# --- defect 2: hostile YAML, extends and bodies -------------------------------------------------

BILLION_LAUGHS = "name: x\ndescription: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"d{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        (BILLION_LAUGHS, "alias|anchor", 2),
        ("name: x\nsources: &s [*s]\n", "alias|anchor", 2),
        ("name: x\nsources: " + "[" * 5000 + "]" * 5000 + "\n", "nest", 2),
        ("name: x\nclose:\n  ? [a, b]\n  : 1\n", "key", 3),
        ("name: x\nname: y\n", "twice|duplicate", 2),
    ],
)
def test_hostile_yaml_is_one_clear_error(tmp_path, text, needle, line):
    assert len(text) < 60_000
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match=needle) as info:
        load_scenario(path)
    assert info.value.path == str(path) and info.value.line == line
    assert str(path) in str(info.value) and f"line {line}" in str(info.value)


def test_billion_laughs_is_under_a_kilobyte():
    assert len(BILLION_LAUGHS.encode()) < 1024


def test_non_utf8_and_oversized_files(tmp_path):
    bad = write(tmp_path, b"name: x\ndescription: caf\xe9\n", "latin1.yaml")
    with pytest.raises(ScenarioError, match="UTF-8") as info:
        load_scenario(bad)
    assert info.value.line == 2 and info.value.path == str(bad)
    big = write(tmp_path, "name: x\ndescription: " + "a" * MAX_SCENARIO_BYTES + "\n", "big.yaml")
    with pytest.raises(ScenarioError, match="larger than"):
        load_scenario(big)


def test_unquoted_keys_are_read_as_written(pack, tmp_path):
    """YAML 1.1 reads ``NO`` as false; a scenario key is always its text (Norway's rail speed)."""
    applied = apply_yaml(pack, tmp_path, "name: x\nchange:\n  rail_speeds: {NO: 500}\n")
    assert applied.pack.rail_speed_km_per_day("NO") == 500


def test_extends_chain_is_bounded(tmp_path):
    for i in range(MAX_EXTENDS + 2):
        write(tmp_path, f"name: s{i}\nextends: s{i + 1}.yaml\n", f"s{i}.yaml")
    write(tmp_path, "name: last\n", f"s{MAX_EXTENDS + 2}.yaml")
    with pytest.raises(ScenarioError, match="extends") as info:
        load_scenario(tmp_path / "s0.yaml")
    assert info.value.field == "extends"
    assert load_scenario(tmp_path / f"s{MAX_EXTENDS + 2 - MAX_EXTENDS + 1}.yaml").name.startswith("s")


def test_body_may_extend_only_shipped_scenarios(tmp_path):
    secret = write(tmp_path, "name: secret\n", "secret.yaml")
    for extends in (str(secret), "../../etc/passwd", "/etc/passwd"):
        with pytest.raises(ScenarioError, match="shipped") as info:
            scenario_from_dict({"name": "x", "extends": extends})
        assert info.value.field == "extends" and info.value.path is None
    body = scenario_from_dict({"name": "x", "extends": "northern-closed-2022"})
    assert body.parent is not None and body.parent.name == "northern-closed-2022"
    assert scenario_from_dict({"name": "x", "extends": str(secret)}, allow_files=True).parent.name == "secret"


def test_body_may_name_only_shipped_demand_sets(tmp_path):
    with pytest.raises(ScenarioError, match="shipped") as info:
        scenario_from_dict({"name": "x", "demand": {"set": "/etc/passwd"}})
    assert info.value.field == "demand.set"
    assert scenario_from_dict({"name": "x", "demand": {"set": "corridor-2024"}}).demand.set == "corridor-2024"


def test_shipped_scenario_cannot_reach_files_either(tmp_path, monkeypatch):
    """A body extending a shipped scenario gets no file access through the shipped one."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "name: x\nextends: baseline.yaml\n", "x.yaml")
    with pytest.raises(ScenarioError, match="shipped"):
        scenario_from_dict({"name": "x", "extends": "x.yaml"})


def test_loader_fields_cannot_be_set_from_input():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", "path": "/etc/passwd"})
    assert info.value.field == "path"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", "parent": {"name": "y"}})
    assert info.value.field == "parent"


def test_body_must_be_a_mapping():
    with pytest.raises(ScenarioError, match="mapping"):
        scenario_from_dict(["name", "x"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pairs": [["Almaty", "Kaunas"]] * (MAX_PAIRS + 1)}, "pairs"),
        ({"close": {"services": ["Viking train"] * 5000}}, "close.services"),
        ({"sources": ["https://example.org"] * 5000}, "sources"),
        ({"change": {"parameters": {f"p{i}": 1 for i in range(5000)}}}, "change.parameters"),
        ({"name": "n" * 10_000}, "name"),
    ],
)
def test_lists_and_texts_are_bounded(body, field):
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", **body})
    assert info.value.field == field


# --- defect 4: what the data pack lacks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "line", "needle"),
    [
        ("name: s\nclose:\n  services: [Viking train, Hovercraft]\n", "close.services", 3, "'Hovercraft'"),
        ("name: s\nclose:\n  crossings:\n    - nowhere\n", "close.crossings", 4, "no crossing 'nowhere'"),
        ("name: s\nclose:\n  links: [nolink]\n", "close.links", 3, "no link 'nolink'"),
        ("name: s\nchange:\n  parameters: {warp_speed: 9}\n", "change.parameters.warp_speed", 3, "warp_speed"),
        ("name: s\nchange:\n  services:\n    Hovercraft: {km: 3}\n", "change.services.Hovercraft", 4, "Hovercraft"),
        (
            "name: s\nchange:\n  crossings: {kena_gudogai: {colour: 3}}\n",
            "change.crossings.kena_gudogai.colour",
            3,
            "no figure 'colour'",
        ),
        (
            "name: s\nchange:\n  crossings: {kena_gudogai: {mode: 3}}\n",
            "change.crossings.kena_gudogai.mode",
            3,
            "no figure 'mode'",
        ),
        ("name: s\nchange:\n  places:\n    atlantis: {handling_hours: 3}\n", "change.places.atlantis", 4, "atlantis"),
        (
            "name: s\nchange:\n  places:\n    kaunas:\n      handling_hours: -3\n",
            "change.places.kaunas.handling_hours",
            5,
            "greater than or equal to 0",
        ),
        (
            "name: s\nadd:\n  services:\n    - {id: a-b, service: S, mode: ferry, from_place: aktau,"
            " to_place: atlantis, km: 5, departures_per_week: 1}\n",
            "add.services.0.to_place",
            4,
            "unknown place 'atlantis'",
        ),
        ("name: s\npairs:\n  - [Almaty, Kaunas]\n  - [Almaty, Xyzzyville]\n", "pairs.1.1", 4, "Xyzzyville"),
        ("name: s\npairs:\n  - [Almaty, '95,10']\n", "pairs.0.1", 3, "out of range"),
    ],
)
def test_what_the_pack_lacks_names_the_field(pack, tmp_path, text, field, line, needle):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match=needle) as info:
        apply_scenario(pack, load_scenario(path))
    err = info.value
    assert (err.field, err.line, err.path) == (field, line, str(path))
    assert field in str(err) and f"line {line}" in str(err)


def test_place_names_in_pairs_resolve_like_the_router(pack, tmp_path):
    applied = apply_yaml(pack, tmp_path, "name: s\npairs:\n  - [xian, KLAIPĖDA]\n  - ['43.6,51.2', Baku]\n")
    assert applied.pairs == (("xian", "KLAIPĖDA"), ("43.6,51.2", "Baku"))


def test_shipped_scenario_errors_carry_no_file_path(pack):
    scenario = scenario_from_dict({"name": "x", "extends": "baseline", "close": {"crossings": ["nowhere"]}})
    with pytest.raises(ScenarioError) as info:
        apply_scenario(pack, scenario)
    assert info.value.field == "close.crossings" and info.value.path is None
    assert str(info.value).startswith("request body: ")
