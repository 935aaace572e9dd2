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
from corridor.flows.run import (
    RouteChoiceRules,
    assign_corridor,
    class_demands,
    demand_pairs,
    land_only_rows,
    route_choice,
)
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


def test_a_land_market_box_pays_to_ship_from_home(world):
    """Xi'an → Constanța has a route by rail to Lianyungang and a liner from there, and land routes avoiding
    Russia (the Trans-Caspian one): a cell of a land-market group sees ``land_sea_usd_per_teu`` on top of the sea
    route (none at all when that is inf), a cell of another group does not."""
    demand = parse_demand(
        "origin,destination,teu_per_year,class,group\nXi'an,Constanța,1000,avoid_ru_by,cn_caspian\n"
        "Xi'an,Constanța,500,avoid_ru_by,all\n",
        source="od.csv",
    )
    vot, price = (world.pack.param(p) for p in ("value_of_time_usd_per_teu_hour", "carbon_price_usd_per_t_co2e"))
    coef = objective_coefficients("generalized", value_of_time_usd_per_teu_hour=vot, carbon_price_usd_per_t_co2e=price)
    cn = build_corridor_network(world.graph, world.pack, world.router, demand_pairs(demand), coef=coef)
    routes = cn.routes[("Xi'an", "Constanța")]
    assert any(r.leaves_by_sea for r in routes)
    assert any(not r.leaves_by_sea and not {"RU", "BY"} & r.countries for r in routes)
    classes = class_demands(cn, demand, {"avoid_ru_by": vot})
    land = land_only_rows(demand, frozenset({"cn_caspian"}))
    assert land == {"avoid_ru_by": (True, False)}
    avoid = {"avoid_ru_by": frozenset({"RU", "BY"})}
    sea_routes = [r.links for r in routes if r.leaves_by_sea]
    for extra in (750.0, np.inf):
        choice = route_choice(cn, classes, RouteChoiceRules({"avoid_ru_by": 0.01}, avoid, land, extra))
        for cell, expected in ((0, extra), (1, 0.0)):
            on = choice.path_od == cell
            cell_routes = [choice.links[choice.link_first[p] : choice.link_first[p + 1]] for p in np.flatnonzero(on)]
            sea = [any(np.array_equal(r, links) for r in sea_routes) for links in cell_routes]
            paid = choice.path_usd_per_teu[on]
            if np.isinf(expected) and cell == 0:
                assert not any(sea) and len(sea) > 0  # the sea route is out of the land cell's set; land ones stay
            else:
                assert any(sea) and (paid[np.array(sea)] == expected).all()
            assert (paid[~np.array(sea, bool)] == 0.0).all()
