"""A route's ISO 14083 emissions on the small network, checked by hand against the data pack's factors.

The small network's countries (XW, XE, XN) have no rows in rail_traction.csv or grid_intensity.csv, so its rail
runs on the '*' rows; its graph is hand-built (tests/small_network.py) with its own kg CO2e per edge, so the
equality of a route's kg_co2e_per_teu with its WTW total is checked on the world network instead
(tests/integration/test_emissions_world.py).
"""

import json

import pytest

from corridor.datapack import RailTraction
from corridor.emissions import Intensities
from corridor.emissions.report import route_emissions
from corridor.options import QueryOptions


def teu_tonnes(pack):
    """The tonnes per TEU the factors assume (the small pack has no teu_net_tonnes: the shipped value)."""
    return Intensities.from_pack(pack).teu_net_tonnes


def factor(pack, activity):
    return next(f for f in pack.emission_factors if f.activity == activity)


def default_row(rows):
    return next(r for r in rows if r.country == "*")


def rail_g_per_t_km(pack, share=None):
    """(TTW, WTW) g CO2e per t-km of a rail t-km under the '*' rows, by hand."""
    share = default_row(pack.rail_traction).electric_share if share is None else share
    grid = default_row(pack.grid_intensity).g_co2e_per_kwh
    diesel, electric = factor(pack, "rail_diesel"), factor(pack, "rail_electric")
    return (1 - share) * diesel.ttw_g_co2e, share * electric.kwh * grid + (1 - share) * diesel.wtw_g_co2e


def solved(net, origin, destination, **options):
    """The route and its path (nodes, edges) as the engine finds and finishes them."""
    opts = QueryOptions.make(draws=0, **options)
    sol = net.engine.solve(origin, destination, opts)
    return net.engine.finish(sol, opts), sol


def test_rail_legs_are_km_times_tonnes_times_the_rail_mix(small_net):
    r = small_net.route("Westburg", "Eastgrad", draws=0, cargo_tonnes_per_teu=12.5)
    pack, e = small_net.pack, r.emissions
    ttw, wtw = rail_g_per_t_km(pack)
    rail = [x for x in e.legs if x.mode == "rail"]
    assert [x.index for x in rail] == [i for i, leg in enumerate(r.legs) if leg.mode == "rail"] and len(rail) == 2
    for x in rail:
        leg = r.legs[x.index]
        assert (x.from_, x.to, x.km) == (leg.from_, leg.to, leg.km)
        assert x.tonne_km == pytest.approx(leg.km * 12.5)
        assert x.ttw_kg_co2e == pytest.approx(leg.km * 12.5 * ttw / 1000)
        assert x.wtw_kg_co2e == pytest.approx(leg.km * 12.5 * wtw / 1000)
        assert x.activity == "rail" and x.electric_share == pytest.approx(
            default_row(pack.rail_traction).electric_share
        )
        assert sum(km for _, km in x.km_by_country) == pytest.approx(leg.km)
    # the leg over the border splits its km between the two countries it runs in
    assert {c for c, _ in rail[0].km_by_country} == {"XW", "XE"}
    assert [leg.mode for leg in r.legs if leg.mode == "border"] == ["border"]
    assert "border" not in [x.mode for x in e.legs]  # a bogie exchange moves no container: no leg, no hub


def test_road_sea_and_ferry_legs_use_their_activity(small_net):
    pack = small_net.pack
    r = small_net.route("Westburg", "Eastgrad", modes="road", draws=0)
    road = [x for x in r.emissions.legs if x.mode == "road"]
    truck = factor(pack, "road_truck")
    tonnes = teu_tonnes(pack)
    for x in road:
        assert (x.activity, x.carrier) == ("road_truck", "diesel")
        assert x.wtw_kg_co2e == pytest.approx(r.legs[x.index].km * tonnes * truck.wtw_g_co2e / 1000)
        assert x.ttw_kg_co2e == pytest.approx(r.legs[x.index].km * tonnes * truck.ttw_g_co2e / 1000)
    r = small_net.route("Westport", "Northhaven", draws=0)
    by_mode = {x.mode: x for x in r.emissions.legs}
    sea, ferry = factor(pack, "container_deep_sea"), factor(pack, "ro_pax")
    assert sea.unit == "TEU-km"  # per TEU-km: divided by teu_net_tonnes, times the cargo's tonnes
    assert by_mode["sea"].wtw_kg_co2e == pytest.approx(by_mode["sea"].km * sea.wtw_g_co2e / 1000)
    assert by_mode["ferry"].activity == "ro_pax" and by_mode["ferry"].carrier == ferry.carrier
    assert by_mode["ferry"].wtw_kg_co2e == pytest.approx(by_mode["ferry"].km * tonnes * ferry.wtw_g_co2e / 1000)


@pytest.mark.parametrize("vessel", ["container_feeder", "ro_ro", "ro_pax", "rail_ferry"])
def test_a_ferry_leg_takes_its_ship_types_factor(small_net, vessel):
    """The North Ferry as each ship type of services.csv: its leg is km x tonnes x that activity's factor."""
    route, sol = solved(small_net, "Eastport", "Northhaven")
    pack = small_net.pack
    services = tuple(s.model_copy(update={"vessel": vessel}) if s.mode == "ferry" else s for s in pack.services)
    e = route_emissions(route, small_net.graph, pack.model_copy(update={"services": services}), sol.nodes, sol.edges)
    (ferry,) = [x for x in e.legs if x.mode == "ferry"]
    f = factor(pack, vessel)
    per_t_km = f.wtw_g_co2e / (teu_tonnes(pack) if f.unit == "TEU-km" else 1.0)
    assert (ferry.activity, ferry.carrier) == (vessel, f.carrier)
    assert ferry.wtw_kg_co2e == pytest.approx(ferry.km * teu_tonnes(pack) * per_t_km / 1000)
    assert f"emission_factors.csv:{vessel}" in dict(e.sources)


def test_hub_moves_are_counted_per_place(small_net):
    """Westport: onto the ship (1 move); Eastport: off the ship and onto the ferry (2); Northhaven: off it (1)."""
    r = small_net.route("Westport", "Northhaven", draws=0, cargo_tonnes_per_teu=15)
    hubs = {(h.place, h.hub): h for h in r.emissions.hubs}
    assert {k: h.moves for k, h in hubs.items()} == {
        ("Westport", "seaport"): 1,
        ("Eastport", "seaport"): 2,
        ("Northhaven", "ferry_port"): 1,
    }
    per_teu = {h.hub: h for h in small_net.pack.hub_factors}
    tonnes = teu_tonnes(small_net.pack)
    for (_, kind), h in hubs.items():
        assert h.wtw_kg_co2e == pytest.approx(h.moves * per_teu[kind].wtw_kg_co2e_per_teu * 15 / tonnes)
        assert h.ttw_kg_co2e == pytest.approx(h.moves * per_teu[kind].ttw_kg_co2e_per_teu * 15 / tonnes)
    e = r.emissions
    assert e.wtw_kg_co2e == pytest.approx(sum(x.wtw_kg_co2e for x in e.legs) + sum(h.wtw_kg_co2e for h in e.hubs))
    assert e.ttw_kg_co2e == pytest.approx(sum(x.ttw_kg_co2e for x in e.legs) + sum(h.ttw_kg_co2e for h in e.hubs))
    assert e.wtt_kg_co2e == pytest.approx(e.wtw_kg_co2e - e.ttw_kg_co2e) and e.wtt_kg_co2e > 0


def test_the_electric_share_moves_rail_between_diesel_and_grid(small_net):
    """All diesel, half and all electric: TTW falls to zero, WTW moves to kWh x grid, linearly in the share."""
    route, sol = solved(small_net, "Westburg", "Eastgrad")
    pack = small_net.pack
    row = default_row(pack.rail_traction)
    results = {}
    for share in (0.0, 0.5, 1.0):
        variant = pack.model_copy(
            update={"rail_traction": (RailTraction(**{**row.model_dump(), "electric_share": share}),)}
        )
        e = route_emissions(route, small_net.graph, variant, sol.nodes, sol.edges)
        results[share] = e
        ttw, wtw = rail_g_per_t_km(pack, share)
        tonnes = teu_tonnes(pack)
        for x in (x for x in e.legs if x.activity == "rail"):
            assert x.electric_share == pytest.approx(share)
            assert x.ttw_kg_co2e == pytest.approx(x.km * tonnes * ttw / 1000)
            assert x.wtw_kg_co2e == pytest.approx(x.km * tonnes * wtw / 1000)
    rail_ttw = {s: sum(x.ttw_kg_co2e for x in e.legs if x.activity == "rail") for s, e in results.items()}
    assert rail_ttw[1.0] == 0.0 and rail_ttw[0.0] > 0 and rail_ttw[0.5] == pytest.approx(rail_ttw[0.0] / 2)
    assert results[0.5].wtw_kg_co2e == pytest.approx((results[0.0].wtw_kg_co2e + results[1.0].wtw_kg_co2e) / 2)
    assert [x.carrier for x in results[1.0].legs if x.mode == "rail"] == ["electricity", "electricity"]
    assert [x.carrier for x in results[0.0].legs if x.mode == "rail"] == ["diesel", "diesel"]


def test_the_cargo_weight_scales_every_figure_linearly(small_net):
    light = small_net.route("Westburg", "Northhaven", draws=0, cargo_tonnes_per_teu=5).emissions
    heavy = small_net.route("Westburg", "Northhaven", draws=0, cargo_tonnes_per_teu=20).emissions
    default = small_net.route("Westburg", "Northhaven", draws=0).emissions
    assert default.cargo_tonnes_per_teu == teu_tonnes(small_net.pack)
    assert (light.cargo_tonnes_per_teu, heavy.cargo_tonnes_per_teu) == (5, 20)
    assert heavy.wtw_kg_co2e == pytest.approx(4 * light.wtw_kg_co2e)
    assert heavy.ttw_kg_co2e == pytest.approx(4 * light.ttw_kg_co2e)
    assert default.wtw_kg_co2e == pytest.approx(2 * light.wtw_kg_co2e)
    for a, b in zip(light.legs, heavy.legs, strict=True):
        assert (b.tonne_km, b.wtw_kg_co2e, b.ttw_kg_co2e) == pytest.approx(
            (4 * a.tonne_km, 4 * a.wtw_kg_co2e, 4 * a.ttw_kg_co2e)
        )
    for a, b in zip(light.hubs, heavy.hubs, strict=True):
        assert (b.moves, b.wtw_kg_co2e) == (a.moves, pytest.approx(4 * a.wtw_kg_co2e))
    assert "5 t net cargo" in light.method and "ISO 14083:2023" in light.method
    assert "/ 10 t per TEU" in light.method


def test_the_method_says_whether_the_wtw_total_agrees_with_the_route(small_net):
    """The small network's edges are priced by hand (tests/small_network.py), not from the emission tables: the
    method says the WTW total differs from kg_co2e_per_teu instead of claiming they agree."""
    r = small_net.route("Westburg", "Northhaven", draws=0, cargo_tonnes_per_teu=20)
    at_default = r.emissions.wtw_kg_co2e / 2
    assert at_default != pytest.approx(r.kg_co2e_per_teu)
    assert f"is {at_default:,.1f} kg at 10 t" in r.emissions.method
    assert f"kg_co2e_per_teu ({r.kg_co2e_per_teu:,.1f}) comes from edges priced otherwise" in r.emissions.method


def test_to_dict_round_trips_through_json_and_rides_in_the_route(small_net):
    r = small_net.route("Westburg", "Northhaven", draws=0, cargo_tonnes_per_teu=7.5)
    e = r.emissions
    data = e.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert r.to_dict()["emissions"] == data
    assert data["cargo_tonnes_per_teu"] == 7.5
    assert (data["wtw_kg_co2e"], data["ttw_kg_co2e"]) == (round(e.wtw_kg_co2e, 2), round(e.ttw_kg_co2e, 2))
    assert data["wtw_kg_co2e_per_teu"] == data["wtw_kg_co2e"]  # the shipment is one TEU
    assert [x["index"] for x in data["legs"]] == [x.index for x in e.legs]
    for x, d in zip(e.legs, data["legs"], strict=True):
        assert (d["from"], d["to"], d["activity"], d["wtw_kg_co2e"]) == (
            x.from_,
            x.to,
            x.activity,
            round(x.wtw_kg_co2e, 3),
        )
        assert d["km_by_country"] == {c: round(km, 3) for c, km in x.km_by_country}
    assert [h["moves"] for h in data["hubs"]] == [h.moves for h in e.hubs]
    # every factor used is named with the URLs its row cites
    assert "emission_factors.csv:ro_pax" in data["sources"] and "hub_factors.csv:ferry_port" in data["sources"]
    assert all(url.startswith("http") for urls in data["sources"].values() for url in urls)
    assert data["sources"]["emission_factors.csv:ro_pax"] and data["sources"]["rail_traction.csv:*"]
