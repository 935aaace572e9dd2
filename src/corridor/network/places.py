"""Find a place by name (any case, any diacritics, aliases) or parse ``lat,lon`` text."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from corridor.errors import CoordinateError, UnknownPlaceError

__all__ = ["PlaceIndex", "PlaceQuery", "check_coordinates", "normalise_name", "parse_coordinates"]

#: What a caller may pass for a place: a name, "lat,lon" text, or a (lat, lon) pair.
PlaceQuery = str | tuple[float, float]

_COORDS = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[,;\s]\s*([+-]?\d+(?:\.\d+)?)\s*$")


def normalise_name(text: str) -> str:
    """Casefolded ASCII letters and digits only: 'Klaipėda' and "Xi'an" become 'klaipeda', 'xian'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.casefold())


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from 'lat,lon' text; None if the text is not coordinates.

    Raises CoordinateError when it is coordinates but out of range.
    """
    match = _COORDS.match(text)
    if match is None:
        return None
    return check_coordinates((float(match.group(1)), float(match.group(2))), text=text.strip())


def check_coordinates(pair, *, text: str | None = None) -> tuple[float, float]:
    """A (lat, lon) pair as floats; CoordinateError when it is not two numbers in range."""
    try:
        lat, lon = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise CoordinateError(
            f"expected a place name, 'lat,lon' or a (lat, lon) pair, got {pair!r}", lat=float("nan"), lon=float("nan")
        ) from None
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        shown = repr(text) if text is not None else f"({lat:g}, {lon:g})"
        raise CoordinateError(
            f"coordinates {shown} out of range: expected lat in [-90, 90] and lon in [-180, 180], as 'lat,lon'",
            lat=lat,
            lon=lon,
        )
    return lat, lon


@dataclass(frozen=True)
class PlaceIndex:
    """Lookup from every name, alias and id of the data pack's places to a place index."""

    keys: dict[str, int]
    names: tuple[str, ...]

    @classmethod
    def from_places(cls, places) -> PlaceIndex:
        keys: dict[str, int] = {}
        for i, place in enumerate(places):
            for label in (place.name, place.id, *place.aliases):
                keys.setdefault(normalise_name(label), i)
        return cls(keys, tuple(p.name for p in places))

    def find(self, query: str) -> int:
        """Index of the place named ``query``; UnknownPlaceError with suggestions otherwise."""
        key = normalise_name(query)
        if key in self.keys:
            return self.keys[key]
        close = difflib.get_close_matches(key, list(self.keys), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(self.names[self.keys[k]] for k in close))[:3]
        raise UnknownPlaceError(query, suggestions)
