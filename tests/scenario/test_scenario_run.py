"""Scenario runs on the real network: closures act, the baseline and its cache stay as they were."""

import json

import pytest
from typer.testing import CliRunner

from corridor.cli.app import app
from corridor.flows.demand import read_demand
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
    assert result.flows.summary["demand_teu_per_year"] == pytest.approx(
        0.1 * read_demand("corridor-2024").total_teu_per_year
    )
    # the baseline network and its cache are as before
    after = world.route("Xi'an", "Klaipeda", modes="rail")
    assert after.to_dict() == before.to_dict()
    assert {p: p.stat().st_mtime for p in default_cache_dir().glob("*.npz")} == cache_files
    page = write_scenario_report(result, tmp_path / "s.html").read_text()
    assert "kena-closed" in page and "<svg" in page


@pytest.fixture(scope="module")
def baseline(world):
    """The shipped baseline run, shared by the tests that compare a scenario against it (they only read it)."""
    return run_scenario(load_scenario("baseline"))


def test_northern_closed_moves_flows_off_russia(baseline, tmp_path):
    base, closed = baseline, run_scenario(load_scenario("northern-closed-2022"))
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


SMALL_DEMAND = (
    "origin,destination,teu_per_year,class,group,basis,derivation\n"
    "Xi'an,Duisburg,1000,all,cn_eu,estimate,test\n"
    "Shanghai,Rotterdam,1000,all,cn_eu,estimate,test\n"
)


def _small(tmp_path, name: str, extends: str) -> str:
    """A scenario file extending a shipped one with a two-pair demand set, so the command runs in seconds (the
    shipped scenarios, with the whole demand, are run by the tests above and by the parity tests)."""
    demand = tmp_path / "small-demand.csv"
    demand.write_text(SMALL_DEMAND, encoding="utf-8")
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: {extends}\ndemand:\n  set: {json.dumps(str(demand))}\n", encoding="utf-8")
    return str(path)


def test_cli(world, tmp_path):
    out = runner.invoke(app, ["scenario", "run", _small(tmp_path, "red-sea-small", "red-sea-closed"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["chain"] == ["baseline", "red-sea-closed", "red-sea-small"]
    sea = [r for r in data["corridors"] if r["corridor"] == "sea_cape" and r["origin"] == "Shanghai"]
    assert sea and sea[0]["feasible"]
    assert data["flows"]["demand_teu_per_year"] == pytest.approx(2000)
    a, b = _small(tmp_path, "baseline-small", "baseline"), _small(tmp_path, "northern-small", "northern-closed-2022")
    both = runner.invoke(app, ["scenario", "compare", a, b, "--json"])
    assert both.exit_code == 0, both.output
    summary = json.loads(both.stdout)["summary"]
    assert (summary["a"], summary["b"]) == ("baseline-small", "northern-small")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nclose:\n  countries: [Russia]\n", encoding="utf-8")
    failed = runner.invoke(app, ["scenario", "run", str(bad)])
    assert failed.exit_code == 1 and "line 3" in failed.stderr and "Traceback" not in failed.output


# --- P50 and P90 transit days per pair and corridor ------------------------------------------------------------------

PERCENTILE_COLUMNS = ["p50_days_a", "p50_days_b", "delta_p50_days", "p90_days_a", "p90_days_b", "delta_p90_days"]


@pytest.fixture(scope="module")
def caspian_against_baseline(baseline):
    """``caspian-fleet-x2`` (Russia and Belarus closed, twice the Caspian sailings) against ``baseline``."""
    base = baseline
    fleet = run_scenario(load_scenario("caspian-fleet-x2"))
    return base, fleet, diff_scenarios(base, fleet)


def test_scenario_run_and_compare_report_p50_and_p90_days(caspian_against_baseline, tmp_path, capsys):
    from corridor.cli import scenario as cli_scenario

    base, fleet, diff = caspian_against_baseline
    table = base.corridor_table()
    assert {"p50_days", "p90_days"} <= set(table.columns)
    for record in base.to_dict()["corridors"]:
        option = next(o for o in base.comparisons[(record["origin"], record["destination"])]
                      if o.corridor == record["corridor"])  # fmt: skip
        assert record["p50_days"] == (pytest.approx(option.p50_days) if option.feasible else None)
        assert record["p90_days"] == (pytest.approx(option.p90_days) if option.feasible else None)
    assert set(PERCENTILE_COLUMNS) <= set(diff.corridors.columns)
    both = diff.corridors.dropna(subset=["p50_days_a", "p50_days_b"])
    assert len(both) > 0
    assert (both["delta_p50_days"] == both["p50_days_b"] - both["p50_days_a"]).all()
    assert (both["delta_p90_days"] == both["p90_days_b"] - both["p90_days_a"]).all()
    records = diff.to_dict()["corridors"]
    assert all(set(PERCENTILE_COLUMNS) <= set(r) for r in records)
    # the HTML reports and the command line's tables
    run_page = write_scenario_report(fleet, tmp_path / "run.html").read_text(encoding="utf-8")
    assert "<th>p50_days</th>" in run_page and "<th>p90_days</th>" in run_page
    diff_page = write_diff_report(diff, base, fleet, tmp_path / "diff.html").read_text(encoding="utf-8")
    assert "<th>P50 transit days</th>" in diff_page and "<th>P90 transit days</th>" in diff_page
    capsys.readouterr()
    cli_scenario._print_result(fleet)
    cli_scenario._print_diff(diff)
    printed = capsys.readouterr().out
    for header in ("P50 days", "P90 days", "P50 transit days", "P90 transit days"):
        assert header in printed, header


def test_twice_the_caspian_fleet_shortens_the_p90_more_than_the_p50(caspian_against_baseline):
    """Twice the sailings halve the irregular wait for a Caspian ship, the long tail of the Middle Corridor: on every
    pair the scenarios ask, its P90 transit falls by more than its P50 (sea routes do not move)."""
    _base, _fleet, diff = caspian_against_baseline
    middle = diff.corridors[(diff.corridors["corridor"] == "middle") & diff.corridors["feasible_a"].eq(True)]
    pairs = set(zip(middle["origin"], middle["destination"], strict=True))
    assert pairs >= {("Almaty", "Kaunas"), ("Xi'an", "Duisburg")}
    for row in middle.itertuples(index=False):
        pair = f"{row.origin} → {row.destination}"
        assert row.delta_p50_days < 0, pair
        assert row.delta_p90_days < row.delta_p50_days, (
            f"{pair}: P50 {row.p50_days_a:.2f} → {row.p50_days_b:.2f}, P90 {row.p90_days_a:.2f} → {row.p90_days_b:.2f}"
        )
    cape = diff.corridors[diff.corridors["corridor"] == "sea_cape"]
    assert (cape["delta_p50_days"].abs() < 1e-9).all() and (cape["delta_p90_days"].abs() < 1e-9).all()
