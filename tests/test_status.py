"""Status of elements by date: closures, suspensions, service lives, and the as_of option."""

from datetime import date

import pytest

from corridor.datapack import StatusRow, load_pack
from corridor.errors import OptionsError
from corridor.status import closures_on, parse_as_of


def row(kind="service", element="Viking train", status="suspended", start=None, end=None):
    return StatusRow(
        kind=kind, id=element, status=status, from_date=start, until_date=end, basis="estimate", source="test",
        as_of="2026-11",
    )  # fmt: skip


def test_a_suspension_holds_from_its_start_onwards():
    rows = [row(start="2022-02-24")]
    assert closures_on(rows, date(2022, 2, 23)) == {}
    closed = closures_on(rows, date(2022, 2, 24))
    assert closed["service", "Viking train"].text() == "Viking train suspended since 2022-02-24"


def test_a_closure_with_an_end_reopens_the_day_after():
    rows = [row(kind="crossing", element="kuznica_road", status="closed", start="2025-09-12", end="2025-09-25")]
    assert ("crossing", "kuznica_road") in closures_on(rows, date(2025, 9, 25))
    assert closures_on(rows, date(2025, 9, 26)) == {}
    assert "2025-09-12 – 2025-09-25" in closures_on(rows, date(2025, 9, 20))["crossing", "kuznica_road"].text()


def test_an_element_with_a_service_life_is_closed_before_it_opens_and_after_it_ends():
    rows = [row(kind="link", element="new_line", status="open", start="2019-11-07", end="2030-01-01")]
    before = closures_on(rows, date(2019, 1, 1))["link", "new_line"]
    assert before.status == "not_open" and "not open until 2019-11-07" in before.text()
    assert closures_on(rows, date(2020, 1, 1)) == {}
    assert closures_on(rows, date(2031, 1, 1))["link", "new_line"].status == "not_open"


def test_a_suspension_inside_the_service_life_wins():
    rows = [
        row(status="open", start="2003-02-06"),
        row(status="suspended", start="2022-02-24"),
    ]
    assert closures_on(rows, date(2021, 6, 1)) == {}
    assert closures_on(rows, date(2023, 6, 1))["service", "Viking train"].status == "suspended"


def test_until_before_from_is_refused():
    with pytest.raises(ValueError, match="before"):
        row(start="2024-01-02", end="2024-01-01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", date(2025, 1, 1)),
        ("2025-06", date(2025, 6, 1)),
        ("2021-06-15", date(2021, 6, 15)),
        (None, date(2026, 11, 30)),
    ],
)
def test_as_of_accepts_a_year_a_month_or_a_day(text, expected):
    assert parse_as_of(text, (date(2015, 1, 1), date(2026, 11, 30))) == expected


@pytest.mark.parametrize("text", ["2014-12-31", "2027-01", "1999"])
def test_as_of_outside_the_pack_names_the_range(text):
    with pytest.raises(OptionsError, match="2015-01-01 to 2026-11-30") as info:
        parse_as_of(text, (date(2015, 1, 1), date(2026, 11, 30)))
    assert info.value.option == "as_of"


@pytest.mark.parametrize("text", ["yesterday", "2025-13", "2025-02-30", 20250601, ""])
def test_as_of_that_is_not_a_date_is_one_clear_error(text):
    with pytest.raises(OptionsError) as info:
        parse_as_of(text, (date(2015, 1, 1), date(2026, 11, 30)))
    assert info.value.option == "as_of"


def test_the_shipped_status_table_suspends_the_viking_train_today_but_not_in_2021():
    pack = load_pack()
    today = closures_on(pack.status, pack.covers[1])
    assert today["service", "Viking train"].status == "suspended"
    assert ("service", "Viking train") not in closures_on(pack.status, date(2021, 6, 1))
