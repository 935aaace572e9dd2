"""The GTFS timetables of the data pack and their reader: the shipped feed against services.csv, the
next-departure and mean-wait arithmetic, dates, and one malformed feed per kind of fault."""

import csv
import re
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridor.datapack import load_pack
from corridor.errors import DataError, OptionsError
from corridor.timetables import (
    ServiceTimetable,
    Timetables,
    hours_since_monday,
    load_timetables,
    shipped_timetables,
)

FEED = Path(str(resources.files("corridor").joinpath("data", "pack", "timetables")))
PACK = load_pack()
TIMETABLED = [s for s in PACK.services if s.timetable != "irregular"]


def _hours(text: str) -> float:
    h, m, s = (int(x) for x in text.split(":"))
    return h + m / 60 + s / 3600


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(FEED / name, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------------------------------------
# the shipped feed


def test_shipped_feed_loads_and_covers_2026_2027():
    tt = shipped_timetables()
    assert tt.start_date <= date(2026, 1, 1)
    assert tt.end_date >= date(2027, 12, 31)
    assert tt is shipped_timetables()  # cached
    assert set(FEED.iterdir()) >= {FEED / n for n in ("agency.txt", "feed_info.txt", "frequencies.txt", "sources.csv")}


def test_every_fixed_service_has_a_timetable_and_no_irregular_one_has():
    names = shipped_timetables().names()
    pack_names = {s.service for s in PACK.services}
    assert names <= pack_names
    assert names == {s.service for s in TIMETABLED}
    assert not names & {s.service for s in PACK.services if s.timetable == "irregular"}  # the Caspian


@pytest.mark.parametrize("row", TIMETABLED, ids=lambda s: s.id)
def test_departures_per_week_agree_with_services_csv(row):
    tt = shipped_timetables().get(row.service, row.from_place, row.to_place)
    assert tt is not None, f"{row.id} has no timetable"
    per_week = 168.0 / tt.headway_hours if tt.headway_hours is not None else len(tt.departures_hours)
    assert per_week == pytest.approx(row.departures_per_week, rel=1e-9)


def _running_hours(row) -> list[float]:
    """Scheduled hours from row.from_place to row.to_place on each trip of the row's route that runs them."""
    routes, trips, stop_times = _table("routes.txt"), _table("trips.txt"), _table("stop_times.txt")
    route_ids = set(routes.route_id[routes.route_long_name == row.service])
    found = []
    for trip_id in trips.trip_id[trips.route_id.isin(route_ids)]:
        visits = stop_times[stop_times.trip_id == trip_id].sort_values("stop_sequence", key=lambda c: c.astype(int))
        stops = list(visits.stop_id)
        for i in range(len(stops) - 1):
            if (stops[i], stops[i + 1]) == (row.from_place, row.to_place):
                found.append(_hours(visits.arrival_time.iloc[i + 1]) - _hours(visits.departure_time.iloc[i]))
    return found


@pytest.mark.parametrize("row", TIMETABLED, ids=lambda s: s.id)
def test_running_time_agrees_with_services_csv_within_an_hour(row):
    running = _running_hours(row)
    assert running, f"no trip runs {row.id}"
    assert row.hours is not None
    for hours in running:
        assert abs(hours - row.hours) <= 1.0, (row.id, hours, row.hours)


def test_stops_are_pack_places_with_their_names_and_coordinates():
    for stop in _table("stops.txt").itertuples():
        place = PACK.place(stop.stop_id)
        assert (stop.stop_name, float(stop.stop_lat), float(stop.stop_lon)) == (place.name, place.lat, place.lon)


def test_route_types_say_ferry_or_rail():
    mode = {s.service: s.mode for s in PACK.services}
    for route in _table("routes.txt").itertuples():
        assert route.route_type == ("2" if mode[route.route_long_name] == "service" else "4")


def test_sources_has_one_row_per_route_with_basis_source_and_date():
    sources, routes = _table("sources.csv"), _table("routes.txt")
    assert list(sources.columns) == ["route_id", "basis", "source", "as_of", "note"]
    assert sorted(sources.route_id) == sorted(routes.route_id)
    for row in sources.itertuples():
        assert row.basis in ("sourced", "derived", "estimate"), row.route_id
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", row.as_of), row.route_id
        assert "http" in row.source, row.route_id
        if re.search(r"estimate:", row.source):
            assert row.basis == "estimate", row.route_id  # an invented figure makes the route an estimate


def test_published_departure_days_and_hours():
    """Kiel–Klaipėda leaves daily at 20:00 local (19:00 UTC at Kiel, 18:00 UTC at Klaipėda); Ukrferry leaves
    Chornomorsk on Tuesdays and Batumi on Saturdays; the E60 ro-pax leaves Constanța on Tuesdays."""
    tt = shipped_timetables()
    kiel = tt.get("DFDS Klaipėda–Kiel", "kiel").departures_hours
    klaipeda = tt.get("DFDS Klaipėda–Kiel", "klaipeda").departures_hours
    assert set(19.0 + 24.0 * np.arange(7)) <= set(kiel)
    assert set(18.0 + 24.0 * np.arange(7)) <= set(klaipeda)
    ukrferry_out = tt.get("Ukrferry Chornomorsk–Batumi", "chornomorsk").departures_hours
    ukrferry_back = tt.get("Ukrferry Chornomorsk–Batumi", "batumi").departures_hours
    assert len(ukrferry_out) == 1 and 24 <= ukrferry_out[0] < 48  # Tuesday
    assert len(ukrferry_back) == 1 and 120 <= ukrferry_back[0] < 144  # Saturday
    e60 = tt.get("Black Sea ro-pax Poti–Constanța (E60)", "constanta").departures_hours
    assert len(e60) == 1 and 24 <= e60[0] < 48
    assert tt.get("Black Sea ro-pax Poti–Constanța (E60)", "poti").headway_hours == pytest.approx(168.0)


def test_a_service_through_a_middle_place_is_told_apart_by_to_place():
    tt = shipped_timetables()
    north = tt.get("Viking train", "vilnius", "klaipeda")
    south = tt.get("Viking train", "vilnius", "minsk")
    assert (north.to_place, south.to_place) == ("klaipeda", "minsk")
    assert tt.get("Viking train", "vilnius") is not None  # both ways daily: one answer fits
    assert tt.get("Viking train", "vilnius", "kiel") is None
    assert tt.get("Caspian rail ferry Kuryk–Alat", "kuryk") is None


def test_get_refuses_to_guess_between_different_directions():
    a = ServiceTimetable("X", "p", np.array([10.0]), None, to_place="q")
    b = ServiceTimetable("X", "p", np.array([20.0]), None, to_place="r")
    tt = Timetables(date(2026, 1, 1), date(2026, 12, 31), (a, b))
    with pytest.raises(ValueError, match="pass to_place"):
        tt.get("X", "p")
    assert tt.get("X", "p", "r") is b


# ---------------------------------------------------------------------------------------------------------------
# next departure and mean wait


def _brute_next(departures: np.ndarray, t: np.ndarray) -> np.ndarray:
    candidates = departures[None, :] + 168.0 * np.arange(-1, 12)[:, None]
    flat = np.sort(candidates.ravel())
    return np.array([flat[flat >= x][0] for x in t])


def test_next_departure_just_after_waits_a_week_just_before_waits_minutes():
    weekly = shipped_timetables().get("Ukrferry Chornomorsk–Batumi", "chornomorsk")
    dep = float(weekly.departures_hours[0])
    waits = weekly.next_departure_hours(np.array([dep + 0.01, dep - 0.25, dep])) - np.array(
        [dep + 0.01, dep - 0.25, dep]
    )
    assert waits == pytest.approx([167.99, 0.25, 0.0])


def test_next_departure_is_vectorised_and_wraps_weeks():
    kiel = shipped_timetables().get("DFDS Klaipėda–Kiel", "kiel")
    t = np.random.default_rng(7).uniform(0.0, 168.0 * 10, 5000)
    got = kiel.next_departure_hours(t)
    assert got.shape == t.shape
    assert np.all(got >= t) and np.all(got - t < 24.0)
    np.testing.assert_allclose(got, _brute_next(kiel.departures_hours, t))
    last = float(kiel.departures_hours[-1])
    week5 = 168.0 * 5
    assert kiel.next_departure_hours(np.array([week5 + last + 0.5]))[0] == pytest.approx(
        168.0 * 6 + kiel.departures_hours[0]
    )


@pytest.mark.parametrize(
    ("service", "place"),
    [("DFDS Klaipėda–Kiel", "kiel"), ("DFDS Klaipėda–Kiel", "klaipeda"), ("Ukrferry Chornomorsk–Batumi", "batumi")],
)
def test_mean_wait_equals_the_average_over_arrival_times(service, place):
    tt = shipped_timetables().get(service, place)
    t = (np.arange(1_680_000) + 0.5) / 10_000.0  # every 0.36 s of the week
    brute = float(np.mean(tt.next_departure_hours(t) - t))
    assert tt.mean_wait_hours() == pytest.approx(brute, rel=1e-3)


def test_mean_wait_of_uneven_departures_exceeds_half_the_mean_headway():
    kiel = shipped_timetables().get("DFDS Klaipėda–Kiel", "kiel")
    assert kiel.mean_wait_hours() > 168.0 / len(kiel.departures_hours) / 2.0


def test_mean_wait_of_evenly_spaced_departures_is_half_the_headway():
    daily = ServiceTimetable("daily", "p", 5.0 + 24.0 * np.arange(7), None)
    assert daily.mean_wait_hours() == pytest.approx(12.0)
    weekly = shipped_timetables().get("Ukrferry Chornomorsk–Batumi", "chornomorsk")
    assert weekly.mean_wait_hours() == pytest.approx(84.0)


def test_headway_only_service_has_half_headway_wait_and_no_fixed_departures():
    karlshamn = shipped_timetables().get("DFDS Klaipėda–Karlshamn", "klaipeda")
    assert karlshamn.departures_hours.size == 0
    assert karlshamn.headway_hours == pytest.approx(168.0 / 9)
    assert karlshamn.mean_wait_hours() == pytest.approx(168.0 / 9 / 2)
    with pytest.raises(ValueError, match="headway"):
        karlshamn.next_departure_hours(np.array([1.0]))


def test_service_timetable_refuses_unsorted_or_out_of_week_departures():
    with pytest.raises(ValueError, match="sorted"):
        ServiceTimetable("x", "p", np.array([30.0, 10.0]), None)
    with pytest.raises(ValueError, match="sorted"):
        ServiceTimetable("x", "p", np.array([170.0]), None)
    with pytest.raises(ValueError, match="either"):
        ServiceTimetable("x", "p", np.array([]), None)


# ---------------------------------------------------------------------------------------------------------------
# dates and clocks


def test_check_day_names_the_covered_dates():
    tt = shipped_timetables()
    tt.check_day(date(2026, 6, 1))
    tt.check_day(datetime(2027, 12, 31, 23, 0))
    for day in (date(2025, 12, 31), date(2028, 1, 1)):
        with pytest.raises(OptionsError, match=r"2026-01-01 to 2027-12-31") as err:
            tt.check_day(day)
        assert err.value.option == "depart"
        assert day.isoformat() in str(err.value)


def test_hours_since_monday():
    assert hours_since_monday(datetime(2026, 1, 5)) == 0.0  # a Monday
    assert hours_since_monday(datetime(2026, 1, 7, 13, 30)) == 61.5
    assert hours_since_monday(datetime(2026, 1, 11, 23, 0)) == 167.0  # Sunday
    assert hours_since_monday(datetime(2026, 1, 1, 6, 0)) == 78.0  # a Thursday
    kyiv_winter = timezone(timedelta(hours=2))
    assert hours_since_monday(datetime(2026, 1, 5, 1, 0, tzinfo=kyiv_winter)) == 167.0  # Sunday 23:00 UTC
    assert hours_since_monday(datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) == 1.0


def test_agency_timezone_shifts_departures_by_its_january_offset(tmp_path):
    feed = _copy(tmp_path)
    _rewrite(feed, "agency.txt", lambda row: {**row, "agency_timezone": "Europe/Vilnius"})
    local = load_timetables(feed).get("DFDS Klaipėda–Kiel", "kiel").departures_hours
    utc = shipped_timetables().get("DFDS Klaipėda–Kiel", "kiel").departures_hours
    np.testing.assert_allclose(np.sort((utc - 2.0) % 168.0), local)  # EET is UTC+2 in January


def test_validity_is_the_span_every_trip_runs(tmp_path):
    feed = _copy(tmp_path)
    _rewrite(feed, "calendar.txt", lambda row: {**row, "end_date": "20261130"} if row["service_id"] == "tue" else row)
    tt = load_timetables(feed)
    assert (tt.start_date, tt.end_date) == (date(2026, 1, 1), date(2026, 11, 30))
    with pytest.raises(OptionsError, match="2026-11-30"):
        tt.check_day(date(2026, 12, 1))


def test_reads_a_feed_inside_a_zip(tmp_path):
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in FEED.iterdir():
            z.write(f, f"timetables/{f.name}")
    tt = load_timetables(zipfile.Path(archive, "timetables/"))
    assert tt.names() == shipped_timetables().names()


# ---------------------------------------------------------------------------------------------------------------
# malformed feeds: each names the file, the line and the field


def _copy(tmp_path: Path) -> Path:
    feed = tmp_path / "timetables"
    shutil.copytree(FEED, feed)
    return feed


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _rewrite(feed: Path, name: str, change) -> None:
    header, rows = _rows(feed / name)
    _write(feed / name, header, [change(r) for r in rows])


def _set(feed: Path, name: str, match: dict[str, str], field: str, value: str) -> int:
    """Set ``field`` of the first row matching ``match``; returns its line number (header = 1)."""
    header, rows = _rows(feed / name)
    index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
    rows[index][field] = value
    _write(feed / name, header, rows)
    return index + 2


def _fails(feed: Path, *fragments: str) -> DataError:
    with pytest.raises(DataError) as err:
        load_timetables(feed)
    for fragment in fragments:
        assert fragment in str(err.value), (fragment, str(err.value))
    return err.value


def test_missing_required_file(tmp_path):
    feed = _copy(tmp_path)
    (feed / "stop_times.txt").unlink()
    err = _fails(feed, "stop_times.txt", "missing")
    assert err.path is not None and err.path.endswith("stop_times.txt")


def test_missing_required_column(tmp_path):
    feed = _copy(tmp_path)
    header, rows = _rows(feed / "routes.txt")
    kept = [{k: v for k, v in r.items() if k != "route_type"} for r in rows]
    _write(feed / "routes.txt", [h for h in header if h != "route_type"], kept)
    _fails(feed, "routes.txt", "line 1", "route_type")


@pytest.mark.parametrize("bad", ["25:7x:00", "-01:00:00", "7", ""])
def test_bad_time(tmp_path, bad):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "constanta-poti", "stop_id": "poti"}, "arrival_time", bad)
    _fails(feed, "stop_times.txt", f"line {line}", "'arrival_time'")


def test_negative_stop_sequence(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "constanta-poti", "stop_id": "poti"}, "stop_sequence", "-2")
    _fails(feed, "stop_times.txt", f"line {line}", "'stop_sequence'")


def test_stop_times_that_go_back_in_time(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "constanta-poti", "stop_id": "poti"}, "arrival_time", "05:00:00")
    _fails(feed, "stop_times.txt", f"line {line}", "'arrival_time'", "before the departure_time")


def test_repeated_stop_sequence(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "viking-southbound", "stop_id": "minsk"}, "stop_sequence", "2")
    _fails(feed, "stop_times.txt", f"line {line}", "'stop_sequence'")


def test_departure_before_arrival_at_a_stop(tmp_path):
    feed = _copy(tmp_path)
    line = _set(
        feed, "stop_times.txt", {"trip_id": "viking-southbound", "stop_id": "minsk"}, "departure_time", "1:00:00"
    )
    _fails(feed, "stop_times.txt", f"line {line}", "'departure_time'")


def test_unknown_stop_in_stop_times(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "constanta-poti", "stop_id": "poti"}, "stop_id", "atlantis")
    _fails(feed, "stop_times.txt", f"line {line}", "'stop_id'", "stops.txt")


def test_unknown_trip_in_stop_times(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "constanta-poti", "stop_id": "poti"}, "trip_id", "ghost")
    _fails(feed, "stop_times.txt", f"line {line}", "'trip_id'")


def test_unknown_route_in_trips(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "trips.txt", {"trip_id": "kiel-klaipeda"}, "route_id", "nowhere-line")
    _fails(feed, "trips.txt", f"line {line}", "'route_id'")


def test_unknown_service_id_in_trips(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "trips.txt", {"trip_id": "kiel-klaipeda"}, "service_id", "thursdays")
    _fails(feed, "trips.txt", f"line {line}", "'service_id'", "calendar.txt")


def test_unknown_agency_in_routes(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "routes.txt", {"route_id": "klaipeda-kiel"}, "agency_id", "nobody")
    _fails(feed, "routes.txt", f"line {line}", "'agency_id'")


def test_unknown_trip_in_frequencies(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "frequencies.txt", {"trip_id": "viking-northbound"}, "trip_id", "ghost")
    _fails(feed, "frequencies.txt", f"line {line}", "'trip_id'")


def test_route_long_name_that_is_not_a_pack_service(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "routes.txt", {"route_id": "klaipeda-kiel"}, "route_long_name", "DFDS Klaipeda-Kiel")
    err = _fails(feed, "routes.txt", f"line {line}", "'route_long_name'", "services.csv")
    assert "DFDS Klaipėda–Kiel" in str(err)  # the suggestion


def test_route_for_a_service_that_sails_irregularly(tmp_path):
    feed = _copy(tmp_path)
    caspian = "Caspian rail ferry Kuryk–Alat"
    line = _set(feed, "routes.txt", {"route_id": "klaipeda-kiel"}, "route_long_name", caspian)
    _fails(feed, "routes.txt", f"line {line}", "'route_long_name'", "irregular")


def test_route_type_that_contradicts_the_pack(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "routes.txt", {"route_id": "viking"}, "route_type", "4")
    _fails(feed, "routes.txt", f"line {line}", "'route_type'")


def test_stop_that_is_not_a_pack_place(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stops.txt", {"stop_id": "kiel"}, "stop_id", "kiel_harbour")
    _fails(feed, "stops.txt", f"line {line}", "'stop_id'", "places.csv")


def test_trip_between_places_the_service_does_not_join(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "stop_times.txt", {"trip_id": "kiel-klaipeda", "stop_id": "klaipeda"}, "stop_id", "riga")
    _fails(feed, "stop_times.txt", f"line {line}", "'stop_id'", "services.csv")


@pytest.mark.parametrize(("field", "bad"), [("start_date", "2026-01-01"), ("end_date", "20271331")])
def test_bad_date(tmp_path, field, bad):
    feed = _copy(tmp_path)
    line = _set(feed, "calendar.txt", {"service_id": "daily"}, field, bad)
    _fails(feed, "calendar.txt", f"line {line}", f"'{field}'", "YYYYMMDD")


def test_end_date_before_start_date(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "calendar.txt", {"service_id": "daily"}, "end_date", "20251231")
    _fails(feed, "calendar.txt", f"line {line}", "'end_date'")


def test_calendar_with_no_day_set(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "calendar.txt", {"service_id": "tue"}, "tuesday", "0")
    _fails(feed, "calendar.txt", f"line {line}", "'monday'", "no day set")


def test_calendar_flag_that_is_not_0_or_1(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "calendar.txt", {"service_id": "tue"}, "friday", "yes")
    _fails(feed, "calendar.txt", f"line {line}", "'friday'")


@pytest.mark.parametrize("bad", ["0", "-3600", "1.5", ""])
def test_frequency_without_a_positive_headway(tmp_path, bad):
    feed = _copy(tmp_path)
    line = _set(feed, "frequencies.txt", {"trip_id": "klaipeda-karlshamn"}, "headway_secs", bad)
    _fails(feed, "frequencies.txt", f"line {line}", "'headway_secs'")


def test_frequency_with_exact_times(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "frequencies.txt", {"trip_id": "klaipeda-karlshamn"}, "exact_times", "1")
    _fails(feed, "frequencies.txt", f"line {line}", "'exact_times'")


def test_frequency_window_that_ends_before_it_starts(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "frequencies.txt", {"trip_id": "klaipeda-karlshamn"}, "end_time", "00:00:00")
    _fails(feed, "frequencies.txt", f"line {line}", "'end_time'")


def test_bad_agency_timezone(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "agency.txt", {"agency_id": "dfds"}, "agency_timezone", "Europe/Klaipeda")
    _fails(feed, "agency.txt", f"line {line}", "'agency_timezone'")


def test_duplicate_trip_id(tmp_path):
    feed = _copy(tmp_path)
    line = _set(feed, "trips.txt", {"trip_id": "klaipeda-kiel"}, "trip_id", "kiel-klaipeda")
    _fails(feed, "trips.txt", f"line {line}", "'trip_id'", "duplicate")


def test_calendar_dates_are_refused(tmp_path):
    feed = _copy(tmp_path)
    (feed / "calendar_dates.txt").write_text("service_id,date,exception_type\ndaily,20261225,2\n", encoding="utf-8")
    _fails(feed, "calendar_dates.txt", "line 2")


def test_empty_file_reads_as_missing_columns(tmp_path):
    feed = _copy(tmp_path)
    (feed / "calendar.txt").write_text("", encoding="utf-8")
    _fails(feed, "calendar.txt", "line 1", "service_id")


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_timetables(tmp_path / "no_such_feed")
