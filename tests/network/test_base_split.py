"""The build split by lifetime: a pack-independent base joined with a data pack.

``build_graph(pack, base=...)`` on the small network's base (``small_base.py``): it leaves the base
untouched, lists the countries of land, places and straits, and applies every tunable that moved
from code into the pack (customs union, crossing radius, access distances, closed seas, no-liner
passages) in the pack's part.
"""

import numpy as np
import pytest
from small_base import SEA_ONLY_COUNTRY, small_base

from corridor.datapack import ClosedSea, NoLinerPassage, UnionMember
from corridor.errors import DataError
from corridor.network.build import build_graph
from corridor.units import EdgeFlag, Layer, Mode
from small_network import small_pack

ROW = {"basis": "estimate", "source": "test", "as_of": "2026-11"}


def with_params(pack, **values):
    """The pack with some parameters set to new values."""
    parameters = dict(pack.parameters)
    for name, value in values.items():
        parameters[name] = parameters[name].model_copy(update={"value": value})
    return pack.model_copy(update={"parameters": parameters})


def border_rows(graph, mode):
    """The border table's rows of ``mode``'s border edges."""
    edges = np.flatnonzero(((graph.edge_flags & EdgeFlag.BORDER) != 0) & (graph.edge_mode == mode))
    return graph.edge_ref[edges]


def test_the_build_leaves_the_base_untouched():
    base = small_base()
    before = base.to_arrays()
    build_graph(small_pack(), base=base)
    after = base.to_arrays()
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


def test_one_base_serves_packs_with_other_figures():
    """Changing a pack figure changes costs, never the layout: the base is shared as it is."""
    base = small_base()
    a = build_graph(small_pack(), base=base)
    b = build_graph(with_params(small_pack(), sea_usd_per_teu_km=0.2), base=base)
    np.testing.assert_array_equal(a.first_out, b.first_out)
    np.testing.assert_array_equal(a.head, b.head)
    sea, land = a.edge_mode == Mode.SEA, np.isin(a.edge_mode, [Mode.RAIL, Mode.ROAD])
    np.testing.assert_allclose(b.edge_usd[sea], 2 * a.edge_usd[sea])
    np.testing.assert_array_equal(a.edge_usd[land], b.edge_usd[land])


def test_countries_come_from_land_places_and_straits_not_the_sea():
    graph = build_graph(small_pack(), base=small_base())
    assert graph.countries == ("XE", "XN", "XW")
    assert SEA_ONLY_COUNTRY not in graph.countries
    sea = np.flatnonzero(graph.node_layer == Layer.SEA)
    # s_westport: no polygon; s_mid: a polygon the graph does not list; s_eastport: the one-country strait's XE
    assert graph.node_country[sea].tolist() == [-1, -1, graph.country_index("XE")]
    assert graph.meta["strait_nodes"] == {"XE": [int(sea[2])]}
    assert graph.meta["report"]["straits"][0]["id"] == "east_sound"


def union(waives):
    return tuple(UnionMember(**ROW, union="test_union", country=c, waives=waives) for c in ("XE", "XW"))


def test_without_a_listed_crossing_a_border_is_closed_unless_a_union_waives_border_checks():
    """No crossing listed: no border edge at all; a union waiving border checks opens every border edge, with
    no dwell or fee where it waives customs too, else the default dwell and no fee."""
    pack = small_pack().model_copy(update={"crossings": ()})
    closed = build_graph(pack, base=small_base())
    assert not np.any(closed.edge_flags & EdgeFlag.BORDER)
    checks = build_graph(pack.model_copy(update={"unions": union(("border_checks",))}), base=small_base())
    free = build_graph(pack.model_copy(update={"unions": union(("customs", "border_checks"))}), base=small_base())
    customs_only = build_graph(pack.model_copy(update={"unions": union(("customs",))}), base=small_base())
    assert not np.any(customs_only.edge_flags & EdgeFlag.BORDER)
    rows = border_rows(free, Mode.ROAD)
    assert len(rows) and len(border_rows(checks, Mode.ROAD)) == len(rows)
    assert np.all(checks.borders.dwell_hours[rows] == pack.param("border_dwell_hours_default"))
    assert np.all(checks.borders.fee_usd_per_teu[rows] == 0.0)
    assert np.all(free.borders.dwell_hours[rows] == pack.param("schengen_border_dwell_hours"))
    assert np.all(free.borders.fee_usd_per_teu[rows] == 0.0)


def test_a_named_crossing_applies_within_the_crossing_radius():
    """Roadgate moved 10 km north of the road border: a 40 km radius still finds it; with a 5 km one the road
    border has no crossing and is closed."""
    pack = small_pack()
    moved = tuple(c.model_copy(update={"lat": c.lat + 0.09}) if c.id == "roadgate" else c for c in pack.crossings)
    pack = pack.model_copy(update={"crossings": moved})
    roadgate = next(i for i, c in enumerate(pack.crossings) if c.id == "roadgate")
    near = build_graph(with_params(pack, crossing_radius_km=40.0), base=small_base())
    far = build_graph(with_params(pack, crossing_radius_km=5.0), base=small_base())
    assert len(border_rows(near, Mode.ROAD)) and np.all(near.borders.crossing[border_rows(near, Mode.ROAD)] == roadgate)
    assert len(border_rows(far, Mode.ROAD)) == 0
    assert len(border_rows(far, Mode.RAIL)) == len(border_rows(near, Mode.RAIL)) > 0


def test_access_distance_limits_the_links_of_places():
    """A place farther from its layer than the layer's access distance is not linked to it, with a warning."""
    pack = small_pack()
    linked = build_graph(pack, base=small_base())
    cut = build_graph(with_params(pack, rail_access_max_km=0.5), base=small_base())

    def rail_links(graph):
        transfer = np.flatnonzero(graph.edge_mode == Mode.TRANSFER)
        return int(np.sum(graph.node_layer[graph.head[transfer]] == Layer.RAIL))

    assert rail_links(linked) > 0 and rail_links(cut) == 0
    warnings = cut.meta["report"]["warnings"]
    assert any("no usable rail node within 0 km" in w for w in warnings), warnings  # 0.5 shown as 0


def test_no_liner_passage_cuts_generic_shipping_through_it():
    pack = small_pack()
    open_sea = build_graph(pack, base=small_base())
    passage = (NoLinerPassage(**ROW, id="east_sound", name="East Sound"),)
    shut = build_graph(pack.model_copy(update={"no_liner_passages": passage}), base=small_base())
    sea = np.flatnonzero(open_sea.node_layer == Layer.SEA)
    assert open_sea.node_usable_in_layer[sea].all()
    assert shut.node_usable_in_layer[sea].tolist() == [True, True, False]
    assert np.sum(shut.edge_mode == Mode.SEA) == np.sum(open_sea.edge_mode == Mode.SEA) - 2
    assert any("Eastport: no usable sea node" in w for w in shut.meta["report"]["warnings"])
    assert "East Sound" in shut.meta["report"]["layers"]["marnet"]["note"]


def test_a_port_in_a_closed_sea_is_served_by_ferries_only():
    pack = small_pack()
    box = ClosedSea(**ROW, id="east_bay", name="East Bay", lat_min=54.0, lon_min=23.5, lat_max=55.0, lon_max=24.0)
    graph = build_graph(pack.model_copy(update={"closed_seas": (box,)}), base=small_base())
    sea = np.flatnonzero(graph.node_layer == Layer.SEA)
    assert graph.node_usable_in_layer[sea].tolist() == [True, True, False]
    eastport = next(p for p in graph.meta["report"]["places"] if p["id"] == "eastport")
    assert eastport["links"]["sea"] == "closed sea: ferries only"
    assert "East Bay" in graph.meta["report"]["layers"]["marnet"]["note"]


def test_an_unknown_no_liner_passage_is_a_data_error():
    passage = (NoLinerPassage(**ROW, id="nowhere", name="Nowhere"),)
    with pytest.raises(DataError, match=r"no_liner_passages\.csv: unknown passage"):
        build_graph(small_pack().model_copy(update={"no_liner_passages": passage}), base=small_base())


def test_the_base_survives_its_cache_arrays():
    """``to_arrays`` and ``from_arrays`` are inverse: the build from a base read back is the same graph."""
    from corridor.network.base import BaseNetwork

    base = small_base()
    again = BaseNetwork.from_arrays(base.to_arrays())
    a, b = build_graph(small_pack(), base=base), build_graph(small_pack(), base=again)
    for name, value in a.to_arrays().items():
        np.testing.assert_array_equal(value, b.to_arrays()[name], err_msg=name)


def test_a_short_excursion_across_a_border_is_folded_back_a_long_one_is_not():
    """A line A–A–B–B–A–A whose B stretch is 10 km is all A (coarse borders); with a 5 km limit, or a B stretch
    that reaches a third country, it stays B."""
    from corridor.network.build import _fold_excursions

    u = np.array([0, 1, 2, 3, 4])
    v = np.array([1, 2, 3, 4, 5])
    km = np.array([50.0, 5.0, 10.0, 5.0, 50.0])
    codes = np.array([0, 0, 1, 1, 0, 0], np.int16)
    folded, count = _fold_excursions(codes, u, v, km, 30.0)
    assert folded.tolist() == [0, 0, 0, 0, 0, 0] and count == 1
    kept, none = _fold_excursions(codes, u, v, km, 5.0)
    assert kept.tolist() == codes.tolist() and none == 0
    three = np.array([0, 0, 1, 1, 2, 2], np.int16)  # B runs from A into C: a real transit, not an excursion
    assert _fold_excursions(three, u, v, km, 30.0)[0].tolist() == three.tolist()
