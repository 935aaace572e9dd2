"""Request and response bodies of the REST API, with the Python API's field names and defaults.

Defaults and bounds come from the library's constants; the query options are checked by
``corridor.QueryOptions.make``, the same check the Python API makes, so a body is refused for
the reasons a Python call would be, with the field named (an ``OptionsError`` becomes a 422 whose
``loc`` is the option).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

import corridor

__all__ = [
    "AssignRequest",
    "CompareRequest",
    "CorridorOptionModel",
    "ErrorModel",
    "PathRequest",
    "PlaceModel",
    "ReachRequest",
    "RouteRequest",
    "ScenarioCompareRequest",
    "ScenarioRunRequest",
    "ValidateRequest",
]

T = TypeVar("T")

#: Most places in ``via``, codes in ``avoid`` and corridor ids in ``corridors``.
MAX_VIA, MAX_AVOID, MAX_CORRIDORS = 8, 40, 20
#: Most seconds an assignment may be given (the scenario lane's time cap stops it in any case).
MAX_ASSIGN_SECONDS = 120.0
#: Monte Carlo draws of a route's reliability by default and at most, and the largest seed: the library's figures
#: (``QueryOptions.make`` checks them again), spelled out for the schema; tests hold them equal.
DEFAULT_DRAWS, MAX_DRAWS, MAX_SEED = 10_000, 1_000_000, 2**63 - 1

# spelled out for the OpenAPI schema and type checkers; tests hold them equal to corridor's constants
Objective = Literal["time", "cost", "co2", "generalized", "distance"]
Mode = Literal["rail", "road", "sea", "ferry", "service"]
PlaceKind = Literal["rail_terminal", "seaport", "ferry_port", "border_crossing", "gauge_change"]
DemandSet = Literal["corridor-2024"]
Method = Literal["sue", "ue", "so"]
Profile = Literal["intermodal", "truck"]
PlaceText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        description='A data-pack place name (any case, diacritics optional), a town ("Poznań", '
        "\"Stockholm, SE\"), a seaport UN/LOCODE or 'lat,lon'.",
    ),
]
LatLon = Annotated[tuple[float, float], Field(description="[lat, lon] in degrees.")]
Place = PlaceText | LatLon
Codes = Annotated[str, Field(max_length=3 * MAX_AVOID)] | Annotated[list[str], Field(max_length=MAX_AVOID)]
ValueOfTime = Annotated[float, Field(ge=0, le=corridor.VALUE_OF_TIME_MAX_USD_PER_TEU_HOUR)]
CarbonPrice = Annotated[float, Field(ge=0, le=corridor.CARBON_PRICE_MAX_USD_PER_T_CO2E)]
AsOf = Annotated[str, Field(max_length=40)]
Depart = Annotated[str, Field(max_length=40)]
Draws = Annotated[int, Field(ge=0, le=MAX_DRAWS, strict=True)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED, strict=True)]
_SEED_TEXT = "Seed of the draws: the same seed gives the same figures."
_DEPART_TEXT = (
    "When the container is ready at the origin, ISO 8601: 2026-12-07T08:00, 2026-12-07 (midnight) or "
    "2026-12-07T08:00+05:00; without a time zone it is UTC. Timetabled ferries and trains are boarded at their next "
    "departure, and the reliability gives the arrival moments (planned, P10, P50, P90, in UTC)."
)
_AS_OF_TEXT = (
    "The day asked for, YYYY, YYYY-MM or YYYY-MM-DD (default: the data pack's as-of date): services, crossings, "
    "links, places and sea passages closed or suspended that day are not used."
)


def checked(make: Callable[[], T]) -> T:
    """``make()``, an OptionsError from it raised as a validation error at the option it names."""
    try:
        return make()
    except corridor.OptionsError as exc:
        error = PydanticCustomError("options", "{message}", {"message": str(exc)})
        detail = InitErrorDetails(type=error, loc=tuple(exc.option.split(".")), input=None)
        raise ValidationError.from_exception_data("request", [detail]) from None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PathRequest(_Request):
    """``Network.path``: a place name, 'lat,lon' or [lat, lon] at each end, and the options."""

    origin: Place
    destination: Place
    via: Place | Annotated[list[Place], Field(max_length=MAX_VIA)] | None = None
    avoid: Codes | None = None
    modes: Annotated[str, Field(max_length=60)] | list[Mode] | None = None
    objective: Objective = corridor.DEFAULT_OBJECTIVE
    value_of_time_usd_per_teu_hour: ValueOfTime | None = None
    carbon_price_usd_per_t_co2e: CarbonPrice | None = None
    max_snap_km: float = Field(default=corridor.DEFAULT_MAX_SNAP_KM, gt=0, le=corridor.MAX_SNAP_KM_LIMIT)
    as_of: AsOf | None = Field(default=None, description=_AS_OF_TEXT)
    profile: Profile = Field(
        default=corridor.DEFAULT_PROFILE,
        description="intermodal: trucks only for pre- and on-carriage near the ends and via places; "
        "truck: road may carry the whole way.",
    )

    @model_validator(mode="after")
    def _check(self) -> PathRequest:
        checked(self.options)
        return self

    def options(self) -> corridor.QueryOptions:
        """The checked options (``QueryOptions.make``: an OptionsError names the option)."""
        return corridor.QueryOptions.make(**self._options())

    def _options(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            "avoid": self.avoid,
            "via": self.via,
            "modes": self.modes,
            "value_of_time_usd_per_teu_hour": self.value_of_time_usd_per_teu_hour,
            "carbon_price_usd_per_t_co2e": self.carbon_price_usd_per_t_co2e,
            "max_snap_km": self.max_snap_km,
            "as_of": self.as_of,
            "profile": self.profile,
        }


class RouteRequest(PathRequest):
    """``Network.route``: the path's question, and when the container departs and how its reliability is drawn."""

    depart: Depart | None = Field(default=None, description=_DEPART_TEXT)
    draws: Draws = Field(
        default=DEFAULT_DRAWS,
        description="Monte Carlo draws of the transit-time distribution (``reliability``); 0 for none.",
    )
    seed: Seed = Field(default=0, description=_SEED_TEXT)
    cargo_tonnes_per_teu: Annotated[float, Field(gt=0, le=30)] | None = Field(
        default=None,
        description="Net cargo in the TEU, t (at most 30; default: the data pack's teu_net_tonnes, 10 t), for the "
        "route's ISO 14083 emissions (``emissions``: TTW and WTW kg CO2e by leg and hub).",
    )

    def _options(self) -> dict[str, Any]:
        return super()._options() | {
            "depart": self.depart, "draws": self.draws, "seed": self.seed,
            "cargo_tonnes_per_teu": self.cargo_tonnes_per_teu,
        }  # fmt: skip


class AlternativesRequest(PathRequest):
    """``Network.alternatives``: the path's question, how many different routes to answer, and their draws."""

    k: int = Field(default=3, ge=1, le=5, strict=True, description="How many different routes (1–5).")
    rank: Literal["objective", "p90"] = Field(
        default="objective",
        description="Order the routes by the objective, or by their transit P90 (the most reliable first; "
        "needs draws above 0).",
    )
    draws: Draws = Field(
        default=DEFAULT_DRAWS,
        description="Monte Carlo draws of each route's transit-time distribution (``reliability``); 0 for none.",
    )
    seed: Seed = Field(default=0, description=_SEED_TEXT)


class SheetQuery(_Request):
    """The question of a quote sheet, as query parameters: names or 'lat,lon' at the ends, the options as text."""

    origin: PlaceText
    destination: PlaceText
    via: Annotated[list[PlaceText], Field(max_length=MAX_VIA)] = []
    avoid: Annotated[str, Field(max_length=3 * MAX_AVOID)] | None = None
    modes: Annotated[str, Field(max_length=60)] | None = None
    objective: Objective = corridor.DEFAULT_OBJECTIVE
    as_of: AsOf | None = Field(default=None, description=_AS_OF_TEXT)
    profile: Profile = corridor.DEFAULT_PROFILE

    @model_validator(mode="after")
    def _check(self) -> SheetQuery:
        checked(self._options)
        return self

    def _options(self) -> corridor.QueryOptions:
        return corridor.QueryOptions.make(
            via=self.via or None, avoid=self.avoid, modes=self.modes, objective=self.objective,
            as_of=self.as_of, profile=self.profile,
        )  # fmt: skip

    def route_request(self) -> RouteRequest:
        """The same question as a ``/route`` body (checked there)."""
        via: list[Any] | None = list(self.via) or None
        return RouteRequest(
            origin=self.origin, destination=self.destination, via=via, avoid=self.avoid,
            modes=self.modes, objective=self.objective, as_of=self.as_of, profile=self.profile,
        )  # fmt: skip


class CompareRequest(_Request):
    """``Network.compare``: one pair, every corridor family of the data pack (or those named)."""

    origin: Place
    destination: Place
    corridors: Annotated[str, Field(max_length=400)] | Annotated[list[str], Field(max_length=MAX_CORRIDORS)] | None = (
        None
    )
    objective: Objective = corridor.DEFAULT_COMPARE_OBJECTIVE
    avoid: Codes | None = None
    value_of_time_usd_per_teu_hour: ValueOfTime | None = None
    carbon_price_usd_per_t_co2e: CarbonPrice | None = None
    as_of: AsOf | None = Field(default=None, description=_AS_OF_TEXT)
    draws: Draws = Field(
        default=DEFAULT_DRAWS,
        description="Monte Carlo draws of each family's route (its P50 and P90 days); 0 for none.",
    )
    seed: Seed = Field(default=0, description=_SEED_TEXT)

    @model_validator(mode="after")
    def _check(self) -> CompareRequest:
        checked(self.options)
        return self

    def options(self) -> corridor.QueryOptions:
        """The checked objective, prices, countries and day every family's route shares."""
        return corridor.QueryOptions.make(
            objective=self.objective,
            avoid=self.avoid,
            value_of_time_usd_per_teu_hour=self.value_of_time_usd_per_teu_hour,
            carbon_price_usd_per_t_co2e=self.carbon_price_usd_per_t_co2e,
            as_of=self.as_of,
            draws=self.draws,
            seed=self.seed,
        )


class ReachRequest(_Request):
    """``Network.reach``: exactly one budget, days or usd_per_teu."""

    origin: Place
    days: float | None = Field(default=None, gt=0, le=corridor.REACH_MAX_DAYS)
    usd_per_teu: float | None = Field(default=None, gt=0, le=corridor.REACH_MAX_USD_PER_TEU)
    via: Place | None = None
    corridor: str | None = Field(default=None, min_length=1, max_length=60)
    geojson: bool = False

    @model_validator(mode="after")
    def _one_budget(self) -> ReachRequest:
        if (self.days is None) == (self.usd_per_teu is None):
            checked(_refuse("give exactly one budget: days or usd_per_teu", "days"))
        return self


class AssignRequest(_Request):
    """``Network.assign``: a shipped demand set by name (never a file), the method and the prices."""

    demand: DemandSet = corridor.DEFAULT_DEMAND_SET
    method: Method = corridor.DEFAULT_ASSIGN_METHOD
    gap: float = Field(default=corridor.DEFAULT_ASSIGN_GAP, gt=0, le=1)
    max_seconds: float | None = Field(default=None, gt=0, le=MAX_ASSIGN_SECONDS)
    value_of_time_usd_per_teu_hour: (
        ValueOfTime | Annotated[dict[Annotated[str, Field(max_length=40)], ValueOfTime], Field(max_length=20)] | None
    ) = Field(default=None, description="One value, or one per demand class; default the data pack's.")
    carbon_price_usd_per_t_co2e: CarbonPrice | None = None
    avoid: Codes | None = None
    dispersion_per_usd: float | None = Field(
        default=None, gt=0, le=1, description="Logit dispersion of sue, per USD per TEU; default the data pack's."
    )
    rank_bottlenecks: bool = True

    @model_validator(mode="after")
    def _check(self) -> AssignRequest:
        checked(lambda: corridor.QueryOptions.make(avoid=self.avoid))
        return self


class ValidateRequest(_Request):
    """``corridor.validate``: benchmark rows as CSV text in the shipped set's format, or none for the shipped set."""

    benchmarks: str | None = Field(
        default=None, description="CSV text with the columns of the shipped benchmarks; default: the shipped set."
    )


class ScenarioRunRequest(_Request):
    """A shipped scenario by ``name``, or a scenario ``body`` (the YAML fields as JSON; it may extend
    only shipped scenarios: no file is ever read from a request)."""

    name: str | None = Field(default=None, min_length=1, max_length=60)
    body: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> ScenarioRunRequest:
        if (self.name is None) == (self.body is None):
            raise ValueError("give exactly one of name or body")
        return self


class ScenarioCompareRequest(_Request):
    """Scenario ``b`` against ``a``, each a shipped name or a body."""

    a: ScenarioRunRequest
    b: ScenarioRunRequest


def _refuse(message: str, option: str) -> Callable[[], None]:
    def refuse() -> None:
        raise corridor.OptionsError(message, option=option)

    return refuse


class PlaceModel(BaseModel):
    id: str
    name: str
    country: str
    kinds: list[str]
    lat: float
    lon: float
    handling_hours: float
    handling_usd_per_teu: float


class CorridorOptionModel(BaseModel):
    corridor: str
    name: str
    feasible: bool
    days: float | None
    p50_days: float | None = Field(description="Median transit days (terminal to terminal) of the family's route.")
    p90_days: float | None = Field(description="Transit days that 90 % of containers beat on the family's route.")
    usd_per_teu: float | None
    kg_co2e_per_teu: float | None
    countries: list[str]
    border_crossings: int
    gauge_changes: int
    route: dict[str, Any] | str


class ErrorModel(BaseModel):
    detail: str
    suggestions: list[str] = []
    field: str | None = None
