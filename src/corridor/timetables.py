"""Weekly timetables of the data pack's scheduled services, read from a GTFS feed.

A container that reaches a ferry or train with published departure days waits for the next
departure, not for half a mean interval: DFDS sails Kiel–Klaipėda daily at 20:00, Ukrferry leaves
Chornomorsk on Tuesdays. The data pack keeps these timetables as a GTFS feed in
``data/pack/timetables/`` (one GTFS route per ``services.csv`` service, ``route_long_name`` = the
service name, ``stop_id`` = the pack place id). Services known only by a frequency (a departure
every so many hours, days not published) are in ``frequencies.txt`` and come out as a mean headway;
services that sail when full (``timetable = irregular``) have no timetable at all.

Time convention: GTFS times count from midnight of the service day in the agency's
``agency_timezone`` (times above 24:00:00 fall on later days). The reader turns each departure into a
weekly offset in hours since Monday 00:00 UTC, using the zone's UTC offset in January (standard
time): an hour of daylight saving time is immaterial for freight. The shipped feed writes all its
times in UTC (``Etc/UTC``, since GTFS wants one zone for all agencies of a feed).

The feed is read with partridge and checked against the pack: any problem raises
:class:`corridor.errors.DataError` naming the file, the line (the header is line 1) and the field.

    >>> kiel = shipped_timetables().get("DFDS Klaipėda–Kiel", "kiel")
    >>> len(kiel.departures_hours), round(kiel.mean_wait_hours(), 1)
    (8, 11.2)
"""

from __future__ import annotations

import difflib
import functools
import re
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import partridge  # type: ignore[import-untyped]

from corridor.datapack import DataPack, load_pack
from corridor.errors import DataError, OptionsError

__all__ = [
    "HOURS_PER_WEEK",
    "ServiceTimetable",
    "Timetables",
    "hours_since_monday",
    "load_timetables",
    "shipped_timetables",
]

HOURS_PER_WEEK = 168.0
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
_DATE = re.compile(r"^\d{8}$")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "agency.txt": ("agency_name", "agency_timezone"),
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id", "route_long_name", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "calendar.txt": ("service_id", *_WEEKDAYS, "start_date", "end_date"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
    "feed_info.txt": (),
    "calendar_dates.txt": (),
}
_OPTIONAL_FILES = frozenset({"frequencies.txt", "feed_info.txt", "calendar_dates.txt"})


@dataclass(frozen=True, eq=False)
class ServiceTimetable:
    """The weekly departures of one service from one place, in hours since Monday 00:00 UTC.

    A timetabled service has fixed ``departures_hours`` (sorted, in [0, 168)); a headway-only one
    (``frequencies.txt``) has none and a mean ``headway_hours`` instead. ``to_place`` is the next
    place the departures go to (a train through several places leaves a middle one both ways).
    """

    service: str
    from_place: str
    departures_hours: np.ndarray
    headway_hours: float | None
    to_place: str | None = None

    def __post_init__(self) -> None:
        hours = np.array(self.departures_hours, dtype=float).reshape(-1)
        hours.setflags(write=False)
        object.__setattr__(self, "departures_hours", hours)
        where = f"{self.service!r} from {self.from_place!r}"
        if (self.headway_hours is None) == (hours.size == 0):
            raise ValueError(f"{where}: give either departures or a headway, not both or neither")
        if self.headway_hours is not None and not self.headway_hours > 0:
            raise ValueError(f"{where}: headway must be > 0 h (got {self.headway_hours!r})")
        if hours.size and not (np.all(np.diff(hours) >= 0) and hours[0] >= 0 and hours[-1] < HOURS_PER_WEEK):
            raise ValueError(f"{where}: departures must be sorted hours in [0, 168)")

    def next_departure_hours(self, t_hours: np.ndarray) -> np.ndarray:
        """The next departure at or after each time ``t_hours`` (hours since a Monday 00:00 UTC, any week), same clock.

        Raises ValueError for a headway-only service: it has no fixed departures to wait for.
        """
        if self.headway_hours is not None:
            raise ValueError(
                f"{self.service!r} from {self.from_place!r} runs every {self.headway_hours:g} h on average "
                "(frequencies.txt), not on fixed departures: use its headway"
            )
        t = np.asarray(t_hours, dtype=float)
        week = np.floor(t / HOURS_PER_WEEK)
        into_week = t - week * HOURS_PER_WEEK
        deps = self.departures_hours
        index = np.searchsorted(deps, into_week, side="left")
        wraps = index == deps.size
        following = np.where(wraps, deps[0] + HOURS_PER_WEEK, deps[np.minimum(index, deps.size - 1)])
        return np.asarray(week * HOURS_PER_WEEK + following)

    def mean_wait_hours(self) -> float:
        """Expected wait for a container arriving at a uniformly random time of the week, hours.

        Σh²/(2Σh) over the cyclic headways h between departures (H/2·(1 + CV²)); half the headway for a
        headway-only service, whose departures are taken as evenly spaced.
        """
        if self.headway_hours is not None:
            return self.headway_hours / 2.0
        deps = self.departures_hours
        gaps = np.diff(np.append(deps, deps[0] + HOURS_PER_WEEK))
        return float(np.sum(gaps * gaps) / (2.0 * np.sum(gaps)))

    def same_departures(self, other: ServiceTimetable) -> bool:
        """Whether both have the same weekly departures (or the same headway)."""
        return self.headway_hours == other.headway_hours and np.array_equal(
            self.departures_hours, other.departures_hours
        )


@dataclass(frozen=True)
class Timetables:
    """The weekly timetables of a data pack and the dates they are valid for (inclusive)."""

    start_date: date
    end_date: date
    services: tuple[ServiceTimetable, ...]

    @functools.cached_property
    def _by_stop(self) -> dict[tuple[str, str], tuple[ServiceTimetable, ...]]:
        grouped: dict[tuple[str, str], list[ServiceTimetable]] = defaultdict(list)
        for s in self.services:
            grouped[(s.service, s.from_place)].append(s)
        return {k: tuple(v) for k, v in grouped.items()}

    def get(self, service: str, from_place: str, to_place: str | None = None) -> ServiceTimetable | None:
        """The timetable of ``service`` from ``from_place`` (towards ``to_place``), or None if it has none.

        Without ``to_place``, a service that leaves the place in several directions on different
        timetables raises ValueError (a train through the place: say which way).
        """
        found = [s for s in self._by_stop.get((service, from_place), ()) if to_place is None or s.to_place == to_place]
        if not found:
            return None
        if any(not found[0].same_departures(s) for s in found[1:]):
            towards = ", ".join(repr(s.to_place) for s in found)
            raise ValueError(
                f"{service!r} leaves {from_place!r} towards {towards} on different timetables: pass to_place"
            )
        return found[0]

    def check_day(self, day: date) -> None:
        """Raise OptionsError (option ``depart``) when ``day`` is outside the dates the timetables cover."""
        if isinstance(day, datetime):
            day = day.date()
        if not self.start_date <= day <= self.end_date:
            raise OptionsError(
                f"depart {day.isoformat()} is outside the dates the timetables cover: "
                f"{self.start_date.isoformat()} to {self.end_date.isoformat()} (seed timetables of the data pack); "
                "pick a day in that range",
                option="depart",
            )

    def names(self) -> frozenset[str]:
        """The names of the services that have a timetable (fixed departures or a headway)."""
        return frozenset(s.service for s in self.services)


def hours_since_monday(moment: datetime) -> float:
    """Hours from 00:00 UTC of the Monday of ``moment``'s ISO week (in UTC) to ``moment``; naive means UTC."""
    utc = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)
    monday = datetime.combine(utc.date() - timedelta(days=utc.weekday()), time(), tzinfo=UTC)
    return (utc - monday).total_seconds() / 3600.0


@functools.cache
def shipped_timetables() -> Timetables:
    """The timetables shipped in the data pack (read once)."""
    return load_timetables(None)


def load_timetables(folder: str | Path | Traversable | None = None, *, pack: DataPack | None = None) -> Timetables:
    """Read and check a GTFS feed folder (None: the shipped one) against ``pack`` (None: the shipped pack)."""
    root: Traversable
    if folder is None:
        root = resources.files("corridor").joinpath("data", "pack", "timetables")
    else:
        root = Path(folder) if isinstance(folder, str) else folder
    checked = pack if pack is not None else load_pack()
    if isinstance(root, Path):
        return _Feed(root, str(root), checked).timetables()
    if not root.is_dir():
        raise DataError(f"timetables folder not found: {root}", path=str(root))
    with tempfile.TemporaryDirectory() as tmp:  # partridge reads from a real folder
        for entry in root.iterdir():
            if entry.is_file():
                (Path(tmp) / entry.name).write_bytes(entry.read_bytes())
        return _Feed(Path(tmp), str(root), checked).timetables()


# ----------------------------------------------------------------------------------------------------------------
# reading and checking


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


class _Feed:
    """One GTFS folder being read: partridge's tables plus error messages that name file, line and field."""

    def __init__(self, folder: Path, shown: str, pack: DataPack) -> None:
        self.folder, self.shown, self.pack = folder, shown, pack
        if not folder.is_dir():
            raise DataError(f"timetables folder not found: {shown}", path=shown)
        try:
            self.feed = partridge.load_raw_feed(str(folder))
        except ValueError as exc:
            raise DataError(f"timetables folder {shown}: {exc}", path=shown) from exc

    def fail(self, filename: str, message: str) -> NoReturn:
        raise DataError(f"{filename}: {message}", path=str(Path(self.shown) / filename))

    def bad(self, filename: str, row: _Row, field: str, message: str) -> NoReturn:
        got = row[field] if field in row.values else None
        detail = f" (got {got!r})" if got is not None else ""
        self.fail(filename, f"line {row.line}: field {field!r}: {message}{detail}")

    def rows(self, filename: str) -> list[_Row]:
        """The file's rows as text, with their line numbers; [] for a missing optional file."""
        if not (self.folder / filename).is_file():
            if filename in _OPTIONAL_FILES:
                return []
            self.fail(filename, f"file missing from the timetables at {self.shown}")
        try:
            with warnings.catch_warnings():
                # partridge 1.1.2 calls DataFrame.rename(inplace=True), deprecated in pandas 3.1
                warnings.filterwarnings("ignore", "The inplace keyword", DeprecationWarning)
                frame: pd.DataFrame = self.feed.get(filename)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            self.fail(filename, f"malformed CSV ({exc})")
        if missing := [c for c in _REQUIRED[filename] if c not in frame.columns]:
            self.fail(filename, f"line 1: missing column(s) {missing}")
        records = frame.astype(object).where(frame.notna(), "").to_dict("records")
        return [_Row(i + 2, {str(k): str(v) for k, v in r.items()}) for i, r in enumerate(records)]

    def seconds(self, filename: str, row: _Row, field: str) -> int:
        """A GTFS time H:MM:SS (hours may pass 24) in seconds since the service day's midnight."""
        match = _TIME.match(row[field])
        if match is None:
            self.bad(filename, row, field, "not a time H:MM:SS (minutes and seconds below 60, no sign)")
        h, m, s = (int(g) for g in match.groups())
        return h * 3600 + m * 60 + s

    def day(self, filename: str, row: _Row, field: str) -> date:
        """A GTFS date YYYYMMDD."""
        text = row[field]
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            self.bad(filename, row, field, "not a date YYYYMMDD")

    def unique(self, filename: str, rows: list[_Row], field: str) -> dict[str, _Row]:
        """Rows by a column that must be filled and unique."""
        by_key: dict[str, _Row] = {}
        for row in rows:
            key = row[field]
            if not key:
                self.bad(filename, row, field, "empty")
            if key in by_key:
                self.bad(filename, row, field, f"duplicate (first on line {by_key[key].line})")
            by_key[key] = row
        return by_key

    # the files, in the order they depend on each other

    def calendar(self) -> dict[str, tuple[tuple[bool, ...], date, date]]:
        result = {}
        for sid, row in self.unique("calendar.txt", self.rows("calendar.txt"), "service_id").items():
            for name in _WEEKDAYS:
                if row[name] not in ("0", "1"):
                    self.bad("calendar.txt", row, name, "must be 0 or 1")
            days = tuple(row[name] == "1" for name in _WEEKDAYS)
            if not any(days):
                self.fail("calendar.txt", f"line {row.line}: field 'monday'…'sunday': no day set (all 0)")
            start, end = self.day("calendar.txt", row, "start_date"), self.day("calendar.txt", row, "end_date")
            if end < start:
                self.bad("calendar.txt", row, "end_date", f"before start_date {row['start_date']}")
            result[sid] = (days, start, end)
        if calendar_dates := self.rows("calendar_dates.txt"):
            self.fail(
                "calendar_dates.txt",
                f"line {calendar_dates[0].line}: exceptions by date are not supported (weekly timetables only)",
            )
        return result

    def agencies(self, year: int) -> dict[str, float]:
        """UTC offset in January of ``year``, hours, by agency_id ('' stands for a feed's only agency)."""
        rows = self.rows("agency.txt")
        if not rows:
            self.fail("agency.txt", "no agency")
        if len(rows) > 1 and "agency_id" not in rows[0].values:
            self.fail("agency.txt", "line 1: missing column(s) ['agency_id'] (needed with several agencies)")
        by_id = self.unique("agency.txt", rows, "agency_id") if len(rows) > 1 else {"": rows[0]}
        offsets = {}
        for aid, row in by_id.items():
            try:
                zone = ZoneInfo(row["agency_timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                self.bad("agency.txt", row, "agency_timezone", "not a time zone name (e.g. Europe/Vilnius)")
            offset = zone.utcoffset(datetime(year, 1, 15, 12))
            offsets[aid] = (offset or timedelta()).total_seconds() / 3600.0
        if len(rows) == 1 and rows[0]["agency_id"]:
            offsets[rows[0]["agency_id"]] = offsets[""]
        return offsets

    def stops(self) -> set[str]:
        by_id = self.unique("stops.txt", self.rows("stops.txt"), "stop_id")
        for sid, row in by_id.items():
            if sid not in self.pack.place_ids:
                close = difflib.get_close_matches(sid, sorted(self.pack.place_ids), n=3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                self.bad("stops.txt", row, "stop_id", f"not a data pack place id (places.csv){hint}")
        return set(by_id)

    def routes(self, agencies: dict[str, float]) -> dict[str, tuple[str, float]]:
        """(service name, agency UTC offset) by route_id."""
        kind = {s.service: (s.timetable, 2 if s.mode == "service" else 4) for s in self.pack.services}
        result = {}
        for rid, row in self.unique("routes.txt", self.rows("routes.txt"), "route_id").items():
            name = row["route_long_name"]
            if name not in kind:
                close = difflib.get_close_matches(name, sorted(kind), n=3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                self.bad("routes.txt", row, "route_long_name", f"not a service name of services.csv{hint}")
            timetable, route_type = kind[name]
            if timetable == "irregular":
                self.bad("routes.txt", row, "route_long_name", "sails irregularly (services.csv): no timetable")
            if row["route_type"] != str(route_type):
                want = "2 (rail)" if route_type == 2 else "4 (ferry)"
                self.bad("routes.txt", row, "route_type", f"must be {want} for this service")
            aid = row["agency_id"]
            if aid not in agencies:
                self.bad("routes.txt", row, "agency_id", "no such agency in agency.txt")
            result[rid] = (name, agencies[aid])
        return result

    def trips(self, routes: dict[str, Any], calendar: dict[str, Any]) -> dict[str, _Row]:
        by_id = self.unique("trips.txt", self.rows("trips.txt"), "trip_id")
        if not by_id:
            self.fail("trips.txt", "no trips")
        for row in by_id.values():
            if row["route_id"] not in routes:
                self.bad("trips.txt", row, "route_id", "no such route in routes.txt")
            if row["service_id"] not in calendar:
                self.bad("trips.txt", row, "service_id", "no such service_id in calendar.txt")
        return by_id

    def stop_times(self, trips: dict[str, _Row], stops: set[str]) -> dict[str, list[tuple[str, int, int, _Row]]]:
        """(stop_id, arrival s, departure s, row) in stop_sequence order, by trip_id."""
        name = "stop_times.txt"
        by_trip: dict[str, list[tuple[int, str, int, int, _Row]]] = defaultdict(list)
        for row in self.rows(name):
            if row["trip_id"] not in trips:
                self.bad(name, row, "trip_id", "no such trip in trips.txt")
            if row["stop_id"] not in stops:
                self.bad(name, row, "stop_id", "no such stop in stops.txt")
            if not row["stop_sequence"].isdigit():
                self.bad(name, row, "stop_sequence", "must be a whole number >= 0")
            arrive, leave = self.seconds(name, row, "arrival_time"), self.seconds(name, row, "departure_time")
            if leave < arrive:
                self.bad(name, row, "departure_time", f"before the arrival_time {row['arrival_time']}")
            by_trip[row["trip_id"]].append((int(row["stop_sequence"]), row["stop_id"], arrive, leave, row))
        result = {}
        for trip_id, trip in trips.items():
            ordered = sorted(by_trip.get(trip_id, []), key=lambda x: x[0])
            if len(ordered) < 2:
                self.bad("trips.txt", trip, "trip_id", "needs at least two stops in stop_times.txt")
            for (seq0, _, _, leave0, row0), (seq1, _, arrive1, _, row1) in pairwise(ordered):
                if seq1 == seq0:
                    self.bad(name, row1, "stop_sequence", f"repeats the stop_sequence of line {row0.line}")
                if arrive1 < leave0:
                    self.bad(
                        name, row1, "arrival_time", f"before the departure_time of the stop before (line {row0.line})"
                    )
            result[trip_id] = [(stop, arrive, leave, row) for _, stop, arrive, leave, row in ordered]
        return result

    def frequencies(self, trips: dict[str, _Row], calendar: dict[str, Any]) -> dict[str, tuple[Fraction, _Row]]:
        """Departures per week (exact) and the first row, by trip_id of the headway-only trips."""
        name = "frequencies.txt"
        per_week: dict[str, tuple[Fraction, _Row]] = {}
        for row in self.rows(name):
            trip = trips.get(row["trip_id"])
            if trip is None:
                self.bad(name, row, "trip_id", "no such trip in trips.txt")
            start, end = self.seconds(name, row, "start_time"), self.seconds(name, row, "end_time")
            if end <= start:
                self.bad(name, row, "end_time", f"not after the start_time {row['start_time']}")
            if not row["headway_secs"].isdigit() or int(row["headway_secs"]) <= 0:
                self.bad(name, row, "headway_secs", "must be a whole number of seconds > 0")
            if row["exact_times"] not in ("", "0"):
                self.bad(
                    name,
                    row,
                    "exact_times",
                    "must be 0 or empty (frequency-based); list exact departures as trips",
                )
            days = sum(calendar[trip["service_id"]][0])
            count = Fraction(days * (end - start), int(row["headway_secs"]))
            before, first = per_week.get(row["trip_id"], (Fraction(0), row))
            per_week[row["trip_id"]] = (before + count, first)
        return per_week

    def validity(self, used: list[tuple[date, date]]) -> tuple[date, date]:
        """The dates every trip's calendar (and feed_info, when it gives dates) covers."""
        ranges = list(used)
        for row in self.rows("feed_info.txt"):
            if row["feed_start_date"] and row["feed_end_date"]:
                start = self.day("feed_info.txt", row, "feed_start_date")
                ranges.append((start, self.day("feed_info.txt", row, "feed_end_date")))
        start, end = max(r[0] for r in ranges), min(r[1] for r in ranges)
        if end < start:
            self.fail("calendar.txt", "the service periods of the trips (and feed_info.txt) have no day in common")
        return start, end

    def timetables(self) -> Timetables:
        calendar = self.calendar()
        first_year = min(start for _, start, _ in calendar.values()).year if calendar else 2026
        agencies = self.agencies(first_year)
        stops = self.stops()
        routes = self.routes(agencies)
        trips = self.trips(routes, calendar)
        stop_times = self.stop_times(trips, stops)
        headways = self.frequencies(trips, calendar)
        segments = {(s.service, s.from_place, s.to_place) for s in self.pack.services}
        fixed: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        per_week: dict[tuple[str, str, str], tuple[Fraction, _Row]] = {}
        for trip_id, visits in stop_times.items():
            trip = trips[trip_id]
            service, utc_offset_hours = routes[trip["route_id"]]
            days = calendar[trip["service_id"]][0]
            for (here, _, leave_s, _), (there, _, _, row) in pairwise(visits):
                key = (service, here, there)
                if key not in segments:
                    self.bad(
                        "stop_times.txt",
                        row,
                        "stop_id",
                        f"route {trip['route_id']!r} ({service!r}) goes {here!r} -> {there!r}, "
                        "but services.csv has no such segment of that service",
                    )
                if trip_id in headways:
                    count, freq_row = headways[trip_id]
                    per_week[key] = (per_week.get(key, (Fraction(0), freq_row))[0] + count, freq_row)
                    continue
                for weekday in (d for d, on in enumerate(days) if on):
                    fixed[key].append((24.0 * weekday + leave_s / 3600.0 - utc_offset_hours) % HOURS_PER_WEEK)
        services = []
        for key in sorted(set(fixed) | set(per_week)):
            if key in fixed and key in per_week:
                self.bad(
                    "frequencies.txt",
                    per_week[key][1],
                    "trip_id",
                    f"{key[0]!r} {key[1]!r} -> {key[2]!r} mixes trips with fixed times and frequency-based trips",
                )
            deps = np.sort(np.array(fixed.get(key, []), dtype=float))
            headway = float(Fraction(168) / per_week[key][0]) if key in per_week else None
            services.append(ServiceTimetable(key[0], key[1], deps, headway, to_place=key[2]))
        used = {trip["service_id"] for trip in trips.values()}
        start, end = self.validity([calendar[sid][1:] for sid in sorted(used)])
        return Timetables(start, end, tuple(services))
