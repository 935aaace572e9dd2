"""How figures read in scenario comparisons: units and precision, the minus sign, changes in per cent, the sentence of
a changed corridor answer or flow, and when a change counts as small."""

from __future__ import annotations

import math

import pytest

from corridor.scenario.changes import CorridorChange, FlowChange
from corridor.scenario.readable import MINUS, percent, percent_change, quantity


@pytest.mark.parametrize(
    ("value", "unit", "signed", "expected"),
    [
        (251831587.818855, "teu_hours_per_year", False, "251,831,588 TEU-hours/year"),
        (18.24, "days", False, "18.2 days"),
        (-1.26, "days", True, f"{MINUS}1.3 days"),
        (0.5, "days", True, "+0.5 days"),
        (-0.04, "days", True, "0.0 days"),  # rounds to zero: no sign
        (7051.8, "usd_per_teu", False, "7,052 USD/TEU"),
        (122.2, "usd_per_teu", True, "+122 USD/TEU"),
        (2.5196, "t_co2e_per_teu", False, "2.52 t CO2e/TEU"),
        (12300.4, "teu_per_year", False, "12,300 TEU/year"),
        (-10464877759.2, "teu_km_per_year", True, f"{MINUS}10,464,877,759 TEU-km/year"),
    ],
)
def test_quantities_carry_their_unit_and_precision(value, unit, signed, expected):
    assert quantity(value, unit, signed=signed) == expected
    assert quantity(value, unit, signed=signed, with_unit=False) == expected.split(" ")[0]


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, "12", True])
def test_a_missing_figure_is_a_word_or_a_dash_never_nan(value):
    assert quantity(value, "days") == "—"
    assert quantity(value, "days", missing="no route") == "no route"
    assert percent(value) == "—" and percent_change(value, 1.0) == "—" and percent_change(1.0, value) == "—"


def test_an_unknown_unit_is_refused_naming_it():
    with pytest.raises(ValueError, match="unit 'km'"):
        quantity(1.0, "km")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (12_300, 24_600, "+100 %"),
        (100.0, 98.3, f"{MINUS}1.7 %"),
        (5.0, 0.0, f"{MINUS}100 %"),
        (10_413, 47_460, "+356 %"),
        (100.0, 100.01, "0.0 %"),
        (0.0, 5.0, "new"),
        (0.0, 0.0, "0 %"),
    ],
)
def test_changes_in_per_cent_carry_a_sign(before, after, expected):
    assert percent_change(before, after) == expected


def test_utilisation_is_a_per_cent_without_a_sign():
    assert percent(0.273) == "27 %" and percent(1.091) == "109 %"


def answer(days=(18.2, 16.9), p90=(20.0, 20.0), usd=(5_000.0, 5_000.0), kg=(2_000.0, 2_000.0)) -> CorridorChange:
    """Khorgos → Duisburg on the middle corridor in A and B."""
    return CorridorChange(
        "Khorgos", "Duisburg", "middle", "Middle Corridor", days[0], days[1], None, None, p90[0], p90[1],
        usd[0], usd[1], kg[0], kg[1],
    )  # fmt: skip


def test_the_sentences_of_a_changed_corridor_answer():
    assert answer().text == f"Khorgos → Duisburg (Middle Corridor): 18.2 → 16.9 days ({MINUS}1.3 days)"
    both = answer(p90=(25.0, 22.6), usd=(4_873.0, 5_100.0), kg=(2_435.0, 2_300.0))
    assert both.text == (
        f"Khorgos → Duisburg (Middle Corridor): 18.2 → 16.9 days ({MINUS}1.3 days); "
        f"P90 25.0 → 22.6 days ({MINUS}2.4 days); 4,873 → 5,100 USD/TEU (+227 USD/TEU, +4.7 %); "
        f"2.44 → 2.30 t CO2e/TEU ({MINUS}0.14 t CO2e/TEU, {MINUS}5.5 %)"
    )
    cost_only = answer(days=(16.2, 16.2), usd=(4_873.0, 5_100.0))
    assert cost_only.text == (
        "Khorgos → Duisburg (Middle Corridor): 16.2 days, unchanged; 4,873 → 5,100 USD/TEU (+227 USD/TEU, +4.7 %)"
    )
    gone = answer(days=(16.2, None), p90=(17.8, None), usd=(4_873.0, None), kg=(2_435.0, None))
    assert gone.text == "Khorgos → Duisburg (Middle Corridor): 16.2 days → no route"
    new = answer(days=(None, 24.9), p90=(None, 29.5), usd=(None, 6_164.0), kg=(None, 2_296.0))
    assert new.text == "Khorgos → Duisburg (Middle Corridor): no route → 24.9 days"
    assert gone.is_route_change and new.is_route_change and not both.is_route_change


def test_the_size_of_a_change_orders_the_sentences_and_decides_what_is_small():
    route_goes = answer(days=(16.2, None), p90=(17.8, None), usd=(4_873.0, None), kg=(2_435.0, None))
    days = answer()  # 1.3 of 18.2 days: 7 %
    dearer = answer(days=(18.2, 18.2), usd=(5_000.0, 6_000.0))  # 20 %
    slight = answer(days=(18.2, 18.25), usd=(5_000.0, 5_040.0))  # 0.05 days, 0.8 %
    assert sorted([days, slight, route_goes, dearer], key=lambda c: -c.size()) == [route_goes, dearer, days, slight]
    assert route_goes.size() == math.inf and dearer.size() == pytest.approx(0.2)
    assert slight.is_small(min_days=0.1, min_share=0.01) and not days.is_small(min_days=0.1, min_share=0.01)
    assert not dearer.is_small(min_days=0.1, min_share=0.01)
    assert not route_goes.is_small(min_days=1e9, min_share=1e9)


def test_the_sentence_of_a_changed_flow():
    flow = FlowChange("service", "Aktau–Alat feeder", 12_300.0, 24_600.0)
    assert flow.text == "Service Aktau–Alat feeder: 12,300 → 24,600 TEU/year (+100 %)"
    assert FlowChange("crossing", "Kena–Gudogai", 220_122.6, 0.0).text == (
        f"Crossing Kena–Gudogai: 220,123 → 0 TEU/year ({MINUS}100 %)"
    )
    assert FlowChange("terminal", "Gdańsk", 0.0, 215_048.4).text == "Terminal Gdańsk: 0 → 215,048 TEU/year (new)"
    assert flow.to_dict() == {
        "kind": "service",
        "name": "Aktau–Alat feeder",
        "teu_per_year_a": 12_300.0,
        "teu_per_year_b": 24_600.0,
        "delta_teu_per_year": 12_300.0,
        "text": flow.text,
    }
