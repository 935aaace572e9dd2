"""``scenario compare`` for people: only the pairs both scenarios ask are compared and the others are named; figures
carry units and sensible precision, ``no route`` stands where a side has none (never NaN); a sentence per changed
corridor answer and flow, largest first, with the smaller changes in one line; the same in the terminal, the HTML
report and the JSON, which keeps the raw numbers.

Two scenarios run on the small network (``tests/small_network.py``): A asks three pairs; B asks two of them (one by
its places' aliases) and another, closes both border crossings, runs four times the express trains and carries 2 %
more demand. The small pack lacks the shipped route-choice parameters and the shipped counts name world crossings:
the runs take those two parameters from the shipped pack and fit no counts.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corridor
import corridor.flows.assignment as assignment
from corridor.cli.app import app
from corridor.datapack import load_pack
from corridor.engine import Engine
from corridor.errors import OptionsError
from corridor.scenario import diff_scenarios, load_scenario, run_scenario, write_diff_report
from small_network import small_pack

runner = CliRunner()

DEMAND = """origin,destination,teu_per_year,class
Westburg,Eastgrad,30000,all
Westport,Eastgrad,12000,all
Westburg,Northhaven,4000,all
Eastgrad,Westburg,8000,all
"""
SCENARIO_A = """name: small-a
pairs: [[Westburg, Eastgrad], [Westburg, Northhaven], [Westport, Eastgrad]]
demand: {{set: "{demand}"}}
"""
SCENARIO_B = """name: small-b
description: both border crossings closed, four times the express trains, 2 % more demand
close:
  crossings: [roadgate, westbruck_gaugeton]
change:
  services:
    "West–East Express": {{departures_per_week: x4}}
pairs: [["Westburg Terminal", Vostokgrad], [Westburg, Northhaven], [Eastgrad, Westburg]]
demand: {{set: "{demand}", scale: 1.02}}
"""
#: Parameters of the shipped pack the assignment needs and the small pack lacks.
ASSIGNMENT_PARAMETERS = ("route_choice_dispersion_per_usd", "value_of_time_factor", "land_market_sea_usd_per_teu")

#: A number written with three or more decimals: the raw table dump this replaces (251831587.818855).
RAW_FLOAT = re.compile(r"\d\.\d{3,}")
#: How pandas and Python write a missing or non-finite number, or a raw boolean.
RAW_WORDS = re.compile(r"\b(nan|NaN|None|inf|True|False|null)\b")
#: A number in scientific notation.
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def _small_base():
    path = Path(__file__).resolve().parents[1] / "network" / "small_base.py"
    spec = importlib.util.spec_from_file_location("small_base_for_compare", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.small_base()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    demand = folder / "demand.csv"
    demand.write_text(DEMAND, encoding="utf-8")
    a, b = folder / "small-a.yaml", folder / "small-b.yaml"
    a.write_text(SCENARIO_A.format(demand=demand.as_posix()), encoding="utf-8")
    b.write_text(SCENARIO_B.format(demand=demand.as_posix()), encoding="utf-8")
    return a, b


@pytest.fixture(scope="module")
def runs(files):
    """A and B run on the small network: B's own network is joined from its pack and the small base."""
    shipped, pack = load_pack(), small_pack()
    parameters = dict(pack.parameters) | {name: shipped.parameters[name] for name in ASSIGNMENT_PARAMETERS}
    pack = pack.model_copy(update={"parameters": parameters})
    base = _small_base()
    with pytest.MonkeyPatch.context() as patch:
        join = Engine.from_pack
        patch.setattr(Engine, "from_pack", staticmethod(lambda p, **options: join(p, **options | {"base": base})))
        patch.setattr(assignment, "read_counts", lambda *_args, **_options: ())
        engine = Engine.from_pack(pack)
        a = run_scenario(load_scenario(files[0]), engine=engine)
        b = run_scenario(load_scenario(files[1]), engine=engine)
    return a, b


@pytest.fixture(scope="module")
def diff(runs):
    return diff_scenarios(*runs)


def assert_readable(text: str, diff) -> None:
    """No raw float, NaN, None, infinity, boolean or raw column name in ``text``."""
    assert not RAW_FLOAT.search(text), RAW_FLOAT.search(text)
    assert not RAW_WORDS.search(text), RAW_WORDS.search(text)
    assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text)
    columns = {c for frame in (diff.corridors, diff.elements, diff.countries, diff.od) for c in frame.columns}
    assert not [c for c in columns if "_" in c and c in text]


# --- the pairs ---------------------------------------------------------------------------------------------------


def test_only_the_pairs_both_ask_are_compared_and_the_others_are_named(diff):
    # B writes Westburg → Eastgrad by the places' aliases: the same pair
    assert diff.pairs_both == (("Westburg", "Eastgrad"), ("Westburg", "Northhaven"))
    assert diff.pairs_only_a == (("Westport", "Eastgrad"),)
    assert diff.pairs_only_b == (("Eastgrad", "Westburg"),)
    pairs = set(zip(diff.corridors["origin"], diff.corridors["destination"], strict=True))
    assert pairs == set(diff.pairs_both)
    assert len(diff.corridors) == 2 * len(small_pack().corridors)  # every family of each pair, no other row
    assert diff.corridors["feasible_a"].notna().all() and diff.corridors["feasible_b"].notna().all()
    lines = diff.summary_lines()
    assert "Pairs both ask: Westburg → Eastgrad; Westburg → Northhaven." in lines
    assert "Asked only in A (small-a): Westport → Eastgrad." in lines
    assert "Asked only in B (small-b): Eastgrad → Westburg." in lines
    rows = diff.corridor_rows()
    assert set(rows["Pair"]) == {"Westburg → Eastgrad"}  # Westburg → Northhaven has a route in neither
    assert diff.no_route_line() == (
        "No route in either scenario: Around XE (Westburg → Northhaven), By sea (Westburg → Northhaven), "
        "Overland (Westburg → Northhaven)."
    )


def test_a_scenario_against_itself_has_no_change(runs):
    a, _b = runs
    same = diff_scenarios(a, a)
    assert same.pairs_both == tuple(a.comparisons) and not same.pairs_only_a and not same.pairs_only_b
    assert not same.corridor_changes and not same.flow_changes
    assert same.corridor_lines() == [] and same.flow_lines() == []


def test_scenarios_that_share_no_pair_say_so(runs):
    a, b = runs
    # A as if it asked only the pair B does not
    lonely = replace(a, comparisons={k: v for k, v in a.comparisons.items() if k == ("Westport", "Eastgrad")})
    apart = diff_scenarios(lonely, b)
    assert apart.pairs_both == () and apart.corridors.empty and apart.corridor_rows().empty
    assert "The two scenarios ask no pair in common: no corridor answer to compare." in apart.summary_lines()
    assert apart.to_dict()["corridors"] == []


# --- sentences ---------------------------------------------------------------------------------------------------


def test_corridor_answers_that_change_are_sentences_largest_first(diff):
    changes = diff.corridor_changes
    assert [c.size() for c in changes] == sorted((c.size() for c in changes), reverse=True)
    first = changes[0]
    assert (first.origin, first.destination, first.corridor) == ("Westburg", "Eastgrad", "overland")
    assert first.is_route_change and first.days_a is not None and first.days_b is None
    assert first.text == f"Westburg → Eastgrad (Overland): {first.days_a:.1f} days → no route"
    around = next(c for c in changes if c.corridor == "around_xe")
    assert not around.is_route_change and around.days_b > around.days_a
    assert around.text.startswith(
        f"Westburg → Eastgrad (Around XE): {around.days_a:.1f} → {around.days_b:.1f} days "
        f"(+{around.days_b - around.days_a:.1f} days); P90 {around.p90_days_a:.1f} → {around.p90_days_b:.1f} days"
    )
    usd = f"{around.usd_per_teu_a:,.0f} → {around.usd_per_teu_b:,.0f} USD/TEU"
    assert usd in around.text and "t CO2e/TEU" in around.text
    # the sea route does not change, so it has no sentence
    assert all(c.corridor != "by_sea" for c in changes + diff.smaller_corridor_changes)
    assert diff.corridor_lines() == [c.text for c in changes]


def test_flows_that_change_are_sentences_largest_first_smaller_ones_in_one_line(runs, diff):
    flows, smaller = diff.flow_changes, diff.smaller_flow_changes
    deltas = [abs(f.delta_teu_per_year) for f in flows]
    assert deltas == sorted(deltas, reverse=True) and min(deltas) >= 1_000
    assert smaller and all(abs(f.delta_teu_per_year) < 1_000 for f in smaller)
    roadgate = next(f for f in flows if f.name == "Roadgate")
    assert roadgate.teu_per_year_a == pytest.approx(38_000) and roadgate.teu_per_year_b == 0
    assert roadgate.text == "Crossing Roadgate: 38,000 → 0 TEU/year (\u2212100 %)"
    for f in flows:
        assert re.fullmatch(r"(Crossing|Service|Terminal) .+: [\d,]+ → [\d,]+ TEU/year \((new|[+\u2212][\d,.]+ %)\)",
                            f.text), f.text  # fmt: skip
        assert f"{f.teu_per_year_a:,.0f} → {f.teu_per_year_b:,.0f} TEU/year" in f.text
    moved = sum(abs(f.delta_teu_per_year) for f in smaller)
    assert diff.flow_lines() == [f.text for f in flows] + [
        f"{len(smaller)} more flows change by less than 1,000 TEU/year each ({moved:,.0f} TEU/year in all; not listed)."
    ]
    # the threshold decides what is a sentence: none below zero, all of them below a huge one
    every = diff_scenarios(*runs, min_teu_per_year=0)
    assert not every.smaller_flow_changes and len(every.flow_changes) == len(flows) + len(smaller)
    none = diff_scenarios(*runs, min_teu_per_year=1e9)
    assert not none.flow_changes and len(none.flow_lines()) == 1
    assert none.flow_lines()[0].startswith(f"{len(flows) + len(smaller)} more flows change by less than 1,000,000,000")
    loose = diff_scenarios(*runs, min_days=100, min_share=100)
    assert [c.corridor for c in loose.corridor_changes] == ["overland"]  # a route that goes is never small
    assert loose.corridor_lines()[-1] == (
        "1 more corridor answer changes by less than 100.0 days and 10,000 % in USD/TEU and CO2e/TEU (not listed)."
    )


@pytest.mark.parametrize("option", ["min_days", "min_share", "min_teu_per_year"])
@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_a_bad_threshold_is_refused_naming_it(runs, option, value):
    with pytest.raises(OptionsError, match=option) as info:
        diff_scenarios(*runs, **{option: value})
    assert info.value.option == option


# --- the terminal, the HTML report and the JSON ------------------------------------------------------------------


@pytest.fixture
def cli(runs, monkeypatch):
    """``corridor scenario compare`` on the two files, answering with the small runs."""
    by_name = {r.name: r for r in runs}
    monkeypatch.setattr(corridor, "run_scenario", lambda spec, **_options: by_name[spec.name])
    return lambda *args: runner.invoke(app, ["scenario", "compare", *args])


def test_the_terminal_shows_pairs_sentences_and_tables_with_units(cli, files, diff, tmp_path):
    report = tmp_path / "compare.html"
    result = cli(str(files[0]), str(files[1]), "--report", str(report))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert_readable(text, diff)
    for line in diff.summary_lines():
        assert line in text
    positions = [text.index(f"• {line}") for line in diff.corridor_lines() + diff.flow_lines()]
    assert positions == sorted(positions)
    for header in ("Days door to door", "P50 transit days", "P90 transit days", "USD/TEU", "t CO2e/TEU",
                   "TEU-km/year A", "Change, %"):  # fmt: skip
        assert header in text
    assert "no route" in text and "Westport → Eastgrad" in text
    assert f"report written to {report}" in text
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page


def test_the_html_report_reads_like_the_terminal(runs, diff, tmp_path):
    page = write_diff_report(diff, *runs, tmp_path / "compare.html").read_text(encoding="utf-8")
    body = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)  # the drawings' coordinates are not figures to read
    body = re.sub(r"<style>.*?</style>", "", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    assert_readable(text, diff)
    for line in diff.summary_lines() + diff.corridor_lines() + diff.flow_lines():
        assert line in text
    sentences = [text.index(line) for line in diff.corridor_lines() + diff.flow_lines()]
    assert sentences == sorted(sentences)
    for header in diff.corridor_rows().columns.tolist() + diff.flow_rows().columns.tolist():
        assert f"<th>{html.escape(header)}</th>" in page
    assert "no route" in text and page.count("<svg") == 3  # the country chart and both flow maps


def test_the_json_keeps_raw_numbers_and_adds_the_sentences(cli, files, diff):
    result = cli(str(files[0]), str(files[1]), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(corridor.json_dumps(diff.to_dict()))
    assert data["pairs"] == {
        "both": [["Westburg", "Eastgrad"], ["Westburg", "Northhaven"]],
        "only_a": [["Westport", "Eastgrad"]],
        "only_b": [["Eastgrad", "Westburg"]],
    }
    changes = data["changes"]
    assert changes["thresholds"] == {"days": 0.1, "share": 0.01, "teu_per_year": 1000.0}
    assert [c["text"] for c in changes["corridors"]] == [c.text for c in diff.corridor_changes]
    overland = changes["corridors"][0]
    assert overland["days_b"] is None and overland["delta_days"] is None and overland["is_route_change"]
    assert overland["days_a"] == pytest.approx(diff.corridor_changes[0].days_a)  # a number, not text
    for record in changes["corridors"]:
        for key, value in record.items():
            if key.endswith(("_a", "_b")) or key.startswith("delta_"):
                assert value is None or isinstance(value, float), (key, value)
    for record in changes["flows"]:
        assert all(isinstance(record[k], float) for k in ("teu_per_year_a", "teu_per_year_b", "delta_teu_per_year"))
    assert changes["smaller_flows"]["count"] == len(diff.smaller_flow_changes)
    assert changes["smaller_flows"]["teu_per_year"] == pytest.approx(
        sum(abs(f.delta_teu_per_year) for f in diff.smaller_flow_changes)
    )
    assert changes["smaller_corridors"] == {"count": 0, "text": None}
    for row in data["corridors"]:
        assert all(row[k] is None or isinstance(row[k], float) for k in ("days_a", "days_b", "usd_per_teu_b"))


def test_the_same_scenario_twice_changes_nothing(cli, files, diff):
    result = cli(str(files[0]), str(files[0]))
    assert result.exit_code == 0, result.output
    assert "No corridor answer changes." in result.stdout and "No flow changes." in result.stdout
    assert "Binding capacity in both:" in result.stdout
    assert_readable(result.stdout, diff)
