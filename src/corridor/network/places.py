"""Find a place by name (any case, any diacritics, aliases) or parse ``lat,lon`` text.

Two ways to compare names: ``normalise_name`` keeps ASCII letters and digits only (the data pack's
place names and aliases are Latin-script, and this is how they have always matched), and
``fold_name`` keeps every script, so that "Алматы", "Клайпеда" and "西安" stay names (the town index
of ``corridor.network.towns`` folds with it).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

from corridor.errors import CoordinateError, UnknownPlaceError

__all__ = [
    "PlaceIndex",
    "PlaceQuery",
    "check_coordinates",
    "fold_name",
    "fold_names",
    "normalise_name",
    "parse_coordinates",
]

#: What a caller may pass for a place: a name, "lat,lon" text, or a (lat, lon) pair.
PlaceQuery = str | tuple[float, float]

_COORDS = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[,;\s]\s*([+-]?\d+(?:\.\d+)?)\s*$")

# Latin letters that Unicode does not decompose into a base letter and a mark, written as the letters a reader
# would type without them; and apostrophe-like modifier letters (category Lm, so "letters" to str.isalnum), dropped
_LATIN_BASE = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
    "ı": "i", "ŧ": "t", "Ŧ": "T", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
    **dict.fromkeys("ʹʺʻʼʽʾʿˀˁˈˊˋˌ", ""),
}  # fmt: skip
_LATIN_SPECIAL = re.compile("[" + "".join(_LATIN_BASE) + "]")  # a regex visits only these (str.translate every char)
# not a letter or digit of any script (marks, punctuation, spaces, symbols, "_"), except the NUL that fold_names
# joins names with
_NOT_ALNUM = re.compile(r"[^\w\x00]+|_+")


def normalise_name(text: str) -> str:
    """Casefolded ASCII letters and digits only: 'Klaipėda' and "Xi'an" become 'klaipeda', 'xian'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.casefold())


def fold_names(texts: list[str]) -> list[str]:
    """``fold_name`` of each text, in one pass over all of them (a million names in about a second)."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:  # a text holds the separator itself
        joined = "\x00".join(t.replace("\x00", "") for t in texts)
    plain = _LATIN_SPECIAL.sub(lambda m: _LATIN_BASE[m[0]], joined)
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", plain).casefold()).split("\x00")


def fold_name(text: str) -> str:
    """A name without case, diacritics, punctuation or spaces, in its own script.

    'Klaipėda', 'KLAIPEDA' and 'Klaipeda' give 'klaipeda'; 'Łódź' 'lodz'; "Xi'an" 'xian'; 'Алматы' 'алматы';
    '西安' '西安'. Marks go in every script (Cyrillic й folds as и, ё as е), and letters that carry no separable
    mark are written plainly (ł l, ø o, ı i, æ ae, ß ss).
    """
    return fold_names([text])[0]


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
    """Lookup from every name, alias and id of the data pack's places to a place index.

    ``countries``, ``lat`` and ``lon`` (one per place, where the places carry them) let a town found by another
    name be matched to the pack place named after it (``corridor.network.towns``).
    """

    keys: dict[str, int]
    names: tuple[str, ...]
    countries: tuple[str, ...] = ()
    lat: tuple[float, ...] = ()
    lon: tuple[float, ...] = ()

    @classmethod
    def from_places(cls, places) -> PlaceIndex:
        keys: dict[str, int] = {}
        for i, place in enumerate(places):
            for label in (place.name, place.id, *place.aliases):
                key = normalise_name(label)
                if key:  # a label in another script has no ASCII key: it must not match every such query
                    keys.setdefault(key, i)
        return cls(
            keys,
            tuple(p.name for p in places),
            tuple(str(getattr(p, "country", "")) for p in places),
            tuple(float(getattr(p, "lat", math.nan)) for p in places),
            tuple(float(getattr(p, "lon", math.nan)) for p in places),
        )

    def lookup(self, query: str) -> int | None:
        """Index of the place named ``query`` (a name, alias or id in any case, with or without diacritics), or
        None."""
        key = normalise_name(query)
        return self.keys.get(key) if key else None

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """Up to ``n`` place names close to ``query`` (by difflib's ratio of the normalised names), best first."""
        key = normalise_name(query)
        if not key:
            return []
        close = difflib.get_close_matches(key, list(self.keys), n=5, cutoff=0.6)
        return list(dict.fromkeys(self.names[self.keys[k]] for k in close))[:n]

    def find(self, query: str) -> int:
        """Index of the place named ``query``; UnknownPlaceError with suggestions otherwise."""
        found = self.lookup(query)
        if found is not None:
            return found
        raise UnknownPlaceError(query, self.suggest(query))
