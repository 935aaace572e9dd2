"""The corridor exception tree.

Every error names the input at fault and what was expected. Catch at any level::

    CorridorError
    ├── InputError(CorridorError, ValueError)   bad user input
    │   ├── UnknownPlaceError      .query, .suggestions, .hint
    │   ├── CoordinateError        .lat, .lon, .snap_distance_km
    │   ├── OptionsError           conflicting or invalid options (.option)
    │   └── FileInputError         a user's file or request body that cannot be used (.path, .line, .field)
    │       ├── ScenarioError      scenario YAML or JSON body
    │       ├── DemandError        demand CSV or OMX
    │       └── FileFormatError    TNTP files, benchmark tables, other tables
    ├── DataError                  data pack, base layer or cache problem (.path)
    ├── ExtraNotInstalledError     a feature whose optional dependencies are missing (.extra)
    └── NoRouteError               .origin, .destination, .constraints
"""

from __future__ import annotations

__all__ = [
    "CoordinateError",
    "CorridorError",
    "DataError",
    "DemandError",
    "ExtraNotInstalledError",
    "FileFormatError",
    "FileInputError",
    "InputError",
    "NoRouteError",
    "OptionsError",
    "ScenarioError",
    "UnknownPlaceError",
]


class CorridorError(Exception):
    """Base class of every error raised by corridor."""


class InputError(CorridorError, ValueError):
    """The caller passed something corridor cannot use."""


class UnknownPlaceError(InputError):
    """A place name matched nothing: no data-pack place (and, for a route's ends, no town either).

    ``hint`` (what else the caller may give, such as 'lat,lon') ends the message after any suggestions.
    """

    def __init__(self, query: str, suggestions: list[str], *, hint: str = "") -> None:
        self.query = query
        self.suggestions = list(suggestions)
        self.hint = hint
        self.option: str | None = None  # which input held the name ("origin", "via", "destination"), once known
        close = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        tail = (f" {hint[0].upper()}{hint[1:]}" if close else f"; {hint}") if hint else ""
        super().__init__(f"unknown place {query!r}{close}{tail}")


class CoordinateError(InputError):
    """Coordinates out of range, or too far from any usable network."""

    def __init__(self, message: str, *, lat: float, lon: float, snap_distance_km: float | None = None) -> None:
        self.lat = lat
        self.lon = lon
        self.snap_distance_km = snap_distance_km
        self.option: str | None = None  # which input held them ("origin", "via", "destination"), once known
        super().__init__(message)


class OptionsError(InputError):
    """Options that are invalid or contradict each other."""

    def __init__(self, message: str, *, option: str) -> None:
        self.option = option
        super().__init__(message)


class FileInputError(InputError):
    """A file or request body given by the user that cannot be used; names where the fault is."""

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None, field: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        super().__init__(message)


class ScenarioError(FileInputError):
    """A scenario (YAML file or JSON body) that is malformed or names what the data pack lacks."""


class DemandError(FileInputError):
    """A demand matrix (CSV or OMX) that is malformed, too large or names unknown places."""


class FileFormatError(FileInputError):
    """A TNTP file, benchmark table or other input table that does not follow its format."""


class DataError(CorridorError):
    """The data pack, a base layer or the cache is missing or malformed."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)


class ExtraNotInstalledError(CorridorError):
    """A feature needs an optional part of corridor that is not installed (``pip install 'corridor[extra]'``)."""

    def __init__(self, feature: str, extra: str) -> None:
        self.extra = extra
        super().__init__(f"{feature} needs corridor's {extra!r} extra: pip install 'corridor[{extra}]'")


class NoRouteError(CorridorError):
    """No route satisfies the request; never answered with a silent None."""

    def __init__(self, message: str, *, origin: str, destination: str, constraints: dict | None = None) -> None:
        self.origin = origin
        self.destination = destination
        self.constraints = dict(constraints or {})
        super().__init__(message)
