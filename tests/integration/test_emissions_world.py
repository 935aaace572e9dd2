"""ISO 14083 emissions on the real world network: the route's kg_co2e_per_teu is its WTW total at the default
cargo weight, rail legs are split by the countries they cross, and the factors name their sources."""

import pytest

from corridor.emissions import Intensities

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def middle_corridor(world):
    """Xi'an → Klaipėda avoiding Russia and Belarus: rail across CN and KZ, the Caspian feeder, rail across the
    Caucasus, Türkiye and the Balkans to the Baltic, with two gauge-change transshipments."""
    return world.route("Xi'an", "Klaipeda", avoid="RU,BY", draws=0)


def test_the_route_figure_is_the_wtw_total_at_the_default_weight(world, middle_corridor):
    r = middle_corridor
    e = r.emissions
    assert e.cargo_tonnes_per_teu == world.pack.param("teu_net_tonnes")
    assert e.wtw_kg_co2e == pytest.approx(r.kg_co2e_per_teu, rel=1e-9)
    assert e.wtw_kg_co2e_per_teu == e.wtw_kg_co2e
    assert 0 < e.ttw_kg_co2e < e.wtw_kg_co2e
    assert "equals the route's kg_co2e_per_teu at 10 t" in e.method
    # the northern route too, and at another weight the figures scale and the method says how they relate
    north = world.route("Xi'an", "Duisburg", draws=0)
    assert north.emissions.wtw_kg_co2e == pytest.approx(north.kg_co2e_per_teu, rel=1e-9)
    heavy = world.route("Xi'an", "Duisburg", draws=0, cargo_tonnes_per_teu=20).emissions
    assert heavy.wtw_kg_co2e == pytest.approx(2 * north.kg_co2e_per_teu, rel=1e-9)
    assert "equals the route's kg_co2e_per_teu at 10 t" in heavy.method


def test_rail_legs_are_split_by_country_with_each_countrys_traction(world, middle_corridor):
    r, e = middle_corridor, middle_corridor.emissions
    it = Intensities.from_pack(world.pack)
    rail = [x for x in e.legs if x.activity == "rail"]
    assert rail and all(sum(km for _, km in x.km_by_country) == pytest.approx(x.km) for x in rail)
    countries = {c for x in rail for c, km in x.km_by_country if km > 50}
    assert {"CN", "KZ", "AZ", "GE", "TR", "LT"} <= countries
    multi = max(rail, key=lambda x: len([km for _, km in x.km_by_country if km > 50]))
    assert len([c for c, km in multi.km_by_country if km > 50]) >= 3  # a leg across EU borders without checks
    for x in rail:  # each km at its own country's mix: the leg is the sum over its countries
        by_hand = sum(km * it.rail(c if c != "*" else None).wtw_g_co2e_per_t_km for c, km in x.km_by_country)
        assert x.wtw_kg_co2e == pytest.approx(by_hand * e.cargo_tonnes_per_teu / 1000, rel=1e-9)
        share = sum(km * it.rail(c if c != "*" else None).electric_share for c, km in x.km_by_country) / x.km
        assert x.electric_share == pytest.approx(share)
    # Chinese rail is far more electric than Kazakh: less WTW per t-km
    cn = next(x for x in rail if dict(x.km_by_country).get("CN", 0) > 1000)
    kz = next(x for x in rail if dict(x.km_by_country).get("KZ", 0) > 1000)
    assert cn.electric_share > kz.electric_share and cn.wtw_g_co2e_per_t_km < kz.wtw_g_co2e_per_t_km
    assert [leg.mode for leg in r.legs].count("ferry") == 1
    assert any(x.activity == "container_feeder" for x in e.legs)


def test_hubs_include_ports_and_gauge_transshipments(middle_corridor):
    hubs = {h.place: h for h in middle_corridor.emissions.hubs}
    assert hubs["Aktau"].moves == 2 and hubs["Aktau"].hub == "seaport"  # off the train, onto the feeder
    assert {h.hub for h in hubs.values()} >= {"seaport", "rail_terminal", "gauge_transshipment"}
    gauge = [h for h in hubs.values() if h.hub == "gauge_transshipment"]
    borders = [leg.border for leg in middle_corridor.legs if leg.border is not None]
    assert len(gauge) == sum(b.gauge_change == "transshipment" for b in borders) >= 1


def test_the_sources_are_the_pack_rows_used(middle_corridor):
    sources = dict(middle_corridor.emissions.sources)
    for key in ("rail_traction.csv:KZ", "grid_intensity.csv:KZ", "emission_factors.csv:rail_diesel",
                "emission_factors.csv:container_feeder", "hub_factors.csv:gauge_transshipment"):  # fmt: skip
        assert sources[key] and all(url.startswith("http") for url in sources[key]), key


def test_every_corridor_family_reports_its_route_figure_as_wtw(world):
    """Every family of compare is priced by the same tables: rail, road, the Caspian feeder and rail ferries, the
    deep-sea lanes."""
    routes = [
        o.route for pair in [("Tashkent", "Istanbul"), ("Almaty", "Istanbul")] for o in world.compare(*pair, draws=0)
    ]
    routes = [r for r in routes if r is not None]
    activities = {x.activity for r in routes for x in r.emissions.legs}
    assert {"rail", "road_truck", "container_feeder", "rail_ferry", "container_deep_sea"} <= activities
    for r in routes:
        assert r.emissions is not None
        assert r.emissions.wtw_kg_co2e == pytest.approx(r.kg_co2e_per_teu, rel=1e-9), r.legs
        covered = {x.index for x in r.emissions.legs} | {i for i, leg in enumerate(r.legs) if leg.mode == "border"}
        assert covered == set(range(len(r.legs)))  # every leg that moves or handles the box is reported
