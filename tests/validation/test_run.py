"""Validation end to end on the real network: the shipped set, failures, reports and the CLI."""

import json
import math

import pytest
from typer.testing import CliRunner

import corridor
from corridor.cli.app import app
from corridor.validation import parse_benchmarks, shipped_benchmarks, summarise, write_report
from corridor.validation.run import COLUMNS as RESULT_COLUMNS

pytestmark = pytest.mark.integration
# the format before the statistic column: such files still read
HEADER = "id,origin,destination,via,avoid,modes,objective,metric,low,high,as_of,source,note"
runner = CliRunner()


def test_shipped_set_runs_end_to_end(world):
    frame = corridor.validate(world)
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert len(frame) == len(shipped_benchmarks().rows)
    failed = frame["failure"] != ""
    assert not failed.any(), frame.loc[failed, ["id", "failure"]]
    assert frame["model"].notna().all()
    # inside ⇔ zero error, and the error is measured to the nearest end of the range
    assert (frame["inside"] == (frame["error_pct"] == 0)).all()
    below = frame["model"] < frame["low"] * (1 - 1e-6)
    above = frame["model"] > frame["high"] * (1 + 1e-6)
    assert (frame.loc[below, "error_pct"] < 0).all() and (frame.loc[above, "error_pct"] > 0).all()
    summary = summarise(frame)
    row = summary.overall.iloc[0]
    assert row["rows"] == len(frame) and row["share_inside"] == pytest.approx(frame["inside"].mean())
    assert set(summary.by_metric["group"]) == set(frame["metric"])
    assert summary.by_family["rows"].sum() == len(frame)
    assert list(summary.by_statistic["group"]) == ["planned", "observed", "expected"]
    assert summary.by_statistic["rows"].sum() == len(frame)


def test_values_follow_the_route(world):
    text = (
        f"{HEADER}\n"
        "viking-km,Klaipeda,Chornomorsk,,,service,,km,1,1,2021,https://e.org,\n"
        "viking-h,Klaipeda,Chornomorsk,,,service,,hours,1,100000,2021,https://e.org,\n"
        "xian-feu,Xi'an,Duisburg,,,rail,cost,usd_per_feu,1,1,2024,https://e.org,\n"
        "nowhere,Xyzzyville,Duisburg,,,,,km,1,2,2024,https://e.org,\n"
        "blocked,Aktau,Baku,,RU;IR,rail,,km,1,2,2024,https://e.org,\n"
    )
    frame = corridor.validate(world, parse_benchmarks(text)).set_index("id")
    r = world.route("Klaipeda", "Chornomorsk", modes="service", as_of="2021-01-01")  # each row as of its date
    assert frame.loc["viking-km", "model"] == pytest.approx(r.km)
    assert frame.loc["viking-km", "error_pct"] == pytest.approx(100 * (r.km - 1) / 1)
    assert frame.loc["viking-h", "model"] == pytest.approx(r.transit_hours) and frame.loc["viking-h", "inside"]
    cost = world.route("Xi'an", "Duisburg", modes="rail", objective="cost")
    factor = world.pack.param("usd_per_feu_factor")
    assert frame.loc["xian-feu", "model"] == pytest.approx(cost.usd_per_teu * factor)
    assert frame.loc["xian-feu", "family"] == "northern"
    for failed in ("nowhere", "blocked"):
        assert math.isnan(frame.loc[failed, "model"]) and not frame.loc[failed, "inside"]
        assert frame.loc[failed, "family"] == "failed" and frame.loc[failed, "failure"]
    assert "Xyzzyville" in frame.loc["nowhere", "failure"]
    assert summarise(frame.reset_index()).overall.iloc[0]["failed"] == 2


def test_reports_are_self_contained(world, tmp_path):
    text = f"{HEADER}\nv,Klaipeda,Chornomorsk,,,service,,km,1700,1800,2021,https://e.org/a?b=1&c=<2>,note <b>\n"
    frame = corridor.validate(world, parse_benchmarks(text))
    page = write_report(frame, tmp_path / "fit.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "</html>" in page
    assert "<b>" not in page.replace("<body>", "")  # text from the file is escaped
    # nothing fetched from elsewhere: no scripts, stylesheets or remote images
    assert "<script" not in page and "<link" not in page and 'src="http' not in page and "@import" not in page
    md = write_report(frame, tmp_path / "fit.md").read_text()
    assert "| v |" in md and "data:image/svg+xml;base64," in md
    with pytest.raises(corridor.OptionsError):
        write_report(frame, tmp_path / "fit.pdf")


def test_cli_validate_reports_and_exits_zero_even_with_rows_outside(world, tmp_path):
    bench = tmp_path / "mine.csv"
    bench.write_text(
        f"{HEADER},extra\n"
        "far,Klaipeda,Chornomorsk,,,service,,km,1,2,2021,https://e.org,,x\n"
        "broken,Klaipeda,Chornomorsk,,,service,,km,abc,2,2021,https://e.org,,x\n"
    )
    report = tmp_path / "fit.html"
    result = runner.invoke(app, ["validate", "--benchmarks", str(bench), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "far" in result.stdout and "Summary" in result.stdout and report.exists()
    assert "Per statistic" in result.stdout
    assert "line 3" in result.stderr and "not a number" in result.stderr
    as_json = runner.invoke(app, ["validate", "--benchmarks", str(bench), "--json"])
    payload = json.loads(as_json.stdout)
    assert [r["id"] for r in payload["rows"]] == ["far"] and payload["rows"][0]["inside"] is False
    assert payload["summary"]["overall"][0]["rows"] == 1 and payload["skipped"]
    assert payload["rows"][0]["statistic"] == "expected"
    assert [g["group"] for g in payload["summary"]["by_statistic"]] == ["expected"]
    missing = runner.invoke(app, ["validate", "--benchmarks", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr and "Traceback" not in missing.output
