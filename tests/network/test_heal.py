"""Gap healing on small hand-made layers."""

import numpy as np

from corridor.network.heal import heal_layer

# nodes along the equator; 0.01° of longitude is about 1.11 km
LON = np.array([0.0, 0.1, 0.2, 0.215, 0.3, 0.4, 5.0, 5.1])
LAT = np.zeros_like(LON)


def test_bridges_small_gap_between_components_but_not_large_one():
    # component A: 0-1-2 ; component B: 3-4-5 (gap 2→3 is 1.67 km) ; component C: 6-7 far away
    u = np.array([0, 1, 3, 4, 6])
    v = np.array([1, 2, 4, 5, 7])
    km = np.full(5, 11.1)
    result = heal_layer(LAT, LON, u, v, km, max_gap_km=2.0)
    pairs = {tuple(sorted(p)) for p in zip(result.u.tolist(), result.v.tolist(), strict=True)}
    assert (2, 3) in pairs
    assert result.kind.tolist().count("bridge") == 1
    assert result.components_before == 3 and result.components_after == 2
    assert 1.5 < result.km[0] < 1.8


def test_dead_end_linked_when_network_detour_is_long():
    # one component: 0-1-2 and 3-4-5 joined only by a long loop 5-6-7-0; gap 2→3 is 1.67 km
    u = np.array([0, 1, 3, 4, 5, 6, 7])
    v = np.array([1, 2, 4, 5, 6, 7, 0])
    km = np.array([11.1, 11.1, 11.1, 11.1, 500.0, 11.1, 560.0])
    result = heal_layer(LAT, LON, u, v, km, max_gap_km=2.0)
    assert result.kind.tolist() == ["dead_end"]
    assert {int(result.u[0]), int(result.v[0])} == {2, 3}


def test_no_link_when_gap_above_threshold():
    u = np.array([0, 1, 3, 4])
    v = np.array([1, 2, 4, 5])
    result = heal_layer(LAT, LON, u, v, np.full(4, 11.1), max_gap_km=1.0)
    assert len(result.u) == 0


def test_second_gap_between_components_already_bridged_elsewhere():
    # A: 0-1-2 (2 is a dead end) and B: 3-4-5; B also has 8 at 0.0105° from 0 (1.17 km), closer than the 2→3 gap
    # (1.67 km), so A and B get joined at 0–8 first. The dead end 2 still needs its own link to 3: the Zhetygen end
    # of the Altynkol line had exactly this shape once Alashankou–Dostyk joined China to Kazakhstan.
    lon = np.array([0.0, 0.1, 0.2, 0.215, 0.3, 0.4, 5.0, 5.1, -0.0105])
    lat = np.zeros_like(lon)
    u = np.array([0, 1, 3, 4, 6, 8])
    v = np.array([1, 2, 4, 5, 7, 3])
    km = np.array([11.1, 11.1, 11.1, 11.1, 11.1, 800.0])
    result = heal_layer(lat, lon, u, v, km, max_gap_km=2.0)
    pairs = {tuple(sorted(p)) for p in zip(result.u.tolist(), result.v.tolist(), strict=True)}
    assert (0, 8) in pairs and (2, 3) in pairs
    assert result.kind.tolist() == ["bridge", "bridge"]
