"""Corridor assignment on the real network: conservation, capacities, bottlenecks, reports, CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import corridor
from corridor.cli.app import app
from corridor.errors import DemandError
from corridor.flows.demand import parse_demand
from corridor.flows.network import build_corridor_network, resolve_demand_places
from corridor.flows.report import write_flow_report
from corridor.flows.run import assign_corridor, demand_pairs
from corridor.routing.route import objective_coefficients

pytestmark = pytest.mark.integration
runner = CliRunner()

SMALL = "origin,destination,teu_per_year\nXi'an,Duisburg,300000\nKhorgos,Poti,60000\nAlmaty,Baku,40000\n"


@pytest.fixture(scope="module")
def small(world):
    """Deterministic equilibrium: no route of another pair passes an origin's terminal, so its out-flow is its
    demand."""
    return world.assign(parse_demand(SMALL, source="small.csv"), method="ue", gap=1e-8)


def test_stochastic_assignment_serves_every_pair_over_its_routes(world):
    result = world.assign(parse_demand(SMALL, source="small.csv"), gap=1e-8, rank_bottlenecks=False)
    assert result.summary["method"] == "sue" and result.summary["relative_gap"] <= 1e-8
    paths = result.assignment.paths
    served = np.bincount(paths.path_od, weights=paths.path_flow)
    demand = {
        o: t for o, _, t in (("Xi'an", "Duisburg", 300000), ("Khorgos", "Poti", 60000), ("Almaty", "Baku", 40000))
    }
    origin_of = {v: k for k, v in result.network.zone_origin.items()}
    by_origin: dict[str, float] = {}
    for od, flow in enumerate(served):
        name = origin_of[int(paths.od_origin[od])]
        by_origin[name] = by_origin.get(name, 0.0) + float(flow)
    assert by_origin == pytest.approx(demand, rel=1e-9)
    # logit spreads each pair over more than one of its routes, the cheapest carrying most
    assert (np.bincount(paths.path_od) > 1).any()
    assert result.fit and {f.role for f in result.fit} <= {"fitted", "held out", "out of scope"}


def test_demand_is_conserved_and_capacities_reported(small):
    links, net = small.links, small.network
    assert small.summary["relative_gap"] <= 1e-8
    for place, teu in (("Xi'an", 300000), ("Khorgos", 60000), ("Almaty", 40000)):
        out = links["teu_per_year"][net.tail == net.zone_origin[place]].sum()
        assert out == pytest.approx(teu, rel=1e-9)
    for place, teu in (("Duisburg", 300000), ("Poti", 60000), ("Baku", 40000)):
        arriving = links["teu_per_year"][net.head == net.zone_destination[place]].sum()
        assert arriving == pytest.approx(teu, rel=1e-9)
    capped = np.isfinite(links["capacity_teu_per_year"])
    assert capped.any()
    assert np.allclose(links["utilisation"][capped], (links["teu_per_year"] / links["capacity_teu_per_year"])[capped])
    assert (links["delay_hours"] >= -1e-9).all() and (links.loc[~capped, "delay_hours"].abs() < 1e-9).all()
    assert {"service", "crossing", "terminal", "path"} <= set(links["kind"])


def test_bottlenecks_ranked_and_od_routes(small):
    b = small.bottlenecks
    assert len(b) > 0
    saved = b["teu_hours_saved_per_year"].to_numpy()
    assert (np.diff(saved) <= 1e-6).all() and saved[0] > 0
    od = small.od
    assert set(od["origin"]) == {"Xi'an", "Khorgos", "Almaty"}
    assert od["route"].str.len().gt(0).all() and od["uncongested_route"].str.len().gt(0).all()
    assert small.gap_history[-1] == small.summary["relative_gap"]


def test_more_capacity_never_costs_more(world):
    """Raising the most binding capacity lowers the TEU-hours (a sanity check of the ranking)."""
    heavy = parse_demand("origin,destination,teu_per_year\nAlmaty,Baku,150000\n")
    result = world.assign(heavy, gap=1e-8)
    assert result.summary["teu_hours_per_year"] > 0
    if len(result.bottlenecks):
        assert result.bottlenecks["teu_hours_saved_per_year"].iloc[0] >= 0


def test_over_capacity_demand_terminates_with_finite_flows(world):
    huge = parse_demand("origin,destination,teu_per_year\nAktau,Baku,5000000\n")
    result = world.assign(huge, gap=1e-6, max_seconds=30, rank_bottlenecks=False)
    assert np.isfinite(result.links["teu_per_year"]).all() and np.isfinite(result.links["hours"]).all()
    assert result.summary["over_capacity_teu_per_year"] > 0


def test_unknown_place_names_the_line(world):
    bad = parse_demand("origin,destination,teu_per_year\nXi'an,Duisburg,10\nXyzzyville,Duisburg,5\n", source="od.csv")
    with pytest.raises(corridor.InputError, match=r"od.csv: line 3: unknown place 'Xyzzyville'"):
        world.assign(bad)


def test_report_geojson_and_json(small, tmp_path):
    page = write_flow_report(small, tmp_path / "flows.html").read_text()
    assert "<svg" in page and "Bottlenecks" in page and "<script" not in page
    geo = small.to_geojson()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert all(f["properties"]["teu_per_year"] > 0 for f in geo["features"])
    data = json.loads(json.dumps(small.to_dict()))
    assert {"summary", "links", "bottlenecks", "od", "gap_history"} <= set(data)


def test_cli_assign(world, tmp_path):
    demand = tmp_path / "od.csv"
    demand.write_text(SMALL, encoding="utf-8")
    out = runner.invoke(app, ["assign", "--demand", str(demand), "--json", "--links", str(tmp_path / "links.csv")])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["summary"]["demand_teu_per_year"] == 400000
    assert (tmp_path / "links.csv").read_text().startswith("link,kind,name,teu_per_year")
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,destination,teu_per_year\nXi'an,Duisburg,-3\n", encoding="utf-8")
    failed = runner.invoke(app, ["assign", "--demand", str(bad)])
    assert failed.exit_code == 1 and "line 2" in failed.stderr and "Traceback" not in failed.output


def test_classes_with_their_own_value_of_time(world, tmp_path):
    demand = tmp_path / "classes.csv"
    demand.write_text(
        "origin,destination,teu_per_year,class\nXi'an,Duisburg,50000,bulk\nXi'an,Duisburg,50000,express\n",
        encoding="utf-8",
    )
    out = runner.invoke(app, ["assign", "--demand", str(demand), "--value-of-time", "bulk=0.5,express=40", "--json"])
    assert out.exit_code == 0, out.output
    od = {row["class"]: row for row in json.loads(out.stdout)["od"]}
    assert set(od) == {"bulk", "express"}
    # a box that values time at US$40 an hour does not take the slow sea route a cheap one takes
    assert od["bulk"]["route"] != od["express"]["route"]
    missing = runner.invoke(app, ["assign", "--demand", str(demand), "--value-of-time", "bulk=1"])
    assert missing.exit_code == 1 and "no value of time for demand class express" in missing.stderr
    junk = runner.invoke(app, ["assign", "--demand", str(demand), "--value-of-time", "fast"])
    assert junk.exit_code == 1 and "--value-of-time" in junk.stderr


def test_lat_lon_places_are_routed_like_named_places(world):
    """A "lat,lon" origin snaps to the network as ``Network.route`` snaps it; its demand leaves there and arrives."""
    point = "43.30, 76.90"  # near Almaty's terminal (43.34, 76.94)
    demand = parse_demand(
        f'origin,destination,teu_per_year\n"{point}",Baku,40000\nAlmaty,Baku,10000\n', source="od.csv"
    )
    zones = resolve_demand_places(world.router, demand)
    assert zones[point].place is None and zones["Almaty"].place is not None
    vot, price = (world.pack.param(p) for p in ("value_of_time_usd_per_teu_hour", "carbon_price_usd_per_t_co2e"))
    coef = objective_coefficients("generalized", value_of_time_usd_per_teu_hour=vot, carbon_price_usd_per_t_co2e=price)
    cn = build_corridor_network(world.graph, world.pack, world.router, demand_pairs(demand), coef=coef, zones=zones)
    assert not cn.unroutable
    result = assign_corridor(
        cn, demand, value_of_time_usd_per_teu_hour=vot, carbon_price_usd_per_t_co2e=price, rank_bottlenecks=False
    )
    flows = result.links["teu_per_year"]
    assert flows[cn.tail == cn.zone_origin[point]].sum() == pytest.approx(40000, rel=1e-9)
    assert flows[cn.head == cn.zone_destination["Baku"]].sum() == pytest.approx(50000, rel=1e-9)
    od = result.od.set_index("origin")
    assert od.loc[point, "teu_per_year"] == 40000 and od.loc[point, "route"]
    # the point has no terminal of its own; Almaty's demand passes Almaty's
    assert cn.zone_origin[point] != cn.zone_origin["Almaty"]


def test_a_capacitated_gauge_change_waits_in_its_queue_not_twice(world):
    """At Brest–Małaszewicze (a capacity and a gauge change) the assignment charges the gauge change and the queue,
    not also the crossing's dwell, which is an observed wait (the 2018 queue); Kena–Gudogai (a capacity, no gauge
    change) keeps its dwell, since its checks are what its queue serves."""
    demand = parse_demand("origin,destination,teu_per_year\nXi'an,Łódź,1000\nAstana,Vilnius,1000\n", source="od.csv")
    vot, price = (world.pack.param(p) for p in ("value_of_time_usd_per_teu_hour", "carbon_price_usd_per_t_co2e"))
    coef = objective_coefficients("generalized", value_of_time_usd_per_teu_hour=vot, carbon_price_usd_per_t_co2e=price)
    cn = build_corridor_network(world.graph, world.pack, world.router, demand_pairs(demand), coef=coef)
    crossings = {c.name: c for c in world.pack.crossings}
    for name, queue_stands_for_dwell in (("Brest–Małaszewicze", True), ("Kena–Gudogai", False)):
        link = np.flatnonzero((cn.kind == "crossing") & (cn.name == name))
        assert len(link) and np.isfinite(cn.capacity_teu_per_year[link]).all()
        crossing = crossings[name]
        hours = cn.hours[link]  # the border edge's run is short: under 2 h
        if queue_stands_for_dwell:
            change = crossing.gauge_change_hours
            assert crossing.dwell_hours > change + 2.0  # else the check below could not tell
            assert (hours >= change).all() and (hours < change + 2.0).all()
            assert (cn.wait_scale_hours[link] == change).all()
        else:
            assert (hours >= crossing.dwell_hours).all() and (hours < crossing.dwell_hours + 2.0).all()
            assert (cn.wait_scale_hours[link] == crossing.dwell_hours).all()


@pytest.mark.parametrize(
    ("row", "needle", "field"),
    [
        ("Xyzzyville,Baku", "unknown place 'Xyzzyville'", "origin"),
        ('Baku,"0,-150"', "km from any usable", "destination"),
    ],
)
def test_demand_places_that_cannot_be_resolved_name_the_line(world, row, needle, field):
    demand = parse_demand(f"origin,destination,teu_per_year\nAlmaty,Baku,5\n{row},5\n", source="od.csv")
    with pytest.raises(DemandError, match=f"od.csv: line 3: .*{needle}") as info:
        resolve_demand_places(world.router, demand)
    assert info.value.line == 3 and info.value.field == field


def _by_sea_teu(result) -> tuple[float, float]:
    """(TEU a year on the pair's routes that leave the origin's country by sea, TEU a year on all its routes) of a
    one-pair assignment."""
    ((_, routes),) = result.network.routes.items()
    paths = result.assignment.paths
    by_sea, total = 0.0, 0.0
    for p, flow in enumerate(paths.path_flow.tolist()):
        links = paths.links[paths.link_first[p] : paths.link_first[p + 1]]
        route = next(r for r in routes if np.array_equal(r.links, links))
        total += flow
        by_sea += flow if route.leaves_by_sea else 0.0
    return by_sea, total


def test_a_land_market_group_leaves_its_origin_by_land(world):
    """Xi'an → Constanța has a route by rail to Lianyungang and a liner from there: boxes of a group whose market is
    ``land`` (its TEU were counted on land corridors) never take it, those of a group open to any mode do; every
    segment of the land group, the one avoiding Russia and Belarus included, keeps a route (the Trans-Caspian
    one, through Aktau)."""
    kw = {"rank_bottlenecks": False, "gap": 1e-6}
    text = "origin,destination,teu_per_year,class,group\nXi'an,Constanța,1000,all,{}\n"
    anywhere = world.assign(parse_demand(text.format("all"), source="od.csv"), **kw)
    routes = anywhere.network.routes[("Xi'an", "Constanța")]
    assert any(r.leaves_by_sea for r in routes) and any(not r.leaves_by_sea and not {"RU", "BY"} & r.countries
                                                        for r in routes)  # fmt: skip
    by_sea, total = _by_sea_teu(anywhere)
    assert total == pytest.approx(1000.0) and by_sea > 1.0  # shipping from Lianyungang competes for the fallback
    land = world.assign(parse_demand(text.format("cn_caspian"), source="od.csv"), **kw)
    by_sea, total = _by_sea_teu(land)
    assert total == pytest.approx(1000.0) and by_sea == 0.0  # all served, none shipped from a Chinese port
