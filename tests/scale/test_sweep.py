"""Scenario sweeps: the file format and its errors (file, line, field), grid and random runs, the runs on the small
network (serially and as Dask tasks), the flows summary, the command line; and, on the world network, a small sweep
serially and on a local cluster, and ``corridor sweep --out x.parquet``."""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

import corridor
import corridor.scale.sweep as sweep_module
from corridor.cli.app import app
from corridor.datapack import load_pack
from corridor.engine import Engine
from corridor.errors import FileInputError, ScenarioError
from corridor.scale.sweep_schema import (
    MAX_RUNS,
    SweepError,
    check_sweep,
    load_sweep,
    sweep_from_dict,
    sweep_runs,
    variant,
)
from corridor.scenario import apply_scenario
from small_network import small_pack

runner = CliRunner()
FEEDER = "Caspian container feeder Aktau–Alat"
FEEDER_PATH = f'services."{FEEDER}".departures_per_week'
VOT_PATH = "parameters.value_of_time_usd_per_teu_hour"


def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def grid(**questions) -> dict:
    return {
        "name": "g",
        "base": "northern-closed-2022",
        "parameters": [
            {"name": "fleet", "change": FEEDER_PATH, "values": ["x1", "x1.5", "x2"]},
            {"name": "vot", "change": VOT_PATH, "range": [2, 12], "steps": 3},
        ],
        "questions": questions,
    }


# --- the format and the runs, without a network ----------------------------------------------------------------------


def test_grid_runs_every_combination_last_parameter_fastest():
    spec = sweep_from_dict(grid())
    runs = sweep_runs(spec)
    assert spec.run_count() == len(runs) == 9
    assert [r.index for r in runs] == list(range(9))
    assert [r.columns() for r in runs[:4]] == [
        {"fleet": 1.0, "vot": 2.0},
        {"fleet": 1.0, "vot": 7.0},
        {"fleet": 1.0, "vot": 12.0},
        {"fleet": 1.5, "vot": 2.0},
    ]
    assert runs[-1].values == {"fleet": ("times", 2.0), "vot": ("set", 12.0)}
    assert sweep_runs(spec) == runs


def test_random_runs_are_seeded_draws():
    data = grid() | {"sample": "random", "runs": 50, "seed": 7}
    data["parameters"][1] = {"name": "vot", "change": VOT_PATH, "range": [2, 12]}
    runs = sweep_runs(sweep_from_dict(data))
    assert len(runs) == 50
    assert runs == sweep_runs(sweep_from_dict(data))  # the same seed, the same runs
    assert runs != sweep_runs(sweep_from_dict(data | {"seed": 8}))
    assert {r.values["fleet"] for r in runs} == {("times", 1.0), ("times", 1.5), ("times", 2.0)}
    vots = [r.values["vot"] for r in runs]
    assert all(kind == "set" and 2 <= v <= 12 for kind, v in vots) and len({v for _, v in vots}) == 50


def test_a_run_is_the_base_scenario_extended_by_its_values():
    spec = sweep_from_dict(grid())
    run = sweep_runs(spec)[7]  # fleet x2, vot 7
    applied = apply_scenario(load_pack(), variant(spec, run.values, label="run 7"))
    assert applied.names == ("baseline", "northern-closed-2022", "g run 7")
    assert applied.closed_countries == {"RU", "BY"}
    assert applied.pack.param("value_of_time_usd_per_teu_hour") == 7.0
    feeder = [s.departures_per_week for s in applied.pack.services if s.service == FEEDER]
    shipped = [s.departures_per_week for s in load_pack().services if s.service == FEEDER]
    assert feeder == [2 * d for d in shipped]


def test_a_factor_multiplies_the_figure_as_the_base_leaves_it(tmp_path):
    """One parameter may vary several figures together; a factor acts on top of the base scenario's own factor."""
    paths = [f'services."Caspian rail ferry {name}".departures_per_week' for name in ("Kuryk–Alat", "Türkmenbaşy–Alat")]
    spec = sweep_from_dict(
        {"name": "s", "base": "caspian-fleet-x2", "parameters": [{"name": "f", "change": paths, "values": ["x1.5"]}]}
    )
    applied = apply_scenario(load_pack(), variant(spec, sweep_runs(spec)[0].values))
    for name in ("Kuryk–Alat", "Türkmenbaşy–Alat"):
        service = f"Caspian rail ferry {name}"
        shipped = next(s.departures_per_week for s in load_pack().services if s.service == service)
        assert next(s.departures_per_week for s in applied.pack.services if s.service == service) == 3 * shipped


def test_the_shipped_sweep_loads_and_checks():
    spec = load_sweep("caspian-fleet")
    assert spec.where == "caspian-fleet (shipped)" and spec.scenario.name == "northern-closed-2022"
    assert spec.run_count() == 12 and len(spec.parameters[0].change) == 3
    base = check_sweep(spec, load_pack())
    assert base.closed_countries == {"RU", "BY"}


HEAD = "name: bad\nbase: northern-closed-2022\n"
VOT = f"  - name: vot\n    change: {VOT_PATH}\n"
BAD = [
    pytest.param(
        HEAD + 'parameters:\n  - name: a\n    change: services."Caspian feeder".hours\n    values: [x2]\n',
        5, "parameters.0.change", "no service or segment 'Caspian feeder'", id="unknown-service",
    ),
    pytest.param(
        HEAD + "parameters:\n  - name: a\n    change: parameters.value_of_tim\n    values: [3]\n",
        5, "parameters.0.change", "no parameter 'value_of_tim'", id="unknown-parameter",
    ),
    pytest.param(
        HEAD + f'parameters:\n  - name: a\n    change: services."{FEEDER}".departures\n    values: [3]\n',
        5, "parameters.0.change", "no figure 'departures' to change", id="unknown-column",
    ),
    pytest.param(
        HEAD + "parameters:\n  - name: a\n    change: servics.x.y\n    values: [3]\n",
        5, "parameters.0.change", "a path starts with one of", id="unknown-table",
    ),
    pytest.param(
        HEAD + "parameters:\n  - name: a\n    change:\n      - parameters.carbon_price_usd_per_t_co2e\n"
        "      - parameters.nope\n    values: [x2]\n",
        7, "parameters.0.change.1", "no parameter 'nope'", id="unknown-path-in-a-list",
    ),
    pytest.param(HEAD + "parameters:\n" + VOT + "    values: []\n", 6, "parameters.0.values", "no values", id="empty"),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    range: [12, 2]\n    steps: 3\n",
        6, "parameters.0.range", "low 12 is above high 2", id="low-above-high",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    range: [1, 12]\n    steps: 100\n"
        "  - name: co2\n    change: parameters.carbon_price_usd_per_t_co2e\n    range: [1, 12]\n    steps: 30\n",
        3, "parameters", f"100 × 30 = 3,000 runs is more than {MAX_RUNS:,}", id="too-many-runs",
    ),
    pytest.param(
        HEAD + "sample: random\nparameters:\n" + VOT + "    range: [1, 12]\n",
        3, "runs", "a random sweep needs runs", id="random-without-runs",
    ),
    pytest.param(
        HEAD + "runs: 5\nparameters:\n" + VOT + "    values: [3]\n", 3, "runs", "is for random sweeps", id="grid-runs"
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    range: [1, 3]\n", 6, "parameters.0.range", "needs steps", id="no-steps"
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    values: [x1, 3]\n", 6, "parameters.0.values", "mixes numbers", id="mixed"
    ),
    pytest.param(
        HEAD + f"parameters:\n  - name: a\n    change: {FEEDER_PATH}\n    values: [x1, x0, x3]\n",
        6, "parameters.0.values.1", "greater than 0", id="value-out-of-range",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    range: [-1, 3]\n    steps: 2\n",
        6, "parameters.0.range.0", "outside the allowed range", id="range-end-out-of-range",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    values: [3]\n  - name: b\n    change: change." + VOT_PATH + "\n"
        "    values: [4]\n",
        8, "parameters.1.change", "is already varied by parameters.0", id="same-figure-twice",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    values: [3]\nquestions:\n  pairs: [[Xian, Duisbrg]]\n",
        8, "questions.pairs.0.1", "unknown place 'Duisbrg'", id="unknown-place",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    values: [3]\nquestions:\n  corridors: [middle, titr]\n",
        8, "questions.corridors.1", "no corridor family 'titr'", id="unknown-corridor",
    ),
    pytest.param(
        HEAD + "parameters:\n" + VOT + "    values: [3]\nquestions:\n  reliability: [50, 75]\n",
        8, "questions.reliability.1", "Input should be 10, 50, 90 or 95", id="percentile",
    ),
    pytest.param(
        "name: bad\nbase: nowhere.yaml\nparameters:\n" + VOT + "    values: [3]\n",
        2, "base", "no such scenario file", id="missing-base",
    ),
    pytest.param(
        HEAD + "parameters:\n  - name: run\n    change: " + VOT_PATH + "\n    values: [3]\n",
        4, "parameters.0.name", "is an answer's column", id="reserved-name",
    ),
    pytest.param(HEAD + "parameters: []\n", 3, "parameters", "at least 1 item", id="no-parameters"),
    pytest.param(
        HEAD + "colour: red\nparameters:\n" + VOT + "    values: [3]\n", 3, "colour", "Extra inputs", id="unknown-field"
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "field", "needle"), BAD)
def test_a_bad_sweep_file_is_one_error_naming_file_line_and_field(tmp_path, text, line, field, needle):
    path = write(tmp_path, text)
    with pytest.raises(SweepError) as info:
        check_sweep(load_sweep(path), load_pack())
    error = info.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert str(error).startswith(f"{path}: line {line}: field {field!r}: ")
    assert needle in str(error)
    assert isinstance(error, ScenarioError) and isinstance(error, FileInputError)


def test_bad_yaml_and_a_missing_file(tmp_path):
    with pytest.raises(SweepError, match=r"line 2: not valid YAML") as info:
        load_sweep(write(tmp_path, "name: [unclosed\n"))
    assert info.value.line == 2
    with pytest.raises(SweepError, match=r"no such sweep file"):
        load_sweep(tmp_path / "missing.yaml")
    assert corridor.SweepError is SweepError


def test_flows_summary_reads_the_tables():
    links = pd.DataFrame(
        {
            "kind": ["terminal", "service", "service", "service", "path"],
            "name": ["Aktau", f"{FEEDER} (aktau-baku_alat)", f"{FEEDER} (baku_alat-aktau)", "Ukrferry (x)", ""],
            "teu_per_year": [40.0, 30.0, 5.0, 7.0, 99.0],
            "utilisation": [0.5, 0.4, 0.1, 0.2, math.nan],
        }
    )
    bottlenecks = pd.DataFrame({"name": ["Aktau"], "utilisation": [0.5], "teu_hours_saved_per_year": [123.0]})
    summary = {"teu_hours_per_year": 1e6, "demand_teu_per_year": 500.0, "over_capacity_teu_per_year": 0.0}
    fits = {"fitted": {"wape_pct": 12.5}, "held_out": {"wape_pct": math.nan}}
    flows = SimpleNamespace(links=links, bottlenecks=bottlenecks, summary=summary, fit_summary=lambda: fits)
    out = sweep_module._flows_summary(flows, [FEEDER, "Aktau", "Kaunas"])
    assert out["caspian_teu_per_year"] == 35.0 and out["teu_hours_per_year"] == 1e6
    assert (out["bottleneck"], out["bottleneck_utilisation"], out["fit_wape_pct"]) == ("Aktau", 0.5, 12.5)
    assert (out[f"{FEEDER} teu_per_year"], out[f"{FEEDER} utilisation"]) == (35.0, 0.4)
    assert out["Aktau teu_per_year"] == 40.0 and out["Kaunas teu_per_year"] == 0.0
    assert math.isnan(out["Kaunas utilisation"]) and math.isnan(out["held_out_wape_pct"])


# --- runs on the small network: the same code, a hand-built base and pack ------------------------------------------


def _small_base():
    path = Path(__file__).resolve().parents[1] / "network" / "small_base.py"
    spec = importlib.util.spec_from_file_location("small_base_for_sweeps", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.small_base()


@pytest.fixture
def small_sweep(tmp_path, monkeypatch):
    """A sweep of the small pack's train sailings and value of time, on the small base network; the small pack's
    own network (joined in full) stands for the cached network whose landmark bounds the runs bring up to date."""
    pack, base = small_pack(), _small_base()
    network = Engine.from_pack(pack, base=base)
    monkeypatch.setattr(sweep_module, "worker_pack", lambda _data_pack: pack)
    monkeypatch.setattr(sweep_module, "worker_base", lambda _folder: base)
    monkeypatch.setattr(sweep_module, "worker_network", lambda _folder, _data_pack: network)
    write(tmp_path, "name: small-base\n", "base.yaml")
    return write(
        tmp_path,
        "name: small\nbase: base.yaml\nsample: random\nruns: 4\nseed: 3\nparameters:\n"
        '  - name: train_x\n    change: services."West–East Express".departures_per_week\n    values: [x0.5, x1, x2]\n'
        "  - name: vot\n    change: parameters.value_of_time_usd_per_teu_hour\n    range: [1, 40]\n"
        "questions:\n  pairs: [[Westburg, Eastgrad], [Westport, Eastport]]\n  reliability: [10, 90]\n  draws: 400\n",
    )


def test_runs_on_the_small_network_serial_equals_a_threads_cluster(small_sweep):
    done = []
    serial = corridor.sweep(small_sweep, progress=lambda k, n: done.append((k, n)))
    assert done == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert serial.index.name == "run" and list(serial.index) == [0, 1, 2, 3]
    assert list(serial.columns[:3]) == ["train_x", "vot", "Westburg→Eastgrad overland days"]
    families = ("overland", "by_sea", "around_xe")
    metrics = ("days", "p10_days", "p90_days", "usd_per_teu", "kg_co2e_per_teu")
    pairs = ("Westburg→Eastgrad", "Westport→Eastport")
    assert list(serial.columns[2:]) == [f"{p} {f} {m}" for p in pairs for f in families for m in metrics]
    assert serial.notna().all().all()
    assert serial.attrs["sweep"]["joined"] == [True] * 4 and len(serial.attrs["sweep"]["run_seconds"]) == 4
    # the value of time changes the generalized choice; the sailings change the train's wait
    assert serial["Westburg→Eastgrad overland days"].nunique() > 1
    with corridor.cluster_client(workers=2, processes=False) as client:
        clustered = corridor.sweep(small_sweep, client=client)
    pd.testing.assert_frame_equal(serial, clustered, check_exact=True)


def test_runs_with_updated_landmark_bounds_equal_runs_with_bounds_searched_afresh(small_sweep, monkeypatch):
    updated = corridor.sweep(small_sweep)
    monkeypatch.setattr(sweep_module, "worker_network", lambda _folder, _data_pack: None)  # no reference: full search
    fresh = corridor.sweep(small_sweep)
    pd.testing.assert_frame_equal(updated, fresh, check_exact=True)


def test_a_failing_run_names_the_run(small_sweep, tmp_path, monkeypatch):
    """Each parameter's extremes are checked alone before any run; a run that still fails (values that fail only
    together) is one SweepError naming the run and its values."""
    text = small_sweep.read_text(encoding="utf-8").replace("values: [x0.5, x1, x2]", "values: [x1]")
    text = text.replace("questions:", '  - name: hours\n    change: services."West–East Express".hours\n'
                        "    values: [x1]\nquestions:")  # fmt: skip
    path = write(tmp_path, text, "together.yaml")

    def refuse(_pack, _scenario):
        raise corridor.ScenarioError("refused", field="change")

    monkeypatch.setattr(sweep_module, "apply_scenario", refuse)  # the runs' apply, not the checks'
    with pytest.raises(SweepError) as info:
        corridor.sweep(path)
    assert info.value.field == "parameters" and info.value.line == 6 and info.value.path == str(path)
    assert re.search(
        r"line 6: field 'parameters': run 0 \(train_x=x1, vot=[\d.]+, hours=x1\): refused", str(info.value)
    )


def test_cli_refuses_a_bad_file_and_a_bad_output_before_any_work(tmp_path, monkeypatch):
    path = write(tmp_path, HEAD + "parameters:\n" + VOT + "    values: []\n")
    result = runner.invoke(app, ["sweep", str(path), "--workers", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == f"error: {path}: line 6: field 'parameters.0.values': " + (
        "no values: give at least one (a number sets the figure, xN multiplies it)"
    )
    out = runner.invoke(app, ["sweep", "caspian-fleet", "--out", str(tmp_path / "x.json")])
    assert out.exit_code == 1 and "use a .parquet or .csv file name" in out.stderr
    both = runner.invoke(app, ["sweep", "caspian-fleet", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"])
    assert both.exit_code == 1 and "not both" in both.stderr
    monkeypatch.setenv(corridor.SCHEDULER_VARIABLE, "tcp://127.0.0.1:1")
    local = runner.invoke(app, ["sweep", "caspian-fleet", "--workers", "2"])
    assert local.exit_code == 1 and "leave --workers out, or add --scheduler local" in local.stderr


def test_cli_writes_the_small_sweep(small_sweep, tmp_path):
    out = tmp_path / "small.parquet"
    result = runner.invoke(app, ["sweep", str(small_sweep), "--out", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("small: 4 runs (random, 4 on networks of their own) here in ")
    assert result.stdout.strip().endswith(f"→ {out}")
    pd.testing.assert_frame_equal(pd.read_parquet(out), corridor.sweep(small_sweep), check_exact=True)
    csv = runner.invoke(app, ["sweep", str(small_sweep), "--workers", "0"])
    assert csv.exit_code == 0 and csv.stdout.startswith("run,train_x,vot,Westburg→Eastgrad overland days,")
    assert "small: 4 runs" in csv.stderr


# --- the world network -----------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_small_world_sweep_serial_equals_a_local_cluster(world, tmp_path):
    """Three random runs (each changes figures, so each joins its own network) give the same table serially and
    on a local cluster of threads; a run's answers are those of ``Engine.from_pack`` on its pack."""
    spec = sweep_from_dict(
        grid(pairs=[["Xi'an", "Duisburg"]], corridors=["middle", "sea_cape"], draws=2000)
        | {"sample": "random", "runs": 3, "seed": 7}
        | {"parameters": [{"name": "fleet", "change": FEEDER_PATH, "values": ["x1", "x2"]},
                          {"name": "vot", "change": VOT_PATH, "range": [2, 12]}]}
    )  # fmt: skip
    serial = corridor.sweep(spec)
    assert serial.attrs["sweep"]["joined"] == [True] * 3 and len(serial.columns) == 2 + 2 * 5
    with corridor.cluster_client(workers=2, processes=False) as client:
        clustered = corridor.sweep(spec, client=client)
    pd.testing.assert_frame_equal(serial, clustered, check_exact=True)

    from corridor.compare import compare_corridors
    from corridor.engine import Engine
    from corridor.options import QueryOptions

    run = sweep_runs(spec)[0]
    applied = apply_scenario(world.pack, variant(spec, run.values))
    engine = Engine.from_pack(applied.pack)
    options = QueryOptions.make(objective=applied.objective, avoid=applied.closed_countries, draws=2000)
    middle = compare_corridors(engine, "Xi'an", "Duisburg", options, corridors="middle")[0]
    assert serial.loc[0, "Xi'an→Duisburg middle days"] == middle.route.days
    assert serial.loc[0, "Xi'an→Duisburg middle p90_days"] == middle.p90_days


@pytest.mark.integration
def test_cli_writes_parquet_with_the_flows(world, tmp_path):
    """A run that changes no figure (the demand's scale) answers on the cached network; the flows come with it."""
    path = write(
        tmp_path,
        "name: demand\nbase: northern-closed-2022\nparameters:\n  - name: scale\n    change: demand.scale\n"
        "    values: [0.5]\nquestions:\n  pairs: [[Almaty, Kaunas]]\n  corridors: [middle]\n  draws: 1000\n"
        "  assignment: true\n",
    )
    out = tmp_path / "demand.parquet"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("demand: 1 runs (grid, 0 on networks of their own) here in ")
    table = pd.read_parquet(out)
    assert table.index.name == "run" and table.loc[0, "scale"] == 0.5
    assert table.loc[0, "Almaty→Kaunas middle days"] > 0
    full = corridor.read_demand("corridor-2024").total_teu_per_year
    assert table.loc[0, "demand_teu_per_year"] == pytest.approx(0.5 * full)
    assert table.loc[0, f"{FEEDER} teu_per_year"] > 0 and table.loc[0, "caspian_teu_per_year"] > 0
    assert table.loc[0, "teu_hours_per_year"] > 0 and isinstance(table.loc[0, "bottleneck"], str)
