"""OD skims: one search tree per origin answers every pair as ``Network.path`` does (on the small network for
every objective and constraint, on the world network for a sample of places and points), serially and on Dask
clusters of threads and of processes with the same floats; the outputs (Parquet, CSV, OMX, GeoParquet) read
back; bad input is one clear error; ``corridor skim``."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.cli.app import app
from corridor.cli.skim import read_points
from corridor.options import QueryOptions
from corridor.routing.search import bounded_tree
from corridor.scale.skim import _ties, _tree_sums, skim

runner = CliRunner()
METRICS = ("hours", "usd_per_teu", "kg_co2e_per_teu", "km")


def assert_equals_path(net: corridor.Network, frame: pd.DataFrame, **options) -> None:
    """Every row of ``frame`` is what ``net.path`` answers for its pair (to 1e-9 relative), or its error."""
    assert len(frame) and frame["origin"].nunique() * frame["destination"].nunique() >= len(frame)
    for row in frame.itertuples(index=False):
        if row.origin == row.destination:
            assert row.feasible and all(getattr(row, m) == 0.0 for m in METRICS if hasattr(row, m))
            continue
        try:
            p = net.path(row.origin, row.destination, **options)
        except (corridor.NoRouteError, corridor.OptionsError) as exc:
            assert not row.feasible, (row.origin, row.destination, str(exc))
            assert row.reason == str(exc)
            assert all(math.isnan(getattr(row, m)) for m in METRICS if hasattr(row, m))
            continue
        assert row.feasible and row.reason == "", (row.origin, row.destination, row.reason)
        expected = {"hours": p.hours, "usd_per_teu": p.usd_per_teu, "kg_co2e_per_teu": p.kg_co2e_per_teu, "km": p.km}
        for name, value in expected.items():
            if hasattr(row, name):
                assert getattr(row, name) == pytest.approx(value, rel=1e-9, abs=1e-9), (row.origin, row.destination)
        if hasattr(row, "days"):
            assert row.days == pytest.approx(p.days, rel=1e-9, abs=1e-9)


# --- the small network: every objective and constraint, the frame, the errors -----------------------------------------


SMALL_CASES = [
    {"objective": "time"},
    {"objective": "cost"},
    {"objective": "co2"},
    {"objective": "distance"},
    {"objective": "generalized", "value_of_time_usd_per_teu_hour": 5.0},
    {"objective": "distance", "modes": "rail"},
    {"objective": "time", "modes": "rail,road"},
    {"objective": "time", "avoid": "XE"},
    {"objective": "cost", "profile": "truck"},
]


@pytest.mark.parametrize("options", SMALL_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_small_skim_equals_path_for_every_pair(small_net, options):
    places = [*(p.name for p in small_net.places()), "52.5,21.1"]
    frame = small_net.skim(places, metrics="days,hours,usd_per_teu,kg_co2e_per_teu,km", **options)
    assert len(frame) == len(places) ** 2
    assert_equals_path(small_net, frame, **options)


def test_small_skim_layout(small_net):
    frame = small_net.skim("all", ["Eastgrad", (52.5, 21.1)], metrics=["km", "days"])
    names = [p.name for p in small_net.places()]
    assert list(frame.columns) == ["origin", "destination", "feasible", "km", "days", "reason"]
    assert frame["origin"].tolist() == [n for n in names for _ in range(2)]  # origin-major, in the order given
    assert frame["destination"].tolist()[:2] == ["Eastgrad", "52.5,21.1"]
    assert frame["feasible"].dtype == bool
    assert frame.attrs["points"]["52.5,21.1"] == (52.5, 21.1)
    assert set(frame.attrs["points"]) == {*names, "52.5,21.1"}
    same = frame[frame["origin"] == frame["destination"]]
    assert len(same) == 1 and same["km"].iloc[0] == 0.0 and same["days"].iloc[0] == 0.0


def test_small_skim_progress_counts_origins(small_net):
    seen = []
    small_net.skim(["Westburg", "Eastgrad", "Westport"], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_unreachable_pair_is_infeasible_with_the_no_route_text(small_net):
    frame = small_net.skim(["Westburg"], ["Northhaven"], modes="rail")  # only the ferry reaches Northhaven
    row = frame.iloc[0]
    assert not row["feasible"] and math.isnan(row["km"])
    with pytest.raises(corridor.NoRouteError) as caught:
        small_net.path("Westburg", "Northhaven", modes="rail")
    assert row["reason"] == str(caught.value)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda n: n.skim(["Westbrug"], ["Eastgrad"]), corridor.UnknownPlaceError, ["'Westbrug'", "Westburg"]),
        (lambda n: n.skim(["Westburg"], ["Eastgrd"]), corridor.UnknownPlaceError, ["Eastgrad"]),
        (lambda n: n.skim(["Westburg"], metrics="days,speed"), corridor.OptionsError, ["'speed'", "usd_per_teu"]),
        (lambda n: n.skim(["Westburg"], metrics=""), corridor.OptionsError, ["no metrics"]),
        (lambda n: n.skim([]), corridor.OptionsError, ["no origins"]),
        (lambda n: n.skim(["Westburg"], objective="fastest"), corridor.OptionsError, ["fastest"]),
        (lambda n: n.skim(["95,10"]), corridor.CoordinateError, ["95"]),
    ],
)
def test_bad_input_is_one_clear_error_before_any_search(small_net, call, error, words):
    with pytest.raises(error) as caught:
        call(small_net)
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_vias_are_not_supported(small_net):
    with pytest.raises(corridor.OptionsError, match="vias are not supported in skims") as caught:
        skim(small_net.engine, ["Westburg"], ["Eastgrad"], options=QueryOptions.make(via="Gaugeton"))
    assert caught.value.option == "via"


def test_a_network_built_in_memory_cannot_be_skimmed_on_a_cluster(small_net):
    class Client:  # never reached: the refusal comes first
        def map(self, *_a, **_k):
            raise AssertionError("no task may be sent")

    with pytest.raises(corridor.OptionsError, match="built in memory") as caught:
        small_net.skim(["Westburg"], client=Client())
    assert caught.value.option == "client"


def diamond(hours_b: float):
    """0 → 1 → 3 and 0 → 2 → 3, both 2 km; the second branch takes ``hours_b`` hours on 2 → 3; 3 → 4 free (0 km)
    and 4 → 3 back, a loop of zero cost."""
    tail = np.array([0, 0, 1, 2, 3, 4])
    head = np.array([1, 2, 3, 3, 4, 3])
    hours = np.array([1.0, 1.0, 1.0, hours_b, 2.0, 2.0])
    metrics = np.vstack([hours, np.ones(6), np.ones(6), np.array([1.0, 1.0, 1.0, 1.0, 0.0, 0.0])])
    first_out = np.array([0, 2, 3, 4, 5, 6])
    weight = metrics[3]  # the distance objective
    coef = np.array([0.0, 0.0, 0.0, 1.0])
    dist, parent = bounded_tree(
        first_out, head, metrics, np.zeros(6, np.int8), coef, sources=np.array([0]), source_cost=np.zeros(1),
        mode_ok=np.ones(1, bool), node_ok=np.ones(5, bool), edge_blocked=np.zeros(6, bool), limit=np.inf,
    )  # fmt: skip
    sums = _tree_sums(parent, tail, metrics, dist)
    edges = np.arange(6)
    return _ties(dist, parent, sums, edges, tail, head, weight, metrics, tail, 1e-9), sums


def test_a_tie_with_other_totals_sends_the_pair_to_a_point_query():
    contested, sums = diamond(hours_b=5.0)  # same km either way, other hours: the point query may take either
    assert contested.tolist() == [False, False, False, True, False]
    assert sums[3].tolist() == [2.0, 2.0, 2.0, 2.0]
    contested, _ = diamond(hours_b=1.0)  # the same totals either way: no matter which
    assert not contested.any()  # and the free loop 3 → 4 → 3 is no other way in


# --- outputs ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_skim(small_net):
    return small_net.skim("all", metrics="days,usd_per_teu,kg_co2e_per_teu,km")


def test_parquet_and_csv_read_back_exactly(small_skim, tmp_path):
    for name in ("skim.parquet", "skim.csv"):
        path = corridor.write_skim(small_skim, tmp_path / name)
        back = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path, keep_default_na=False)
        if name.endswith(".csv"):
            numbers = ["days", *METRICS[1:]]
            back[numbers] = back[numbers].astype(float)
        expected = small_skim.reset_index(drop=True)
        pd.testing.assert_frame_equal(back, expected, check_exact=True, check_dtype=False, check_like=False)


def test_omx_is_an_open_matrix_and_reads_as_a_demand(small_skim, tmp_path):
    path = corridor.write_skim(small_skim, tmp_path / "skim.omx", ["days", "km"])
    names = [p for p in dict.fromkeys(small_skim["origin"])]
    with h5py.File(path, "r") as f:
        assert f.attrs["OMX_VERSION"] in (b"0.2", "0.2")
        assert tuple(f.attrs["SHAPE"]) == (len(names), len(names))
        assert sorted(f["data"]) == ["days", "km"]
        assert [s.decode() for s in f["lookup/origins"][()]] == names
        assert [s.decode() for s in f["lookup/destinations"][()]] == names
        km = f["data/km"][()]
    expected = small_skim.pivot(index="origin", columns="destination", values="km").loc[names, names].to_numpy()
    np.testing.assert_array_equal(km, expected)
    demand = corridor.read_demand(path)  # the demand reader's conventions: /data/<matrix>, the first /lookup
    cells = {(r.origin, r.destination, r.user_class): r.teu_per_year for r in demand.rows}
    row = small_skim.iloc[1]
    assert cells[(row["origin"], row["destination"], "km")] == row["km"]


def test_omx_keeps_infeasible_pairs_as_nan(small_net, tmp_path):
    frame = small_net.skim(["Westburg", "Eastgrad"], ["Northhaven", "Eastport"], modes="rail")
    path = corridor.write_skim(frame, tmp_path / "rect.omx")
    with h5py.File(path, "r") as f:
        assert tuple(f.attrs["SHAPE"]) == (2, 2)
        days = f["data/days"][()]
    assert np.isnan(days[:, 0]).all() and np.isfinite(days[:, 1]).all()


def test_geoparquet_has_geo_metadata_and_wkb_points(small_skim, tmp_path):
    path = corridor.write_skim(small_skim, tmp_path / "skim.geoparquet")
    table = pq.read_table(path)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "origin_geometry"
    for end in ("origin", "destination"):
        column = geo["columns"][f"{end}_geometry"]
        assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point"]
        assert column["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}
        points = shapely.from_wkb(table.column(f"{end}_geometry").to_pylist())
        labels = table.column(end).to_pylist()
        for label, point in zip(labels, points, strict=True):
            lat, lon = small_skim.attrs["points"][label]
            assert (point.x, point.y) == (lon, lat)
    assert table.num_rows == len(small_skim)


def test_bad_extension_names_the_allowed_ones(small_skim, tmp_path):
    with pytest.raises(corridor.OptionsError) as caught:
        corridor.write_skim(small_skim, tmp_path / "skim.xlsx")
    assert all(ext in str(caught.value) for ext in corridor.SKIM_FORMATS)
    with pytest.raises(corridor.OptionsError, match="does not exist"):
        corridor.write_skim(small_skim, tmp_path / "missing" / "skim.csv")


# --- points files and the command line -----------------------------------------------------------------------------


def test_points_file_reads_names_places_and_coordinates(tmp_path):
    path = tmp_path / "markets.csv"
    path.write_text("name,lat,lon,place\nhub,52.5,21.1,\n,,,Eastgrad\nport,,,Westport\n", encoding="utf-8")
    points = read_points(path)
    assert points.queries == [(52.5, 21.1), "Eastgrad", "Westport"]
    assert points.names == ["hub", None, "port"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name,lat,lon\na,52.5,21.1\nb,north,21.1\n", 3, ["'north'", "latitude"]),
        ("lat,lon\n52.5,21.1\n\n52.5,181\n", 4, ["181", "longitude"]),
        ("name,lat,lon\na,52.5,21.1\na,52.6,21.2\n", 3, ["'a'", "line 2"]),
        ("name,lat,lon,place\nx,52.5,21.1,Eastgrad\n", 2, ["not both"]),
        ("lat,lon\n52.5\n", 2, ["1 cells for 2 columns"]),
        ("name,city\nx,y\n", 1, ["neither lat and lon nor place"]),
    ],
)
def test_points_file_with_a_bad_row_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(corridor.FileFormatError) as caught:
        read_points(path)
    assert caught.value.line == line and caught.value.path == str(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: ") and all(w in message for w in words), message


@pytest.fixture
def small_cli(monkeypatch, small_net):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)
    monkeypatch.delenv("CORRIDOR_SCHEDULER", raising=False)
    return small_net


def test_cli_skim_places_to_parquet_serially(small_cli, tmp_path):
    out = tmp_path / "skim.parquet"
    result = runner.invoke(
        app, ["skim", "--places", "all", "--metrics", "days,km", "--workers", "0", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    n = len(small_cli.places())
    assert len(frame) == n * n and list(frame.columns) == ["origin", "destination", "feasible", "days", "km", "reason"]
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{n * n} pairs ({n * n} with a route) from {n} origins to {n} destinations in ")
    assert "in this process" in summary and f"written to {out}" in summary


def test_cli_skim_points_to_omx_with_names(small_cli, tmp_path):
    origins, markets = tmp_path / "origins.csv", tmp_path / "markets.csv"
    origins.write_text("name,lat,lon\nmill,52.5,21.1\n", encoding="utf-8")
    markets.write_text("name,place\nEast,Eastgrad\nPort,Westport\n", encoding="utf-8")
    out = tmp_path / "skim.omx"
    args = ["skim", "--points", str(origins), "--to", str(markets), "--workers", "0", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with h5py.File(out, "r") as f:
        assert [s.decode() for s in f["lookup/origins"][()]] == ["mill"]
        assert [s.decode() for s in f["lookup/destinations"][()]] == ["East", "Port"]
        assert sorted(f["data"]) == sorted(corridor.DEFAULT_SKIM_METRICS)
    expected = small_cli.path((52.5, 21.1), "Eastgrad")
    with h5py.File(out, "r") as f:
        assert f["data/km"][0, 0] == pytest.approx(expected.km, rel=1e-12)


def test_cli_skim_prints_the_table_without_out(small_cli):
    args = ["skim", "--places", "Westburg,52.5,21.1", "--places", "Eastgrad", "--workers", "0", "--modes", "rail,road"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all(name in result.stdout for name in ("Westburg", "52.5,21.1", "Eastgrad"))
    assert "9 pairs (9 with a route) from 3 origins to 3 destinations" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--places", "Westbrug", "--workers", "0"], ["unknown place 'Westbrug'", "Westburg"]),
        (["--places", "all", "--metrics", "speed", "--workers", "0"], ["unknown metric 'speed'"]),
        (["--places", "all", "--out", "skim.xlsx"], [".parquet or .csv or .omx or .geoparquet"]),
        (["--workers", "0"], ["give the origins"]),
        (["--places", "all", "--workers", "2", "--threads"], ["built in memory"]),
    ],
)
def test_cli_skim_bad_input_is_one_line(small_cli, args, words):
    result = runner.invoke(app, ["skim", *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert all(w in result.stderr for w in words), result.stderr


def test_cli_skim_bad_points_row_names_the_line(small_cli, tmp_path):
    path = tmp_path / "origins.csv"
    path.write_text("lat,lon\n52.5,21.1\n52.5,east\n", encoding="utf-8")
    result = runner.invoke(app, ["skim", "--points", str(path), "--workers", "0"])
    assert result.exit_code == 1
    assert f"{path}: line 3: lon 'east'" in result.stderr


# --- the world network ---------------------------------------------------------------------------------------------


WORLD_POINTS = ["43.25,76.95", "52.23,21.01", "41.02,28.97"]  # near Almaty, Warsaw, Istanbul
WORLD_CASES = [
    {"modes": "rail", "objective": "distance"},
    {"objective": "time"},
    {"objective": "generalized", "avoid": "RU,BY"},
]


def world_sample(world) -> list[str]:
    names = [p.name for p in world.places()]
    return names[:: max(1, len(names) // 12)][:12]


@pytest.mark.integration
@pytest.mark.parametrize("options", WORLD_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_world_skim_equals_path_for_every_pair(world, options):
    places = [*world_sample(world), *WORLD_POINTS]
    frame = world.skim(places, metrics="days,hours,usd_per_teu,kg_co2e_per_teu,km", **options)
    assert len(frame) == len(places) ** 2
    assert frame.attrs["point_queries"] < len(frame)  # the trees answer most pairs
    assert_equals_path(world, frame, **options)


@pytest.mark.integration
def test_world_skim_on_threads_equals_serial_exactly(world):
    places = world_sample(world)[:8]
    serial = world.skim(places, objective="cost", avoid="RU")
    with corridor.cluster_client(processes=False, workers=2) as client:
        parallel = world.skim(places, objective="cost", avoid="RU", client=client)
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)


@pytest.mark.integration
def test_world_skim_on_processes_equals_serial_exactly(world):
    origins, destinations = world_sample(world)[:4], [*world_sample(world)[4:8], WORLD_POINTS[0]]
    serial = world.skim(origins, destinations)
    with corridor.cluster_client(processes=True, workers=2) as client:
        parallel = world.skim(origins, destinations, client=client)
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)


@pytest.mark.integration
def test_world_cli_skim_writes_geoparquet(world, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: world)
    out = tmp_path / "skim.geoparquet"
    args = ["skim", "--places", "Almaty,Kaunas,Klaipeda", "--workers", "0", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert b"geo" in table.schema.metadata and table.num_rows == 9
    assert Path(out).stat().st_size > 0


def test_scheduler_address_reads_the_variable_unless_local_is_asked(monkeypatch):
    monkeypatch.delenv(corridor.SCHEDULER_VARIABLE, raising=False)
    assert corridor.scheduler_address(None) is None
    assert corridor.scheduler_address("tcp://a:1") == "tcp://a:1"
    monkeypatch.setenv(corridor.SCHEDULER_VARIABLE, "tcp://b:2")
    assert corridor.scheduler_address(None) == "tcp://b:2"
    assert corridor.scheduler_address("tcp://a:1") == "tcp://a:1"
    assert corridor.scheduler_address(corridor.LOCAL_SCHEDULER) is None


def test_cli_skim_on_a_local_cluster_where_the_variable_names_another(small_cli, monkeypatch):
    monkeypatch.setenv(corridor.SCHEDULER_VARIABLE, "tcp://127.0.0.1:1")  # nothing listens there
    refused = runner.invoke(app, ["skim", "--places", "all", "--workers", "1", "--threads"])
    assert refused.exit_code == 1 and "--scheduler local" in refused.stderr and "127.0.0.1:1" in refused.stderr
    asked = []

    @contextlib.contextmanager
    def cluster(scheduler=None, **kwargs):  # the small network lives in memory: it is skimmed here, not on workers
        asked.append((scheduler, kwargs))
        yield None

    monkeypatch.setattr(corridor, "cluster_client", cluster)
    args = ["skim", "--places", "all", "--metrics", "km", "--scheduler", "local", "--workers", "1", "--threads"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert asked == [(corridor.LOCAL_SCHEDULER, {"workers": 1, "processes": False})]
    assert corridor.scheduler_address(asked[0][0]) is None
    assert "on a local cluster of 1 " in result.stdout.strip().splitlines()[-1]
