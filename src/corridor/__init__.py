"""corridor: freight routes, days, cost and CO2 on the China – Kazakhstan – Europe corridors.

>>> import corridor
>>> net = corridor.Network.load()                                  # doctest: +SKIP
>>> r = net.route("Xi'an", "Klaipeda", avoid={"RU", "BY"})         # doctest: +SKIP
>>> r.km, r.hours, r.usd_per_teu, r.kg_co2e_per_teu, r.countries   # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from corridor.api import Network, PlaceInfo, list_places
from corridor.errors import (
    CoordinateError,
    CorridorError,
    DataError,
    DemandError,
    FileFormatError,
    FileInputError,
    InputError,
    NoRouteError,
    OptionsError,
    ScenarioError,
    UnknownPlaceError,
)
from corridor.results import BorderCrossing, Leg, Route, RoutePath
from corridor.validation import validate

try:
    __version__ = version("corridor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BorderCrossing",
    "CoordinateError",
    "CorridorError",
    "DataError",
    "DemandError",
    "FileFormatError",
    "FileInputError",
    "InputError",
    "Leg",
    "Network",
    "NoRouteError",
    "OptionsError",
    "PlaceInfo",
    "Route",
    "RoutePath",
    "ScenarioError",
    "UnknownPlaceError",
    "__version__",
    "list_places",
    "validate",
]
