"""Scenario runs on the real network: closures act, the baseline and its cache stay as they were."""

import json

import pytest
from typer.testing import CliRunner

from corridor.cli.app import app
from corridor.network.cache import default_cache_dir
from corridor.scenario import diff_scenarios, load_scenario, run_scenario, write_diff_report, write_scenario_report

pytestmark = pytest.mark.integration
runner = CliRunner()


def test_closed_crossing_and_baseline_untouched(world, tmp_path):
    cache_files = {p: p.stat().st_mtime for p in default_cache_dir().glob("*.npz")}
    assert cache_files, "the baseline network should be cached by now"
    before = world.route("Xi'an", "Klaipeda", modes="rail")
    assert any(b.name == "Kena–Gudogai" for b in before.border_crossings)
    path = tmp_path / "kena.yaml"
    path.write_text(
        "name: kena-closed\nclose:\n  crossings: [kena_gudogai]\n"
        'pairs:\n  - ["Xi\'an", Klaipeda]\ndemand:\n  scale: 0.1\n',
        encoding="utf-8",
    )
    result = run_scenario(load_scenario(path))
    northern = next(o for o in result.comparisons[("Xi'an", "Klaipeda")] if o.corridor == "northern")
    assert northern.feasible and all(b.name != "Kena–Gudogai" for b in northern.route.border_crossings)
    assert result.flows.summary["demand_teu_per_year"] == pytest.approx(46849.0)
    # the baseline network and its cache are as before
    after = world.route("Xi'an", "Klaipeda", modes="rail")
    assert after.to_dict() == before.to_dict()
    assert {p: p.stat().st_mtime for p in default_cache_dir().glob("*.npz")} == cache_files
    page = write_scenario_report(result, tmp_path / "s.html").read_text()
    assert "kena-closed" in page and "<svg" in page


def test_northern_closed_moves_flows_off_russia(world, tmp_path):
    base, closed = run_scenario(load_scenario("baseline")), run_scenario(load_scenario("northern-closed-2022"))
    table = closed.corridor_table()
    assert not table.loc[table["corridor"] == "northern", "feasible"].any()
    assert table.loc[table["corridor"] == "middle", "feasible"].all()
    diff = diff_scenarios(base, closed)
    kena = diff.elements[diff.elements["name"] == "Kena–Gudogai"]
    assert len(kena) == 1 and kena["teu_per_year_b"].iloc[0] == 0 and kena["teu_per_year_a"].iloc[0] > 0
    assert diff.summary["od_pairs_rerouted"] > 0
    assert diff.summary["teu_hours_per_year_b"] > diff.summary["teu_hours_per_year_a"]
    by_country = diff.countries.set_index("country")
    assert by_country.loc["RU", "teu_km_per_year_a"] > 0 and by_country.loc["RU", "teu_km_per_year_b"] == 0
    assert by_country.loc["open sea", "delta_teu_km_per_year"] > 0
    assert "<svg" in write_diff_report(diff, base, closed, tmp_path / "d.html").read_text()


def test_cli(world, tmp_path):
    out = runner.invoke(app, ["scenario", "run", "red-sea-closed", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["chain"] == ["baseline", "red-sea-closed"]
    sea = [r for r in data["corridors"] if r["corridor"] == "sea_cape" and r["origin"] == "Shanghai"]
    assert sea and sea[0]["feasible"]
    both = runner.invoke(app, ["scenario", "compare", "baseline", "northern-closed-2022", "--json"])
    assert both.exit_code == 0, both.output
    assert json.loads(both.stdout)["summary"]["b"] == "northern-closed-2022"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nclose:\n  countries: [Russia]\n", encoding="utf-8")
    failed = runner.invoke(app, ["scenario", "run", str(bad)])
    assert failed.exit_code == 1 and "line 3" in failed.stderr and "Traceback" not in failed.output
