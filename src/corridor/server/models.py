"""Request and response bodies of the REST API, with the Python API's field names."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CompareRequest",
    "CorridorOptionModel",
    "ErrorModel",
    "PlaceModel",
    "ReachRequest",
    "RouteRequest",
    "ScenarioRunRequest",
]

Objective = Literal["time", "cost", "co2", "generalized", "distance"]
PlaceText = Field(
    min_length=1, max_length=120, description="A data-pack place name (any case, diacritics optional) or 'lat,lon'."
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class RouteRequest(_Request):
    """``Network.route``: a place name or 'lat,lon' at each end, and the options."""

    origin: str = PlaceText
    destination: str = PlaceText
    via: list[str] = Field(default=[], max_length=8)
    avoid: list[str] = Field(default=[], max_length=40)
    modes: list[Literal["rail", "road", "sea", "ferry", "service"]] | None = None
    objective: Objective = "time"
    value_of_time_usd_per_teu_hour: float | None = Field(default=None, ge=0, le=1e6)
    carbon_price_usd_per_t_co2e: float | None = Field(default=None, ge=0, le=1e6)

    @model_validator(mode="after")
    def _lengths(self) -> RouteRequest:
        for text in (*self.via, *self.avoid):
            if not text or len(text) > 120:
                raise ValueError("via and avoid entries must be 1 to 120 characters")
        return self


class CompareRequest(_Request):
    """``Network.compare``: one pair, every corridor family of the data pack (or those named)."""

    origin: str = PlaceText
    destination: str = PlaceText
    corridors: list[str] | None = Field(default=None, max_length=20)
    objective: Objective = "generalized"
    avoid: list[str] = Field(default=[], max_length=40)


class ReachRequest(_Request):
    """``Network.reach``: exactly one budget, days or usd_per_teu."""

    origin: str = PlaceText
    days: float | None = Field(default=None, gt=0, le=120)
    usd_per_teu: float | None = Field(default=None, gt=0, le=100_000)
    via: str | None = Field(default=None, min_length=1, max_length=120)
    corridor: str | None = Field(default=None, min_length=1, max_length=60)
    geojson: bool = False

    @model_validator(mode="after")
    def _one_budget(self) -> ReachRequest:
        if (self.days is None) == (self.usd_per_teu is None):
            raise ValueError("give exactly one budget: days or usd_per_teu")
        return self


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
    usd_per_teu: float | None
    kg_co2e_per_teu: float | None
    countries: list[str]
    border_crossings: int
    gauge_changes: int
    route: dict[str, Any] | str


class ErrorModel(BaseModel):
    detail: str
    suggestions: list[str] = []
