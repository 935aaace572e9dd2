"""Which elements of the network are usable on a date: the pack's status table read for one day.

``status.csv`` records when a service, crossing, link, place or sea passage is closed or
suspended, and the service life (``open`` rows) of elements that opened or will open. A question
is answered "as of" one day; :func:`closures_on` lists what is unusable that day and why, and the
router turns that list into blocked edges. Figures (costs, times) do not change with the date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from corridor.constants import SEA_PASSAGE_NAMES
from corridor.datapack import StatusRow
from corridor.errors import OptionsError

__all__ = ["Closure", "closures_on", "parse_as_of"]

_AS_OF = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class Closure:
    """Why an element cannot be used on the day asked."""

    kind: str  # service | crossing | link | place | passage
    id: str
    status: str  # suspended | closed | not_open
    from_date: date | None
    until_date: date | None
    source: str
    name: str = ""  # the element's display name (a crossing's, a place's), when known

    def text(self) -> str:
        """A short reason, e.g. ``Viking train suspended since 2022-02-24``."""
        if self.kind == "service":
            what = self.id
        elif self.kind == "passage":
            what = SEA_PASSAGE_NAMES.get(self.id, f"sea passage {self.id}")
        else:
            what = f"{self.kind} {self.name or self.id}"
        if self.status == "not_open":
            if self.from_date is not None:
                return f"{what} not open until {self.from_date.isoformat()}"
            return f"{what} closed since {self.until_date.isoformat() if self.until_date else '?'}"
        if self.from_date and self.until_date:
            return f"{what} {self.status} {self.from_date.isoformat()} – {self.until_date.isoformat()}"
        if self.from_date:
            return f"{what} {self.status} since {self.from_date.isoformat()}"
        if self.until_date:
            return f"{what} {self.status} until {self.until_date.isoformat()}"
        return f"{what} {self.status}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "status": self.status,
            "from_date": self.from_date.isoformat() if self.from_date else None,
            "until_date": self.until_date.isoformat() if self.until_date else None,
            "name": self.name or self.id,
            "text": self.text(),
            "source": self.source,
        }


def _covers(row: StatusRow, day: date) -> bool:
    return (row.from_date is None or row.from_date <= day) and (row.until_date is None or day <= row.until_date)


def closures_on(
    rows: Iterable[StatusRow], day: date, names: dict[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], Closure]:
    """(kind, id) → why it is unusable on ``day``, for every element a status row closes that day (``names`` gives
    display names by (kind, id), e.g. a crossing's)."""
    names = names or {}
    by_element: dict[tuple[str, str], list[StatusRow]] = {}
    for row in rows:
        by_element.setdefault((row.kind, row.id), []).append(row)
    out: dict[tuple[str, str], Closure] = {}
    for key, element_rows in sorted(by_element.items()):
        shut = [r for r in element_rows if r.status != "open" and _covers(r, day)]
        if shut:
            r = shut[0]
            out[key] = Closure(r.kind, r.id, r.status, r.from_date, r.until_date, r.source, names.get(key, ""))
            continue
        life = [r for r in element_rows if r.status == "open"]
        if life and not any(_covers(r, day) for r in life):
            later = sorted(r.from_date for r in life if r.from_date and r.from_date > day)
            ended = sorted(r.until_date for r in life if r.until_date and r.until_date < day)
            r = life[0]
            if later:
                out[key] = Closure(r.kind, r.id, "not_open", later[0], None, r.source, names.get(key, ""))
            else:
                end = ended[-1] if ended else None
                out[key] = Closure(r.kind, r.id, "not_open", None, end, r.source, names.get(key, ""))
    return out


def parse_as_of(value: Any, covers: tuple[date, date]) -> date:
    """The day a question is asked for: None (the pack's as-of date), a date, or ``YYYY[-MM[-DD]]`` text
    (the first day of a year or month); OptionsError naming ``as_of`` when invalid or outside ``covers``."""
    first, last = covers
    if value is None:
        return last
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and (match := _AS_OF.match(value.strip())):
        year, month, dom = (int(g) if g else 1 for g in match.groups())
        try:
            day = date(year, month, dom)
        except ValueError as exc:
            raise OptionsError(f"as_of {value!r} is not a date ({exc})", option="as_of") from None
    else:
        raise OptionsError(f"as_of must be a date written YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}", option="as_of")
    if not first <= day <= last:
        raise OptionsError(
            f"as_of {day.isoformat()} is outside the dates the data pack covers, "
            f"{first.isoformat()} to {last.isoformat()}",
            option="as_of",
        )
    return day
