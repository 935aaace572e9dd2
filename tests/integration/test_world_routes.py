"""Routes through the real world network (rail + road + sea + the data pack)."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

import corridor
from corridor.units import Mode

pytestmark = pytest.mark.integration

SIX_PAIRS = [
    ("Xi'an", "Klaipeda"),
    ("Khorgos", "Kaunas"),
    ("Dostyk", "Aktau"),
    ("Almaty", "Vilnius"),
    ("Baku", "Tbilisi"),
    ("Minsk", "Klaipeda"),
]


@pytest.mark.parametrize(("origin", "destination"), SIX_PAIRS)
@pytest.mark.parametrize("modes", [None, ["rail"]])
def test_six_pairs_route(world, origin, destination, modes):
    r = world.route(origin, destination, modes=modes)
    assert r.km > 0 and r.hours > 0 and r.usd_per_teu > 0 and r.kg_co2e_per_teu > 0
    assert sum(leg.km for leg in r.legs) == pytest.approx(r.km, rel=1e-9)
    assert sum(leg.hours for leg in r.legs) == pytest.approx(r.hours, rel=1e-9)
    assert sum(leg.usd_per_teu for leg in r.legs) == pytest.approx(r.usd_per_teu, rel=1e-9)
    # a trip from a terminal starts and ends with a container move: a transfer or a service boarding
    assert r.legs[0].mode in {"transfer", "service", "ferry"} and r.legs[-1].mode in {"transfer", "service", "ferry"}
    if modes == ["rail"]:
        assert {leg.mode for leg in r.legs} <= {"rail", "transfer", "border"}


def test_dostyk_to_aktau_is_kazakh_rail_of_about_3000_to_3400_km(world):
    r = world.route("Dostyk", "Aktau", modes=["rail"])
    assert r.countries == ("KZ",)
    rail_km = sum(leg.km for leg in r.legs if leg.mode == "rail")
    assert 3000 <= rail_km <= 3400


def test_minsk_to_klaipeda_never_enters_russia(world):
    # co2 and distance ignore border dwell, and a line through Kaliningrad really is 3 km shorter
    for objective in ("time", "cost", "generalized"):
        r = world.route("Minsk", "Klaipeda", modes=["rail"], objective=objective)
        assert "RU" not in r.countries
        assert r.countries == ("BY", "LT")


def test_khorgos_to_kaunas_avoiding_ru_by_crosses_the_caspian(world):
    r = world.route("Khorgos", "Kaunas", avoid={"RU", "BY"})
    assert not {"RU", "BY"} & set(r.countries)
    ru, by = world.graph.country_index("RU"), world.graph.country_index("BY")
    # every node on the path, including service stops, lies outside RU and BY
    lat_lon = np.array(r.coordinates)
    assert len(lat_lon) > 10
    ferries = [leg for leg in r.legs if leg.mode == "ferry"]
    assert any({"KZ", "AZ"} <= set(leg.countries) or {"TM", "AZ"} <= set(leg.countries) for leg in ferries)
    assert ru >= 0 and by >= 0


def test_avoid_uses_no_node_of_avoided_country(world):
    p = world.path("Xi'an", "Klaipeda", avoid="RU,BY")
    g = world.graph
    assert len(p.nodes) > 100
    codes = {g.countries[c] for c in g.node_country[p.nodes] if c >= 0}
    assert {"CN", "LT"} <= codes
    assert not codes & {"RU", "BY"}


@pytest.mark.parametrize(("origin", "destination"), [*SIX_PAIRS, ((43.25, 76.95), (55.7, 21.13))])
@pytest.mark.parametrize(
    "options",
    [{}, {"modes": ["rail"], "objective": "distance"}, {"objective": "generalized", "avoid": "RU,BY"}],
)
def test_path_has_the_totals_and_line_of_route(world, origin, destination, options):
    try:
        r = world.route(origin, destination, **options)
    except corridor.InputError:  # Minsk with avoid BY: both must refuse it
        with pytest.raises(corridor.InputError):
            world.path(origin, destination, **options)
        return
    p = world.path(origin, destination, **options)
    assert (p.km, p.hours, p.usd_per_teu, p.kg_co2e_per_teu) == pytest.approx(
        (r.km, r.hours, r.usd_per_teu, r.kg_co2e_per_teu), rel=1e-12
    )
    assert p.coordinates.shape == (len(r.coordinates), 2)
    assert np.array_equal(p.coordinates, np.array(r.coordinates))
    g = world.graph
    assert np.array_equal(np.column_stack((g.node_lat[p.nodes], g.node_lon[p.nodes])), p.coordinates)
    assert p.geometry()["coordinates"][0] == [round(r.coordinates[0][1], 5), round(r.coordinates[0][0], 5)]
    assert (p.origin, p.destination, p.snap_km) == (r.origin, r.destination, r.snap_km)


def test_coordinate_pairs_equal_coordinate_text(world):
    a = world.route((43.25, 76.95), (54.9, 23.9), via=(40.4, 49.9))
    b = world.route("43.25,76.95", "54.9,23.9", via="40.4,49.9")
    assert a.to_dict() == b.to_dict()
    with pytest.raises(corridor.CoordinateError):
        world.route((95.0, 10.0), "Minsk")
    with pytest.raises(corridor.CoordinateError):
        world.route(("north", "east"), "Minsk")


def test_legs_follow_each_other(world):
    """Leg ends meet: each leg starts where the previous one ended (borders sit in between)."""
    for origin, destination, options in [
        ("Khorgos", "Kaunas", {"avoid": "RU,BY"}),
        ("Xi'an", "Klaipeda", {}),
        ("Almaty", "Karlshamn", {"objective": "cost"}),
    ]:
        r = world.route(origin, destination, **options)
        moving = [leg for leg in r.legs if leg.mode != "border"]
        for before, after in itertools.pairwise(moving):
            assert before.to == after.from_, (origin, destination, before, after)
        kinds = [leg.mode for leg in r.legs]
        # a border leg always follows a land leg of the mode that crosses it
        for k, leg in enumerate(r.legs):
            if leg.mode == "border":
                assert k > 0 and kinds[k - 1] == leg.border.mode
        # no two consecutive legs of one land mode unless a border or a place splits them
        for before, after in zip(r.legs, r.legs[1:], strict=False):
            if before.mode == after.mode and before.mode in {"rail", "road", "sea"}:
                pytest.fail(f"unsplit run: {before} then {after}")


def test_borders_and_gauge_changes_reported(world):
    r = world.route("Xi'an", "Klaipeda")
    kinds = [b.gauge_change for b in r.border_crossings]
    assert r.border_crossings, "a China → Lithuania route crosses borders"
    assert any(k is not None for k in kinds), "CN 1435 → KZ/RU 1520 needs a gauge change"
    border_legs = [leg for leg in r.legs if leg.mode == "border"]
    assert len(border_legs) == len(r.border_crossings)
    assert all(leg.hours > 0 for leg in border_legs)


def test_via_is_respected_in_order(world):
    r = world.route("43.25,76.95", "Karlshamn", via="Aktau")
    names = [leg.from_ for leg in r.legs] + [leg.to for leg in r.legs]
    assert "Aktau" in names
    assert r.countries[-1] == "SE"
    d = r.to_dict()
    assert {
        "origin",
        "destination",
        "km",
        "hours",
        "usd_per_teu",
        "kg_co2e_per_teu",
        "countries",
        "legs",
        "border_crossings",
        "geometry",
    } <= set(d)
    assert d["geometry"]["type"] == "LineString" and len(d["geometry"]["coordinates"]) >= 2


def test_objectives_trade_off(world):
    fast = world.route("Shanghai", "Rotterdam", objective="time")
    cheap = world.route("Shanghai", "Rotterdam", objective="cost")
    green = world.route("Shanghai", "Rotterdam", objective="co2")
    assert fast.hours <= cheap.hours + 1e-9 and fast.hours <= green.hours + 1e-9
    assert cheap.usd_per_teu <= fast.usd_per_teu + 1e-9
    assert green.kg_co2e_per_teu <= fast.kg_co2e_per_teu + 1e-9
    assert any(leg.mode == "sea" for leg in cheap.legs)


def test_route_equals_reference_dijkstra_on_the_real_graph(world):
    """Exactness: the landmark A* cost equals scipy's Dijkstra on the same weights."""
    g = world.graph
    router = world.router
    coef = np.array([1.0, 0.05, 0.0, 0.0])
    weight = coef @ router.metrics
    tail = router.tail
    graph = sp.csr_matrix((weight + 1e-12, (tail, g.head)), shape=(g.node_count,) * 2)
    rng = np.random.default_rng(5)
    terminals = g.place_node
    from corridor.routing.search import shortest_path

    for _ in range(3):
        s, t = rng.choice(terminals, 2, replace=False)
        expected = dijkstra(graph, indices=int(s))[int(t)]
        got = shortest_path(
            g.first_out,
            g.head,
            tail,
            router.metrics,
            g.edge_mode,
            coef,
            sources=[s],
            targets=[t],
            mode_ok=np.ones(len(Mode), bool),
            node_ok=router.all_nodes,
            edge_blocked=router.no_block,
            landmark_dist=router.landmark_dist,
            buffers=router._buffers(),
        )
        assert got.cost == pytest.approx(expected, rel=1e-6)


def test_errors(world):
    with pytest.raises(corridor.UnknownPlaceError) as info:
        world.route("Klaipeeda", "Minsk")
    assert "Klaipėda" in info.value.suggestions
    with pytest.raises(corridor.CoordinateError):
        world.route("30,-40", "Minsk")  # mid-Atlantic
    with pytest.raises(corridor.CoordinateError):
        world.route("91,0", "Minsk")
    with pytest.raises(corridor.OptionsError):
        world.route("Minsk", "Klaipeda", avoid="BY")
    with pytest.raises(corridor.OptionsError):
        world.route("Minsk", "Klaipeda", modes="rail,hovercraft")
    with pytest.raises(corridor.OptionsError):
        world.route("Minsk", "Klaipeda", objective="fastest")
    with pytest.raises(corridor.OptionsError):
        world.route("Minsk", "Klaipeda", objective="time", value_of_time_usd_per_teu_hour=3)
    with pytest.raises(corridor.NoRouteError) as no_route:
        world.route("Aktau", "Baku", modes=["rail"], avoid="RU,IR")
    assert "avoiding IR, RU" in str(no_route.value)


@pytest.mark.parametrize("objective", ["distance", "time"])
def test_rail_hierarchy_equals_landmark_search(world, objective):
    """The rail contraction hierarchy gives the same answer as the landmark A* it short-cuts."""
    router = world.router
    assert router.rail_hierarchies is not None
    for a, b in [*SIX_PAIRS, ("43.25,76.95", "55.7,21.13")]:
        fast = world.route(a, b, modes=["rail"], objective=objective)
        saved, router.rail_hierarchies = router.rail_hierarchies, None
        try:
            plain = world.route(a, b, modes=["rail"], objective=objective)
        finally:
            router.rail_hierarchies = saved
        # equal on the objective; ties may pick paths that differ in other metrics
        metric = "km" if objective == "distance" else "hours"
        assert getattr(fast, metric) == pytest.approx(getattr(plain, metric), rel=1e-9)


def test_every_edge_has_finite_non_negative_metrics(world):
    """An empty cell in the data pack must fall back to a default, never become NaN (a NaN edge is silently
    never relaxed, which once sent Brest → Małaszewicze on a 1,000 km detour)."""
    metrics = world.router.metrics
    assert np.isfinite(metrics).all()
    assert (metrics >= 0).all()


@pytest.mark.parametrize("objective", ["distance", "time"])
@pytest.mark.parametrize("place", ["Almaty", "Dostyk", (43.25, 76.95)])
def test_a_place_to_itself_is_zero_by_hierarchy_and_by_search(world, place, objective):
    """Same origin and destination: the rail contraction hierarchy (rail only, fixed objective, no
    avoid) must answer as the landmark search does (any avoid): a zero-length trip, not a round trip
    out through the terminal's transfer edges and back."""
    assert world.router.rail_hierarchies is not None
    options = {"modes": ["rail"], "objective": objective}
    by_hierarchy = world.route(place, place, **options)
    by_search = world.route(place, place, avoid={"IR"}, **options)
    for r in (by_hierarchy, by_search):
        assert (r.km, r.hours, r.usd_per_teu, r.kg_co2e_per_teu) == (0.0, 0.0, 0.0, 0.0)
        assert r.legs == () and r.border_crossings == ()
    p = world.path(place, place, **options)
    q = world.path(place, place, avoid={"IR"}, **options)
    assert (p.km, p.hours) == (q.km, q.hours) == (0.0, 0.0)
    assert len(p.nodes) == len(q.nodes) == 1
    # a stop repeated as a via is no detour either
    direct = world.route("Almaty", "Dostyk", **options)
    repeated = world.route("Almaty", "Dostyk", via=["Dostyk"], **options)
    assert repeated.km == pytest.approx(direct.km, rel=1e-9)


#: (lat_min, lon_min, lat_max, lon_max) of the Danish straits, drawn here independently of straits.csv
OERESUND = (55.30, 12.40, 56.15, 13.10)
GREAT_BELT = (54.95, 10.60, 56.00, 11.30)
LITTLE_BELT = (54.95, 9.55, 55.75, 10.30)
BOSPORUS = (40.95, 28.90, 41.30, 29.20)


def _passes(route, box) -> bool:
    lat_lon = np.array(route.coordinates)
    lat, lon = lat_lon[:, 0], lat_lon[:, 1]
    return bool(np.any((lat >= box[0]) & (lat <= box[2]) & (lon >= box[1]) & (lon <= box[3])))


def test_avoiding_either_shore_closes_the_oresund(world):
    """Mid-Øresund is Danish and Swedish water: avoid SE sails the Belts, avoid DK leaves the Baltic no sea exit
    (marnet has no Kiel Canal), and a land route avoiding DK never touches the Danish straits. Gdańsk and Gdynia
    are deep-sea ports, on the liner network."""
    sea = {"modes": ["sea"]}
    base = world.route("Gdansk", "Rotterdam", **sea)
    assert _passes(base, OERESUND)  # the shortest sea route takes the Sound
    # water between two shores is listed as neither: no DK–SE–DK zig-zag in the countries
    assert not {"DK", "SE"} & set(base.countries)
    assert len(base.countries) == len(set(base.countries))
    no_se = world.route("Gdansk", "Rotterdam", avoid={"SE"}, **sea)
    assert not _passes(no_se, OERESUND) and "SE" not in no_se.countries
    assert _passes(no_se, GREAT_BELT) or _passes(no_se, LITTLE_BELT)
    p = world.path("Gdansk", "Rotterdam", avoid={"SE"}, **sea)
    assert p.km == pytest.approx(no_se.km, rel=1e-12)
    for avoid in ({"DK"}, {"DK", "DE"}):
        with pytest.raises(corridor.NoRouteError):
            world.route("Gdansk", "Rotterdam", avoid=avoid, **sea)
        by_land = world.route("Gdansk", "Rotterdam", avoid=avoid)
        assert not any(_passes(by_land, box) for box in (OERESUND, GREAT_BELT, LITTLE_BELT))
        assert not avoid & set(by_land.countries)
    # inside the Baltic, avoiding Denmark changes nothing
    inside = world.route("Gdansk", "Gdynia", **sea)
    assert world.route("Gdansk", "Gdynia", avoid={"DK"}, **sea).km == pytest.approx(inside.km, rel=1e-12)


def test_avoiding_turkiye_closes_the_bosporus_and_other_straits_stay_open(world):
    sea = {"modes": ["sea"]}
    through = world.route("Constanta", "Rotterdam", **sea)
    assert _passes(through, BOSPORUS) and "TR" in through.countries
    with pytest.raises(corridor.NoRouteError):
        world.route("Constanta", "Rotterdam", avoid={"TR"}, **sea)
    # countries whose straits are not on the way close nothing: Shanghai → Rotterdam is unchanged
    base = world.route("Shanghai", "Rotterdam", **sea)
    off_route = world.route("Shanghai", "Rotterdam", avoid={"TR", "DK", "SE", "IT", "GR"}, **sea)
    assert off_route.km == pytest.approx(base.km, rel=1e-12)
    # every strait and canal of the data pack tags sea nodes with each of its countries
    rows = world.report()["straits"]
    assert {r["id"] for r in rows} >= {"oresund", "great_belt", "little_belt", "bosporus", "dardanelles", "suez_canal"}
    assert all(r["sea_nodes"] > 0 and min(r["tagged"].values()) > 0 for r in rows), rows


@pytest.mark.parametrize(
    ("destination", "through"),
    [("Stockholm", ("DE", "DK", "SE")), ("Gothenburg", ("DE", "DK", "SE")), ("London", ("FR", "GB"))],
)
def test_scandinavia_and_britain_are_reached_by_rail_over_the_fixed_links(world, destination, through):
    # the Danish belts, the Øresund link and the Channel Tunnel are links.csv rows: without them Sweden, Norway and
    # Great Britain were rail islands and a rail-only route there did not exist
    r = world.route("Duisburg", destination, modes=["rail"])
    assert {leg.mode for leg in r.legs} <= {"rail", "transfer", "border"}
    countries = r.countries
    assert all(c in countries for c in through)
    assert [c for c in countries if c in through] == list(through)  # in this order, each once
    assert r.km < 2000


def test_terespol_road_bridge_carries_no_freight(world):
    # cars and coaches only: a box trucked from Brest into Poland crosses at Kukuryki–Kozlovichi
    r = world.route("Brest", "Warsaw", modes=["road"], profile="truck")
    names = [leg.from_ for leg in r.legs if leg.mode == "border"]
    assert names and not any("Terespol" in n for n in names)


def test_a_truck_reaches_copenhagen_and_malmo_over_the_danish_bridges(world):
    # the Great Belt and Øresund motorways are links.csv rows: without them Zealand had no road to the continent and
    # a truck from Hamburg drove 5,513 km through Russia and Norway
    for destination, countries in (("Copenhagen", ("DE", "DK")), ("Malmö", ("DE", "DK", "SE"))):
        r = world.route("Hamburg", destination, modes=["road"], profile="truck")
        assert r.countries == countries
        assert r.km < 600


def test_helsinki_avoiding_russia_crosses_the_gulf_of_finland(world):
    # avoiding Russia, Finland is reached by the ro-pax Muuga–Vuosaari (services.csv): without it there was no route
    r = world.route("Almaty", "Helsinki", avoid={"RU", "BY"})
    assert not {"RU", "BY"} & set(r.countries) and r.countries[-2:] == ("EE", "FI")
    assert any(leg.service and "Muuga–Vuosaari" in leg.service for leg in r.legs)
    assert r.destination == "Helsinki (FI)"


@pytest.mark.parametrize("destination", ["Małaszewicze", "Łódź"])
def test_a_train_to_a_polish_terminal_is_not_unloaded_at_brest_and_trucked_over_the_border(world, destination):
    # the EU's combined-transport rule runs the road leg from the nearest suitable rail station: for a rail-served
    # place in the EU that is its own terminal, so the box crosses Brest–Małaszewicze by rail (under a 300 km
    # radius it was trucked from the Brest terminal over Kukuryki–Kozlovichi, 24 h against 58 h by rail)
    r = world.route("Xi'an", destination, via="Brest", objective="cost")
    assert "road" not in {leg.mode for leg in r.legs}
    borders = [leg.from_ for leg in r.legs if leg.mode == "border"]
    assert "Brest–Małaszewicze" in borders and not any("(road)" in b for b in borders)
    # asked as a truck trip, the last part may still go by road
    truck = world.route("Brest", destination, profile="truck", modes=["road"])
    assert {leg.mode for leg in truck.legs} >= {"road"}


def test_trucks_reach_150_km_from_an_eu_end_300_km_elsewhere_and_not_from_a_rail_served_eu_place(world):
    from corridor.network.geo import haversine_km

    router, g = world.engine.router, world.graph
    cap_km, wide_km = world.pack.param("road_carriage_max_km_eu"), world.pack.param("road_carriage_max_km")
    assert cap_km < wide_km

    def farthest_km(text, rail=True):
        stop = router.resolve(text, modes=frozenset({"rail", "road"}), max_snap_km=50.0)
        near = np.flatnonzero(router.road_reach((stop,), wide_km, rail=rail))
        return haversine_km(stop.lat, stop.lon, g.node_lat[near], g.node_lon[near]).max() if len(near) else 0.0

    assert wide_km - 10 < farthest_km("Brest") <= wide_km + 1  # Belarus: the 300 km radius
    assert cap_km - 10 < farthest_km("Poznań") <= cap_km + 1  # a Polish town: the EU's 150 km
    assert farthest_km("Łódź") == 0.0  # a rail-served EU place: its own terminal, no truck from another
    assert cap_km - 10 < farthest_km("Łódź", rail=False) <= cap_km + 1  # unless rail is not allowed


def test_a_truck_from_baku_to_tbilisi_crosses_at_red_bridge_not_through_russia(world):
    # CAREC: the queue at Red Bridge forms leaving Georgia (54.9 h in 2023) while entering it takes 1.8 h; with the
    # Georgian outbound figure both ways the truck went round by Samur and Upper Lars (986 km)
    r = world.route("Baku", "Tbilisi", profile="truck", modes=["road"])
    assert r.countries == ("AZ", "GE") and r.km < 700
    (border,) = r.border_crossings
    assert border.name.startswith("Red Bridge") and border.dwell_hours == pytest.approx(15.4)


def test_a_train_through_brest_crosses_at_malaszewicze_and_no_truck_carries_on_from_brest(world):
    # asked by the crossing's name (any spelling), the route crosses the border there by rail
    for text in ("Brest–Małaszewicze", "Brest-Malaszewicze", "brest_malaszewicze"):
        r = world.route("Chongqing", "Duisburg", via=text, draws=0)
        assert "Brest–Małaszewicze" in [b.name for b in r.border_crossings], text
        assert "road" not in {leg.mode for leg in r.legs}
    # asked by the place (a border-crossing place), no truck takes the container on across the road border
    r = world.route("Chongqing", "Duisburg", via="Brest", draws=0)
    assert not [leg for leg in r.legs if leg.mode == "road" and leg.km > 30], [(x.from_, x.to) for x in r.legs]
