"""Options several commands share, with the Python API's meaning and the library's defaults."""

from __future__ import annotations

from typing import Annotated

import typer

import corridor

__all__ = [
    "DEFAULT_DRAWS",
    "AsJson",
    "AsOf",
    "Avoid",
    "CarbonPrice",
    "Depart",
    "Draws",
    "Objective",
    "Place",
    "Profile",
    "Seed",
    "ValueOfTime",
    "Via",
    "split_names",
]

DEFAULT_DRAWS = corridor.DEFAULT_DRAWS

Place = Annotated[str, typer.Argument(help="Place name or 'lat,lon'.")]
Avoid = Annotated[str | None, typer.Option(help="Countries to avoid, ISO-2 comma list, e.g. RU,BY.")]
Via = Annotated[
    list[str] | None,
    typer.Option(
        "--via",
        help="Pass through this place, or ride this service, sail this sea passage or cross at this border crossing "
        "(repeat, in order).",
    ),
]
Objective = Annotated[str, typer.Option(help=f"{' | '.join(corridor.OBJECTIVES)}.")]
ValueOfTime = Annotated[
    float | None, typer.Option(help="USD per TEU-hour (generalized only; default: the data pack's).")
]
CarbonPrice = Annotated[float | None, typer.Option(help="USD per t CO2e (generalized only; default: the data pack's).")]
AsOf = Annotated[
    str | None,
    typer.Option(
        help="The day asked for, YYYY, YYYY-MM or YYYY-MM-DD (default: the data pack's as-of date): services, "
        "crossings, links, places and sea passages closed or suspended that day are not used."
    ),
]
Profile = Annotated[
    str,
    typer.Option(
        help=f"{' | '.join(corridor.PROFILES)}: intermodal keeps trucks to pre- and on-carriage near the ends "
        "and via places; truck lets road carry the whole way."
    ),
]
Depart = Annotated[
    str | None,
    typer.Option(
        help="When the container is ready at the origin, ISO 8601: 2026-12-07T08:00, 2026-12-07 (midnight) or "
        "2026-12-07T08:00+05:00; without a time zone it is UTC. Timetabled ferries and trains are boarded at their "
        "next departure, and the arrival is dated (planned, P10, P50, P90, in UTC)."
    ),
]
Draws = Annotated[
    int,
    typer.Option(
        help="Monte Carlo draws of the transit-time distribution (P10/P50/P90/P95 and each leg's share); 0 for none."
    ),
]
Seed = Annotated[int, typer.Option(help="Seed of the draws: the same seed gives the same figures.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def split_names(text: str | None) -> list[str] | None:
    """A comma list as names (None when not given)."""
    return [name.strip() for name in text.split(",") if name.strip()] if text else None
