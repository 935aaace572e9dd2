"""The corridor data pack: typed loader for the CSV tables in ``corridor/data/pack``.

The pack holds the facts the network model needs beyond the base layers: places
(terminals, ports, border and gauge-change points), scheduled services (ferries, trains),
scalar parameters, rail speeds per country, border rules, named crossings, track gauges,
known missing links, the EU customs union's members, seas and passages without liner shipping,
the corridor variants the assignment routes, and the emission factors (per transport activity, the
electric share of rail and the grid's intensity by country, per container move at a hub). Every row
carries ``basis`` (sourced / derived / estimate), ``source`` and ``as_of``; see ``data/pack/README.md``
for the columns and their units.

    >>> pack = load_pack()
    >>> pack.place("klaipeda").name, pack.param("road_speed_km_per_hour")
    ('Klaipėda', 60.0)

Every figure is finite and inside its range (costs, hours, km and emissions never negative,
speeds and departures positive, capacities positive or empty); a parameter's range is its
``range`` column. Any problem with the files raises :class:`corridor.errors.DataError` naming
the file, the line and the field. A scenario's changed rows are checked by the same models.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import math
import re
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from corridor.constants import PLACE_KINDS
from corridor.errors import DataError, UnknownPlaceError

__all__ = [
    "ACTIVITIES",
    "HUBS",
    "KINDS",
    "LAYERS",
    "REQUIRED_PARAMETERS",
    "BorderRule",
    "ClosedSea",
    "CorridorFamily",
    "Crossing",
    "DataPack",
    "EmissionFactor",
    "FlowVariant",
    "Gauge",
    "GridIntensity",
    "HubFactor",
    "MissingLink",
    "NoLinerPassage",
    "PackDate",
    "Parameter",
    "PassengerLine",
    "Place",
    "RailRate",
    "RailSpeed",
    "RailTraction",
    "Service",
    "StatusRow",
    "UnionMember",
    "expected_wait_hours",
    "load_pack",
    "pack_hash",
    "parse_range",
    "parse_waypoints",
    "shipped_table",
]

KINDS = frozenset(PLACE_KINDS)
LAYERS = frozenset({"rail", "road", "sea"})
_REQUIRED = """
road_speed_km_per_hour road_max_km_per_day sea_speed_km_per_hour ferry_speed_km_per_hour
rail_usd_per_teu_km road_usd_per_teu_km sea_usd_per_teu_km ferry_usd_per_teu_km border_dwell_hours_default
schengen_border_dwell_hours gauge_change_hours_default gauge_change_usd_per_teu_default
value_of_time_usd_per_teu_hour carbon_price_usd_per_t_co2e usd_per_feu_factor sea_departures_per_week
rail_access_max_km road_access_max_km sea_access_max_km crossing_radius_km leg_label_radius_km
road_carriage_max_km road_carriage_max_km_eu feeder_usd_per_teu_km border_excursion_max_km teu_net_tonnes
"""
#: The union of ``unions.csv`` whose members are the EU's member states.
EU_UNION = "eu_customs_union"
#: The transport activities of ``emission_factors.csv``: the network's modes and the ships of services.csv.
Activity = Literal[
    "road_truck", "rail_diesel", "rail_electric", "container_deep_sea", "container_feeder", "ro_ro", "ro_pax",
    "rail_ferry",
]  # fmt: skip
ACTIVITIES: tuple[str, ...] = get_args(Activity)
#: The hubs of ``hub_factors.csv``: where a container is moved (lifted) between modes or wagons.
Hub = Literal["seaport", "ferry_port", "rail_terminal", "gauge_transshipment"]
HUBS: tuple[str, ...] = get_args(Hub)
REQUIRED_PARAMETERS: tuple[str, ...] = tuple(_REQUIRED.split())


def _split(value: Any) -> Any:
    """Split a ``;``-separated cell into a tuple of stripped, non-empty parts."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def _none_if_blank(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _not_blank(value: Any) -> Any:
    """A required figure: a blank cell is refused by name rather than as 'not a valid number'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("required: must not be empty")
    return value


Id = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
ServiceId = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
Text = Annotated[str, Field(min_length=1)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
CountryOrDefault = Annotated[str, Field(pattern=r"^([A-Z]{2}|\*)$")]
AsOf = Annotated[str, Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
ReqNonNeg = Annotated[NonNeg, BeforeValidator(_not_blank)]
OptNonNeg = Annotated[NonNeg | None, BeforeValidator(_none_if_blank)]
OptPositive = Annotated[Positive | None, BeforeValidator(_none_if_blank)]
OptDate = Annotated[date | None, BeforeValidator(_none_if_blank)]
Words = Annotated[tuple[str, ...], BeforeValidator(_split)]
Countries = Annotated[tuple[Country, ...], BeforeValidator(_split)]


class _Row(BaseModel):
    """Columns shared by every table: where a figure comes from and how sure it is.

    Numbers must be finite (no NaN, no infinity): the router's searches need real costs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    basis: Literal["sourced", "derived", "estimate"]
    source: Text  # URL, or a method statement naming the URLs used
    as_of: AsOf  # YYYY, YYYY-MM or YYYY-MM-DD
    note: str = ""


class Place(_Row):
    """A terminal, port or border point; handling is per container move (one lift)."""

    id: Id
    name: Text
    aliases: Words = ()
    country: Country
    kinds: Words
    lat: Lat
    lon: Lon
    layers: Words
    port_role: Literal["", "deep_sea", "feeder", "ro_ro"] = ""  # only deep_sea ports join the generic sea layer
    # required: the build adds them to every transfer edge (a blank cell is a DataError, not a crash there)
    handling_hours: ReqNonNeg  # h per move
    handling_usd_per_teu: ReqNonNeg  # USD per TEU per move
    capacity_teu_per_year: OptPositive = None  # empty: unlimited (0 would read as unlimited too)

    @field_validator("kinds", "layers")
    @classmethod
    def _known(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        allowed = KINDS if info.field_name == "kinds" else LAYERS
        unknown = [v for v in value if v not in allowed]
        if unknown or not value:
            bad = f"unknown {unknown}" if unknown else "empty"
            raise ValueError(f"{bad}; expected a ';'-separated subset of {sorted(allowed)}")
        return value

    @model_validator(mode="after")
    def _sea_only_at_deep_sea_ports(self) -> Place:
        """Liner shipping calls deep-sea ports only: a feeder or ro-ro port is reached by its services."""
        if ("sea" in self.layers) != (self.port_role == "deep_sea"):
            raise ValueError(
                f"layers {';'.join(self.layers)} with port_role {self.port_role or 'empty'}: a place joins the sea "
                "layer if and only if its port_role is deep_sea (feeder and ro_ro ports are reached by their "
                "services in services.csv)"
            )
        return self


class Service(_Row):
    """One directed segment of a scheduled ferry or train between two places."""

    id: ServiceId
    service: Text
    mode: Literal["ferry", "service"]
    vessel: Literal["container_feeder", "ro_ro", "ro_pax", "rail_ferry", "train"]  # picks the emission factor
    from_place: Id
    to_place: Id
    km: Positive
    hours: OptPositive = None  # running time, without the wait for a departure
    departures_per_week: Positive
    timetable: Literal["fixed", "irregular"] = "fixed"  # irregular: sails when full or when weather allows
    capacity_teu_per_departure: OptPositive = None  # empty: unlimited
    tariff_usd_per_teu: OptNonNeg = None
    operator: str = ""
    via_countries: Countries = ()

    @model_validator(mode="after")
    def _distinct_ends(self) -> Service:
        if self.from_place == self.to_place:
            raise ValueError("from_place and to_place must differ")
        if (self.mode == "service") != (self.vessel == "train"):
            raise ValueError(f"a {self.mode} cannot be a {self.vessel}: trains are mode service, ships mode ferry")
        return self


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*([\[(])\s*({_NUMBER})\s*,\s*({_NUMBER}|inf)\s*([\])])\s*$")


def parse_range(text: str) -> tuple[float, float, bool, bool]:
    """``(low, high, low_included, high_included)`` of an interval written ``[0, inf)``, ``(0, 1]``...

    Raises ValueError unless it is a real interval inside ``[0, inf)``: parameters are never
    negative, since the network's edge costs are built from them.
    """
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"expected an interval such as '[0, inf)', '(0, inf)' or '[0, 1]', got {text!r}")
    opening, low_text, high_text, closing = match.groups()
    low, high = float(low_text), float(high_text)
    if not math.isfinite(low) or low < 0:
        raise ValueError(f"the lower bound must be a finite number >= 0, got {text!r}")
    if high < low or (high == low and (opening, closing) != ("[", "]")) or (math.isinf(high) and closing == "]"):
        raise ValueError(f"not an interval of real numbers: {text!r}")
    return low, high, opening == "[", closing == "]"


def _in_range(value: float, bounds: tuple[float, float, bool, bool]) -> bool:
    low, high, low_in, high_in = bounds
    above = value >= low if low_in else value > low
    below = value <= high if high_in else value < high
    return above and below


def _checked_range(text: str) -> str:
    parse_range(text)
    return text


Range = Annotated[str, AfterValidator(_checked_range)]


class Parameter(_Row):
    """A scalar model parameter with its unit and the interval its value must lie in."""

    name: Id
    range: Range  # e.g. "[0, inf)" for a cost, "(0, inf)" for a speed, "[0, 1]" for a share
    value: float
    unit: Text

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        """A value outside the row's ``range`` is refused (an invalid range is reported on its own)."""
        text = info.data.get("range")
        if text is not None and not _in_range(value, parse_range(text)):
            raise ValueError(f"{value:g} is outside the allowed range {text} of {info.data.get('name', 'this')}")
        return value


class RailSpeed(_Row):
    """Commercial speed of container block trains in a country (``*`` = default), km/day."""

    country: CountryOrDefault
    speed_km_per_day: Positive


class BorderRule(_Row):
    """Default dwell (h) and fee (USD/TEU) between two countries (stored A < B) by one mode."""

    country_a: Country
    country_b: Country
    mode: Literal["rail", "road"]
    dwell_hours: NonNeg
    fee_usd_per_teu: OptNonNeg = None


class Crossing(_Row):
    """A named crossing point (countries stored A < B) overriding the pair default near it."""

    id: Id
    name: Text
    country_a: Country
    country_b: Country
    mode: Literal["rail", "road"]
    lat: Lat
    lon: Lon
    dwell_hours: NonNeg
    fee_usd_per_teu: OptNonNeg = None
    gauge_change: Literal["none", "bogie_exchange", "transshipment"]
    gauge_change_hours: OptNonNeg = None
    gauge_change_usd_per_teu: OptNonNeg = None
    capacity_trains_per_day: OptPositive = None  # per direction; empty: unlimited
    teu_per_train: OptPositive = None
    # the dwell from country_b into country_a where a source gives it apart (queues often form one way only);
    # empty: ``dwell_hours`` both ways, which is otherwise the dwell from A into B
    dwell_hours_b_to_a: OptNonNeg = None

    def dwell_hours_from(self, country: str) -> float:
        """The dwell of a vehicle leaving ``country`` over this crossing."""
        if country == self.country_b and self.dwell_hours_b_to_a is not None:
            return self.dwell_hours_b_to_a
        return self.dwell_hours


class Gauge(_Row):
    """Track gauge of a country's main network (``*`` = default), mm."""

    country: CountryOrDefault
    gauge_mm: Annotated[int, Field(gt=0)]


class MissingLink(_Row):
    """A line known to exist that the OSM-derived base layer may lack."""

    id: Id
    name: Text
    mode: Literal["rail", "road"]
    from_lat: Lat
    from_lon: Lon
    to_lat: Lat
    to_lon: Lon
    km: OptPositive = None


class CorridorFamily(_Row):
    """A named corridor as routing rules: places to pass in order, countries to avoid, modes allowed."""

    id: Id
    name: Text
    via: Annotated[tuple[Text, ...], BeforeValidator(_split)] = ()  # place ids or service names, in order
    avoid: Countries = ()
    modes: Annotated[tuple[Literal["rail", "road", "sea", "ferry", "service"], ...], BeforeValidator(_split)] = ()


class UnionMember(_Row):
    """A member of a union of countries and what the union waives at its internal borders.

    ``customs``: no customs dwell or fee between two members (where no listed crossing says
    otherwise); ``border_checks``: no border controls, so a road or railway may cross anywhere
    (elsewhere a border is crossed only at a crossing of ``crossings.csv``).
    """

    union: Id
    country: Country
    waives: Words

    @field_validator("waives")
    @classmethod
    def _known_waivers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in WAIVERS]
        if unknown or not value:
            raise ValueError(f"expected a ';'-separated subset of {list(WAIVERS)}, got {';'.join(value) or 'nothing'}")
        return value


#: What a union may waive at its internal borders.
WAIVERS = ("customs", "border_checks")


class StatusRow(_Row):
    """A period in which an element is closed or suspended, or (``open``) its service life.

    An element is usable on a date unless a ``closed`` or ``suspended`` row covers it, or it has
    ``open`` rows and none covers it (not yet opened, or closed for good). Empty dates are open-ended.
    """

    kind: Literal["service", "crossing", "link", "place", "passage"]
    id: Text  # services.csv service name or segment id; crossings, links or places id; a sea passage tag
    status: Literal["open", "suspended", "closed"]
    from_date: OptDate = None
    until_date: OptDate = None

    @model_validator(mode="after")
    def _ordered(self) -> StatusRow:
        if self.from_date and self.until_date and self.until_date < self.from_date:
            raise ValueError(f"until_date {self.until_date} is before from_date {self.from_date}")
        return self


def parse_waypoints(value: Any) -> Any:
    """``"lat lon;lat lon;..."`` as a tuple of ``(lat, lon)`` pairs (other values pass unchanged).

    Raises ValueError for a pair that is not two numbers, a coordinate off the globe, or fewer than
    two points.
    """
    if not isinstance(value, str):
        return value
    points = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        fields = part.split()
        try:
            lat, lon = (float(f) for f in fields) if len(fields) == 2 else (math.nan, math.nan)
        except ValueError:
            lat, lon = math.nan, math.nan
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"expected 'lat lon' in degrees, got {part!r}")
        points.append((lat, lon))
    if len(points) < 2:
        raise ValueError("expected at least two 'lat lon' points separated by ';'")
    return tuple(points)


class PassengerLine(_Row):
    """A high-speed passenger line that container trains do not use: its polyline and buffer
    (``corridor.network.passenger_lines`` finds its edges in the rail layer)."""

    id: Id
    name: Text
    country: Country
    waypoints: Annotated[tuple[tuple[float, float], ...], BeforeValidator(parse_waypoints)]  # (lat, lon), in order
    buffer_km: Positive  # how near the polyline an edge must lie to belong to the line


class PackDate(_Row):
    """A date of the pack: ``covers_from`` (the earliest date it answers for) and ``as_of`` (its default)."""

    name: Literal["covers_from", "as_of"]
    date: date


class RailRate(_Row):
    """A railway's container rate in a country (``*`` = default), USD per TEU-km."""

    country: CountryOrDefault
    usd_per_teu_km: NonNeg


class ClosedSea(_Row):
    """A sea without generic container shipping, as a box (WGS84 degrees): only the pack's ferries cross it."""

    id: Id
    name: Text
    lat_min: Lat
    lon_min: Lon
    lat_max: Lat
    lon_max: Lon

    @model_validator(mode="after")
    def _a_box(self) -> ClosedSea:
        if not (self.lat_min < self.lat_max and self.lon_min < self.lon_max):
            raise ValueError("expected lat_min < lat_max and lon_min < lon_max")
        return self

    def contains(self, lat: Any, lon: Any) -> Any:
        """Which points (scalars or arrays, degrees) lie inside the box, edges included."""
        return (lat >= self.lat_min) & (lat <= self.lat_max) & (lon >= self.lon_min) & (lon <= self.lon_max)


class NoLinerPassage(_Row):
    """A passage of the sea layer (its marnet ``passage`` tag, e.g. ``bering``) that liner shipping does not use."""

    id: Id
    name: Text


class FlowVariant(_Row):
    """A corridor variant the assignment routes every demand pair in: the countries it avoids (none: unrestricted)
    and the places it passes (a border crossing such as Khorgos or Małaszewicze: a pair's alternative through it)."""

    id: Id
    name: Text
    avoid: Countries = ()
    via: Annotated[tuple[Text, ...], BeforeValidator(_split)] = ()  # place ids the route passes, in order


class EmissionFactor(_Row):
    """Emission intensity of a transport activity (ISO 14083 / GLEC), per t-km or (container ship trade
    lanes) per TEU-km: tank-to-wheel and well-to-wheel g CO2e, or for electric traction the kWh per unit, whose
    well-to-wheel emissions are the kWh times the grid intensity of the country (``grid_intensity.csv``)."""

    activity: Activity
    carrier: Text  # energy carrier: diesel, electricity, HFO, MDO...
    unit: Literal["t-km", "TEU-km"]  # what one unit of activity is
    ttw_g_co2e: ReqNonNeg  # g CO2e per unit, tank-to-wheel (0 for electric traction)
    wtw_g_co2e: OptNonNeg = None  # g CO2e per unit, well-to-wheel; empty when kwh is given
    kwh: OptNonNeg = None  # kWh per unit taken by electric traction; empty for fuels

    @model_validator(mode="after")
    def _fuel_or_electricity(self) -> EmissionFactor:
        if (self.wtw_g_co2e is None) == (self.kwh is None):
            raise ValueError("give exactly one of wtw_g_co2e (a fuel) and kwh (electric traction)")
        if self.kwh is not None and self.ttw_g_co2e != 0:
            raise ValueError("electric traction has no tank-to-wheel emissions: ttw_g_co2e must be 0")
        if self.wtw_g_co2e is not None and self.wtw_g_co2e < self.ttw_g_co2e:
            raise ValueError(f"wtw_g_co2e {self.wtw_g_co2e:g} is below ttw_g_co2e {self.ttw_g_co2e:g}: WTW = TTW + WTT")
        return self


class RailTraction(_Row):
    """Electric share of container trains' t-km in a country (``*`` = default), 0 to 1; the rest is diesel."""

    country: CountryOrDefault
    electric_share: Annotated[float, Field(ge=0, le=1)]


class GridIntensity(_Row):
    """Well-to-wheel intensity of a country's grid electricity (``*`` = default), g CO2e per kWh."""

    country: CountryOrDefault
    g_co2e_per_kwh: NonNeg


class HubFactor(_Row):
    """Emissions of one container move (one lift of a TEU) at a hub, kg CO2e tank-to-wheel and well-to-wheel."""

    hub: Hub
    ttw_kg_co2e_per_teu: NonNeg
    wtw_kg_co2e_per_teu: NonNeg

    @model_validator(mode="after")
    def _wtw_covers_ttw(self) -> HubFactor:
        if self.wtw_kg_co2e_per_teu < self.ttw_kg_co2e_per_teu:
            raise ValueError("wtw_kg_co2e_per_teu is below ttw_kg_co2e_per_teu (WTW = TTW + WTT)")
        return self


def expected_wait_hours(departures_per_week: float, *, irregular: bool = False) -> float:
    """Expected wait for the next departure, for a container that arrives at a random time.

    A timetabled service (evenly spaced departures) makes it wait half the interval; an
    irregular one, whose departures come at random (a Poisson stream, sailing when full or
    when the weather allows), makes it wait a whole mean interval: the inspection paradox.
    """
    if departures_per_week <= 0:
        return 0.0
    interval = 168.0 / departures_per_week
    return interval if irregular else interval / 2.0


@functools.cache
def shipped_table(attr: str) -> tuple[Any, ...]:
    """The rows of one table of the shipped pack (``attr`` as a DataPack field: the emission tables a pack built
    in code leaves out), checked as ``load_pack`` checks them."""
    filename, model, _ = _TABLES[attr]
    return tuple(row for _, row in _read_table(_pack_dir(None), filename, model))


class DataPack(BaseModel):
    """All tables of the data pack, validated, with lookup helpers."""

    model_config = ConfigDict(frozen=True)

    places: tuple[Place, ...]
    services: tuple[Service, ...]
    parameters: dict[str, Parameter]
    rail_speeds: tuple[RailSpeed, ...]
    borders: tuple[BorderRule, ...]
    crossings: tuple[Crossing, ...]
    gauges: tuple[Gauge, ...]
    links: tuple[MissingLink, ...]
    corridors: tuple[CorridorFamily, ...]
    unions: tuple[UnionMember, ...]
    status: tuple[StatusRow, ...]
    dates: tuple[PackDate, ...]
    rail_rates: tuple[RailRate, ...]
    passenger_lines: tuple[PassengerLine, ...]
    closed_seas: tuple[ClosedSea, ...]
    no_liner_passages: tuple[NoLinerPassage, ...]
    flow_variants: tuple[FlowVariant, ...]
    # the emission tables: load_pack reads and checks them; a pack built in code without them gets the shipped ones
    emission_factors: tuple[EmissionFactor, ...] = Field(default_factory=lambda: shipped_table("emission_factors"))
    rail_traction: tuple[RailTraction, ...] = Field(default_factory=lambda: shipped_table("rail_traction"))
    grid_intensity: tuple[GridIntensity, ...] = Field(default_factory=lambda: shipped_table("grid_intensity"))
    hub_factors: tuple[HubFactor, ...] = Field(default_factory=lambda: shipped_table("hub_factors"))
    _by_id: dict[str, Place] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._by_id = {p.id: p for p in self.places}

    @property
    def place_ids(self) -> frozenset[str]:
        """The ids of the pack's places."""
        return frozenset(self._by_id)

    def place(self, place_id: str) -> Place:
        """The place with this id; :class:`UnknownPlaceError` with suggestions if none."""
        try:
            return self._by_id[place_id]
        except KeyError:
            close = difflib.get_close_matches(place_id, list(self._by_id), n=3)
            raise UnknownPlaceError(place_id, close) from None

    def param(self, name: str) -> float:
        """Value of a scalar parameter (unit in ``parameters[name].unit``)."""
        if name not in self.parameters:
            raise DataError(f"data pack has no parameter {name!r} (parameters.csv)")
        return self.parameters[name].value

    @property
    def sea_wait_hours(self) -> float:
        """Expected wait for a liner departure when a container boards a ship at a port: half the
        interval between sailings of one service (``sea_departures_per_week``)."""
        return expected_wait_hours(self.param("sea_departures_per_week"))

    def rail_speed_km_per_day(self, country: str) -> float:
        """Block-train speed in a country, km/day, falling back to the ``*`` row."""
        return float(_by_country(self.rail_speeds, country, "speed_km_per_day", "rail_speeds.csv"))

    def gauge_mm(self, country: str) -> int:
        """Track gauge of a country in mm, falling back to the ``*`` row."""
        return int(_by_country(self.gauges, country, "gauge_mm", "gauges.csv"))

    def road_carriage_caps_km(self) -> dict[str, float]:
        """How far a truck may carry an intermodal chain's container from an end or via place, by the place's
        country, where it is less than ``road_carriage_max_km``: ``road_carriage_max_km_eu`` in the member states
        of the EU (the ``eu_customs_union`` rows of ``unions.csv``), whose combined-transport rule keeps the road
        leg short (see the parameter's note)."""
        cap = min(self.param("road_carriage_max_km_eu"), self.param("road_carriage_max_km"))
        return dict.fromkeys(self.members(EU_UNION), cap)

    def own_terminal_places(self) -> list[int]:
        """Indices of the places an intermodal chain reaches (and leaves) by their own rail terminal when rail is
        allowed: rail-served places in the EU, where the combined-transport rule runs the road leg from the
        nearest suitable rail station (see ``road_carriage_max_km_eu``), which for a rail terminal is itself."""
        eu = self.members(EU_UNION)
        return [i for i, p in enumerate(self.places) if p.country in eu and "rail" in p.layers]

    def members(self, union: str) -> frozenset[str]:
        """The countries of a union of ``unions.csv``."""
        return frozenset(m.country for m in self.unions if m.union == union)

    def waived(self, a: str, b: str) -> frozenset[str]:
        """What a union holding both countries waives at their border (``unions.csv``): customs, border_checks."""
        unions_a = {m.union for m in self.unions if m.country == a}
        return frozenset(w for m in self.unions if m.country == b and m.union in unions_a for w in m.waives)

    @property
    def covers(self) -> tuple[date, date]:
        """The dates the pack answers for: (``covers_from``, ``as_of``) of ``dates.csv``."""
        by_name = {d.name: d.date for d in self.dates}
        return by_name["covers_from"], by_name["as_of"]

    def rail_usd_per_teu_km(self, country: str) -> float:
        """A railway's container rate in a country, USD/TEU-km, falling back to the ``*`` row."""
        return float(_by_country(self.rail_rates, country, "usd_per_teu_km", "rail_rates.csv"))

    def in_closed_sea(self, lat: float, lon: float) -> bool:
        """Whether a point lies in a sea without generic container shipping (``closed_seas.csv``)."""
        return any(bool(sea.contains(lat, lon)) for sea in self.closed_seas)

    def border_rule(self, a: str, b: str, mode: str) -> BorderRule | None:
        """The rule for crossing between countries ``a`` and ``b`` (any order), or None."""
        lo, hi = sorted((a, b))
        for rule in self.borders:
            if (rule.country_a, rule.country_b, rule.mode) == (lo, hi, mode):
                return rule
        return None


def _by_country(rows: tuple[Any, ...], country: str, attr: str, filename: str) -> Any:
    values = {row.country: getattr(row, attr) for row in rows}
    if country in values or "*" in values:
        return values.get(country, values.get("*"))
    raise DataError(f"no {attr} for {country!r} and no '*' default ({filename})")


# file name, row model, attribute used as the unique key
_TABLES: dict[str, tuple[str, type[_Row], tuple[str, ...]]] = {
    "places": ("places.csv", Place, ("id",)),
    "services": ("services.csv", Service, ("id",)),
    "parameters": ("parameters.csv", Parameter, ("name",)),
    "rail_speeds": ("rail_speeds.csv", RailSpeed, ("country",)),
    "borders": ("borders.csv", BorderRule, ("country_a", "country_b", "mode")),
    "crossings": ("crossings.csv", Crossing, ("id",)),
    "gauges": ("gauges.csv", Gauge, ("country",)),
    "links": ("links.csv", MissingLink, ("id",)),
    "corridors": ("corridors.csv", CorridorFamily, ("id",)),
    "unions": ("unions.csv", UnionMember, ("union", "country")),
    "status": ("status.csv", StatusRow, ("kind", "id", "status", "from_date")),
    "dates": ("dates.csv", PackDate, ("name",)),
    "rail_rates": ("rail_rates.csv", RailRate, ("country",)),
    "passenger_lines": ("passenger_lines.csv", PassengerLine, ("id",)),
    "closed_seas": ("closed_seas.csv", ClosedSea, ("id",)),
    "no_liner_passages": ("no_liner_passages.csv", NoLinerPassage, ("id",)),
    "flow_variants": ("flow_variants.csv", FlowVariant, ("id",)),
    "emission_factors": ("emission_factors.csv", EmissionFactor, ("activity",)),
    "rail_traction": ("rail_traction.csv", RailTraction, ("country",)),
    "grid_intensity": ("grid_intensity.csv", GridIntensity, ("country",)),
    "hub_factors": ("hub_factors.csv", HubFactor, ("hub",)),
}


def _pack_dir(directory: str | Path | None) -> Traversable:
    if directory is None:
        return resources.files("corridor").joinpath("data", "pack")
    return Path(directory)


def _fail(root: Traversable, filename: str, message: str) -> NoReturn:
    raise DataError(f"{filename}: {message}", path=str(root.joinpath(filename)))


def _read_table(root: Traversable, filename: str, model: type[_Row]) -> list[tuple[int, Any]]:
    """Parse one CSV into (line number, row) pairs; any problem becomes a DataError."""
    path = root.joinpath(filename)
    if not path.is_file():
        _fail(root, filename, f"file missing from the data pack at {root}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(root, filename, f"not valid UTF-8 ({exc.reason})")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header, expected = reader.fieldnames or [], list(model.model_fields)
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        _fail(root, filename, f"line 1: missing column(s) {missing}, unknown column(s) {unknown}")
    rows: list[tuple[int, Any]] = []
    try:
        for raw in reader:
            line = reader.line_num
            if None in raw or any(v is None for v in raw.values()):
                _fail(root, filename, f"line {line}: expected {len(header)} fields")
            if raw.get("country_a", "").strip() > raw.get("country_b", "").strip():
                raw["country_a"], raw["country_b"] = raw["country_b"], raw["country_a"]
                if (raw.get("dwell_hours_b_to_a") or "").strip():  # a directional dwell turns with its countries
                    raw["dwell_hours"], raw["dwell_hours_b_to_a"] = raw["dwell_hours_b_to_a"], raw["dwell_hours"]
            try:
                rows.append((line, model.model_validate(raw)))
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(p) for p in err["loc"]) or "row"
                got = raw.get(str(err["loc"][0])) if err["loc"] else None
                detail = err["msg"].removeprefix("Value error, ")
                detail += f" (got {got!r})" if got is not None else ""
                _fail(root, filename, f"line {line}: field {field!r}: {detail}")
    except csv.Error as exc:
        _fail(root, filename, f"line {reader.line_num}: malformed CSV ({exc})")
    return rows


def load_pack(directory: str | Path | None = None) -> DataPack:
    """Load and cross-check the data pack (default: the one shipped with corridor)."""
    root = _pack_dir(directory)
    tables: dict[str, list[tuple[int, Any]]] = {}
    for attr, (filename, model, key) in _TABLES.items():
        tables[attr] = _read_table(root, filename, model)
        seen: dict[tuple[Any, ...], int] = {}
        for line, row in tables[attr]:
            k = tuple(getattr(row, f) for f in key)
            if k in seen:
                _fail(
                    root,
                    filename,
                    f"line {line}: field {key[0]!r}: duplicate {k!r} (first on line {seen[k]})",
                )
            seen[k] = line
    place_ids = {row.id for _, row in tables["places"]}
    for line, svc in tables["services"]:
        for field in ("from_place", "to_place"):
            if (pid := getattr(svc, field)) not in place_ids:
                _fail(root, "services.csv", f"line {line}: field {field!r}: unknown place {pid!r}")
    service_names = {s.service for _, s in tables["services"]}
    for line, family in tables["corridors"]:
        for pid in family.via:  # a place id, a service name, or a sea passage tag (checked by the network build)
            if pid not in place_ids and pid not in service_names and not re.fullmatch(r"[a-z_]+", pid):
                _fail(root, "corridors.csv", f"line {line}: field 'via': unknown place or service {pid!r}")
    for line, variant in tables["flow_variants"]:
        for pid in variant.via:
            if pid not in place_ids:
                _fail(root, "flow_variants.csv", f"line {line}: field 'via': unknown place {pid!r}")
    names = {row.name for _, row in tables["parameters"]}
    if absent := [n for n in REQUIRED_PARAMETERS if n not in names]:
        _fail(root, "parameters.csv", f"missing required parameter(s) {absent}")
    _check_status(root, tables)
    if {d.name for _, d in tables["dates"]} != {"covers_from", "as_of"}:
        _fail(root, "dates.csv", "needs exactly the rows covers_from and as_of")
    for attr in ("rail_speeds", "gauges", "rail_rates", "rail_traction", "grid_intensity"):
        if all(row.country != "*" for _, row in tables[attr]):
            _fail(root, _TABLES[attr][0], "missing the '*' default row")
    for attr, column, wanted in (("emission_factors", "activity", ACTIVITIES), ("hub_factors", "hub", HUBS)):
        if absent := sorted(set(wanted) - {getattr(row, column) for _, row in tables[attr]}):
            _fail(root, _TABLES[attr][0], f"missing row(s) for {column} {absent}")
    if not tables["flow_variants"]:
        _fail(root, "flow_variants.csv", "needs at least one variant (a row with an empty 'avoid' is unrestricted)")
    rows_of: dict[str, Any] = {a: tuple(row for _, row in rows) for a, rows in tables.items()}
    rows_of["parameters"] = {p.name: p for p in rows_of["parameters"]}
    return DataPack(**rows_of)


def _check_status(root: Traversable, tables: dict[str, list[tuple[int, Any]]]) -> None:
    """Every status row names an element of the pack (sea passages are checked by the network build)."""
    known = {
        "service": {s.service for _, s in tables["services"]} | {s.id for _, s in tables["services"]},
        "crossing": {c.id for _, c in tables["crossings"]},
        "link": {x.id for _, x in tables["links"]},
        "place": {p.id for _, p in tables["places"]},
    }
    for line, row in tables["status"]:
        if row.kind in known and row.id not in known[row.kind]:
            close = difflib.get_close_matches(row.id, sorted(known[row.kind]), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            _fail(root, "status.csv", f"line {line}: field 'id': no {row.kind} {row.id!r} in the data pack{hint}")


def shipped_passenger_lines_path() -> Path:
    """The shipped ``passenger_lines.csv`` (the base network marks its lines once; a pack with other lines is
    marked when its network is joined)."""
    return Path(str(_pack_dir(None).joinpath("passenger_lines.csv")))


@functools.cache
def shipped_passenger_lines() -> tuple[PassengerLine, ...]:
    """The rows of the shipped ``passenger_lines.csv``, checked as ``load_pack`` checks them."""
    return tuple(row for _, row in _read_table(_pack_dir(None), "passenger_lines.csv", PassengerLine))


def pack_hash(directory: str | Path | None = None) -> str:
    """SHA-256 hex digest over the sorted file names and bytes of the pack directory and its folders (timetables)."""
    root = _pack_dir(directory)
    if not root.is_dir():
        raise DataError(f"data pack directory not found: {root}", path=str(root))
    digest = hashlib.sha256()

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file():
                data = entry.read_bytes()
                digest.update(f"{prefix}{entry.name}".encode() + b"\0")
                digest.update(len(data).to_bytes(8, "big") + data)

    walk(root, "")
    return digest.hexdigest()
