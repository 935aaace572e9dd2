"""The rules that make a route one an expert would book, on the small network: status by date, the
intermodal profile's truck radius, vias passed without a move, services and their closures named."""

from datetime import date

import pytest

from corridor.datapack import EU_UNION, StatusRow, UnionMember
from corridor.engine import Engine
from corridor.errors import NoRouteError
from corridor.options import QueryOptions
from small_network import _ROW, small_graph, small_pack

PAIR = ("Westburg", "Eastgrad")


def engine(*status, unions=(), **parameters):
    """The small network's engine with status rows, changed parameters and the countries it puts in the EU."""
    pack = small_pack()
    if unions:
        members = tuple(UnionMember(**_ROW, union=EU_UNION, country=c, waives=("customs",)) for c in unions)
        pack = pack.model_copy(update={"unions": members})
    if parameters:
        changed = dict(pack.parameters)
        for name, value in parameters.items():
            changed[name] = changed[name].model_copy(update={"value": value})
        pack = pack.model_copy(update={"parameters": changed})
    pack = pack.model_copy(update={"status": tuple(status)})
    return Engine(small_graph(pack), pack, None)


def suspended(element, start, kind="service", end=None):
    return StatusRow(
        kind=kind, id=element, status="suspended", from_date=start, until_date=end, basis="estimate",
        source="test", as_of="2026-01",
    )  # fmt: skip


def test_a_suspended_service_is_not_used_on_a_day_it_is_suspended_and_the_answer_says_so():
    eng = engine(suspended("West–East Express", "2020-01-01"))
    by_train = QueryOptions.make(modes="service")
    with pytest.raises(NoRouteError, match="West–East Express suspended since 2020-01-01") as caught:
        eng.route(*PAIR, by_train)
    assert caught.value.constraints["closed"][0]["id"] == "West–East Express"
    before = eng.route(*PAIR, QueryOptions.make(modes="service", as_of="2019-06"))
    assert [leg.service for leg in before.legs if leg.service] == ["West–East Express"]
    assert before.as_of == "2019-06-01"


def test_a_closed_crossing_closes_its_border_edges_for_the_days_it_is_closed():
    eng = engine(suspended("westbruck_gaugeton", "2025-01-01", kind="crossing", end="2025-01-31"))
    rail = QueryOptions.make(modes="rail", as_of="2025-01-15")
    with pytest.raises(NoRouteError, match="crossing Westbrück–Gaugeton suspended 2025-01-01 – 2025-01-31"):
        eng.route(*PAIR, rail)
    after = eng.route(*PAIR, QueryOptions.make(modes="rail", as_of="2025-02-01"))
    assert any(b.name == "Westbrück–Gaugeton" for b in after.border_crossings)


def test_the_intermodal_profile_trucks_only_near_the_ends_and_the_truck_profile_anywhere():
    # the cheapest Westburg → Eastgrad is by road (about 140 km); with trucks kept within 20 km of the ends
    # the intermodal chain goes by rail, the truck profile still by road
    eng = engine(road_carriage_max_km=20.0)
    cheap = {"objective": "cost", "modes": ("rail", "road")}
    chain = eng.route(*PAIR, QueryOptions.make(**cheap))
    truck = eng.route(*PAIR, QueryOptions.make(**cheap, profile="truck"))
    assert {leg.mode for leg in chain.legs} >= {"rail"} and "road" not in {leg.mode for leg in chain.legs}
    assert "road" in {leg.mode for leg in truck.legs} and truck.usd_per_teu < chain.usd_per_teu
    assert (chain.profile, truck.profile) == ("intermodal", "truck")
    # road as the only mode is a truck trip whatever the profile
    assert "road" in {leg.mode for leg in eng.route(*PAIR, QueryOptions.make(modes="road")).legs}


def test_in_the_eu_a_rail_served_place_is_reached_by_its_own_terminal_not_by_a_truck_from_another():
    # the EU's combined-transport rule runs the road leg from the nearest suitable rail station; with both countries
    # of the small network in the EU, Westburg and Eastgrad (rail terminals) get no truck, so the cheap road is out
    cheap = {"objective": "cost", "modes": ("rail", "road")}
    outside = engine().route(*PAIR, QueryOptions.make(**cheap))
    eu = engine(unions=("XW", "XE")).route(*PAIR, QueryOptions.make(**cheap))
    assert "road" in {leg.mode for leg in outside.legs}
    assert "road" not in {leg.mode for leg in eu.legs} and eu.usd_per_teu > outside.usd_per_teu
    # a truck trip, or a chain without rail, still goes by road
    truck = engine(unions=("XW", "XE")).route(*PAIR, QueryOptions.make(**cheap, profile="truck"))
    assert "road" in {leg.mode for leg in truck.legs}


def test_a_crossing_with_a_dwell_per_direction_holds_each_way_its_own():
    # Westbrück–Gaugeton holds 8 h both ways; given 30 h from XW into XE (country_b into country_a), only the
    # eastbound border leg changes
    pack = small_pack()
    crossings = tuple(
        c.model_copy(update={"dwell_hours_b_to_a": 30.0}) if c.id == "westbruck_gaugeton" else c for c in pack.crossings
    )
    pack = pack.model_copy(update={"crossings": crossings})
    eng = Engine(small_graph(pack), pack, None)
    rail = QueryOptions.make(modes="rail")

    def dwell(origin, destination):
        return [b.dwell_hours for b in eng.route(origin, destination, rail).border_crossings]

    assert dwell("Westburg", "Eastgrad") == [30.0]
    assert dwell("Eastgrad", "Westburg") == [8.0]


def test_a_via_on_the_line_is_passed_without_a_container_move():
    eng = engine()
    direct = eng.route("Westport", "Eastgrad", QueryOptions.make(modes="rail"))
    through = eng.route("Westport", "Eastgrad", QueryOptions.make(modes="rail", via="Westburg"))
    # the line passes Westburg: the via costs no handling, the legs split there
    assert through.usd_per_teu == pytest.approx(direct.usd_per_teu)
    assert through.hours == pytest.approx(direct.hours)
    assert [leg.mode for leg in through.legs].count("transfer") == 2
    assert any(leg.to == "Westburg" for leg in through.legs) and through.via == ("Westburg",)


def test_a_service_can_be_a_via_and_is_ridden():
    eng = engine()
    rode = eng.route(*PAIR, QueryOptions.make(via="West–East Express", objective="cost"))
    assert "West–East Express" in {leg.service for leg in rode.legs}
    with pytest.raises(NoRouteError, match="West–East Express suspended since 2020-01-01"):
        engine(suspended("West–East Express", "2020-01-01")).route(*PAIR, QueryOptions.make(via="West–East Express"))


def test_every_answer_carries_its_day_default_the_packs():
    eng = engine()
    assert eng.route(*PAIR, QueryOptions.make()).as_of == small_pack().covers[1].isoformat()
    assert eng.path(*PAIR, QueryOptions.make(as_of=date(2020, 5, 17))).as_of == "2020-05-17"


def test_an_unknown_via_is_offered_the_services_it_may_mean():
    from corridor.errors import UnknownPlaceError

    with pytest.raises(UnknownPlaceError, match="did you mean 'West–East Express'") as caught:
        engine().route(*PAIR, QueryOptions.make(via="West-East Expres"))
    assert caught.value.option == "via"


def test_a_crossing_can_be_a_via_by_its_name_or_id_and_is_crossed():
    eng = engine()
    fastest = eng.route(*PAIR, QueryOptions.make(objective="time", modes="rail,road"))
    assert [b.name for b in fastest.border_crossings] == ["Westbrück–Gaugeton"]
    for text in ("Roadgate", "roadgate", "ROAD GATE"):
        by_road = eng.route(*PAIR, QueryOptions.make(objective="time", modes="rail,road", via=text))
        assert [b.name for b in by_road.border_crossings] == ["Roadgate"], text
        assert by_road.hours > fastest.hours
    cheapest = eng.route(*PAIR, QueryOptions.make(objective="cost", modes="rail,road"))
    assert [b.name for b in cheapest.border_crossings] == ["Roadgate"]
    for text in ("Westbrück–Gaugeton", "westbruck-gaugeton", "westbruck_gaugeton"):
        by_rail = eng.route(*PAIR, QueryOptions.make(objective="cost", modes="rail,road", via=text))
        assert [b.name for b in by_rail.border_crossings] == ["Westbrück–Gaugeton"], text
    # a place's name is the place: Gaugeton is the border-crossing place, passed on the rail line
    assert eng.route(*PAIR, QueryOptions.make(via="Gaugeton")).via == ("Gaugeton",)
    with pytest.raises(NoRouteError):  # a crossing closed on the day asked cannot be passed
        engine(suspended("roadgate", "2025-01-01", kind="crossing")).route(
            *PAIR, QueryOptions.make(via="Roadgate", as_of="2025-06-01")
        )


def test_an_unknown_via_is_offered_the_crossings_it_may_mean():
    from corridor.errors import UnknownPlaceError

    with pytest.raises(UnknownPlaceError, match="did you mean 'Westbrück–Gaugeton'"):
        engine().route(*PAIR, QueryOptions.make(via="Westbrück–Gaugetn"))


def test_a_border_crossing_place_on_the_way_is_left_by_train_not_by_truck():
    # with Gaugeton on the road layer too and trucks kept within 45 km of a stop, a truck could go all the way by
    # Roadgate if Gaugeton, as a via, let trucks carry from it; as a border-crossing place it does not
    pack = engine(road_carriage_max_km=45.0).pack
    places = tuple(p.model_copy(update={"layers": ("rail", "road")}) if p.id == "gaugeton" else p for p in pack.places)
    pack = pack.model_copy(update={"places": places})
    eng = Engine(small_graph(pack), pack, None)
    cheap = {"objective": "cost", "modes": ("rail", "road"), "via": "Gaugeton"}
    chain = eng.route(*PAIR, QueryOptions.make(**cheap))
    assert "road" not in {leg.mode for leg in chain.legs}
    assert [b.name for b in chain.border_crossings] == ["Westbrück–Gaugeton"]
    truck = eng.route(*PAIR, QueryOptions.make(**cheap, profile="truck"))  # a truck trip may
    assert "road" in {leg.mode for leg in truck.legs} and truck.usd_per_teu < chain.usd_per_teu
