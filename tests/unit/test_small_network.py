"""The hand-built small network is a network the real code would have built: its arrays pass the cache
validator, and its pack is a valid data pack."""

import numpy as np

from corridor.engine.arrays import valid_arrays
from corridor.network.graph import Graph
from corridor.routing.fixed import build_rail_hierarchies
from corridor.routing.landmarks import compute_landmarks
from corridor.units import EdgeFlag, Layer, Mode
from small_network import small_graph, small_pack


def test_arrays_pass_the_cache_validator():
    graph = small_graph()
    metrics = np.vstack([graph.edge_hours, graph.edge_usd, graph.edge_co2, graph.edge_km])
    landmarks, table = compute_landmarks(
        graph.first_out, graph.head, graph.edge_tail(), metrics, graph.node_usable, candidates=graph.place_node
    )
    arrays = {**graph.to_arrays(), "landmarks": landmarks, "landmark_dist": table}
    assert valid_arrays({**arrays, **build_rail_hierarchies(graph, metrics)})
    again = Graph.from_arrays(graph.to_arrays())
    np.testing.assert_array_equal(again.head, graph.head)
    assert again.service_names == graph.service_names and again.meta == graph.meta


def test_it_has_every_kind_of_edge_and_node():
    graph = small_graph()
    assert 25 <= graph.node_count <= 40
    assert set(np.unique(graph.node_layer).tolist()) == {int(layer) for layer in Layer}
    assert set(np.unique(graph.edge_mode).tolist()) == {int(mode) for mode in Mode}
    border = graph.edge_flags & EdgeFlag.BORDER > 0
    gauge = graph.edge_flags & EdgeFlag.GAUGE_CHANGE > 0
    assert border.sum() == 4 and gauge.sum() == 2  # rail and road crossings, both ways; gauge change by rail
    assert set(graph.edge_mode[gauge].tolist()) == {int(Mode.RAIL)}


def test_pack_gauges_and_lookups():
    pack = small_pack()
    assert (pack.gauge_mm("XW"), pack.gauge_mm("XE"), pack.gauge_mm("XN")) == (1435, 1520, 1435)
    assert pack.place("eastgrad").name == "Eastgrad"
    assert pack.rail_speed_km_per_day("XN") == 900
    assert pack.sea_wait_hours == 12.0
