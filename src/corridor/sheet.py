"""A quote sheet: one printable HTML page about one route, for a forwarder's customer.

It holds a map of the legs (inline SVG on country outlines, no tiles and no scripts, so it prints
and works offline), the legs with their days and cost, the transit-time distribution (planned,
P50, P90), the emissions by ISO 14083 where the route carries them, and the data pack's as-of
date with the sources of the figures the route used.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.errors import OptionsError
from corridor.results import Leg, Route

if TYPE_CHECKING:
    from corridor.datapack import DataPack

__all__ = ["MODE_STYLES", "Source", "quote_sheet", "route_sources", "route_svg", "write_quote_sheet"]

#: How each mode is drawn on the sheet's map: (colour, dash pattern or "" for solid, width in px).
MODE_STYLES: dict[str, tuple[str, str, float]] = {
    "rail": ("#1f5fa8", "", 2.6),
    "road": ("#d9480f", "5 3", 2.2),
    "sea": ("#0b7285", "2 4", 2.0),
    "ferry": ("#5f3dc4", "7 3", 2.6),
    "service": ("#2b8a3e", "", 3.2),
    "transfer": ("#495057", "", 1.2),
}
_WIDTH, _HEIGHT = 720.0, 380.0

_STYLE = """<style>
@page { size: A4; margin: 12mm; }
body { font: 12px/1.35 system-ui, sans-serif; color: #222; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 18px; margin: 0 0 2px; } h2 { font-size: 13px; margin: 12px 0 4px; }
.sub { color: #555; margin: 0 0 8px; }
.figures { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
.figures div { border: 1px solid #ccc; border-radius: 4px; padding: 4px 8px; }
.figures b { display: block; font-size: 15px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 2px 5px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
svg { width: 100%; height: auto; border: 1px solid #ccc; }
.legend span { margin-right: 10px; white-space: nowrap; }
.small, .sources { font-size: 10px; color: #444; }
.sources li { overflow-wrap: anywhere; }
@media print { .noprint { display: none; } }
</style>"""


@dataclass(frozen=True)
class Source:
    """Where one figure of the route comes from: what it is, its source (a URL or a method) and as-of date."""

    what: str
    source: str
    as_of: str


def route_sources(route: Route, pack: DataPack) -> list[Source]:
    """The pack rows behind the route's figures: the services it rides, the crossings it passes and the speed, rate
    and emission parameters of the modes it uses (each once, in the order met)."""
    out: dict[str, Source] = {}
    services = {s.service: s for s in pack.services}
    crossings = {c.name: c for c in pack.crossings}
    modes = []
    for leg in route.legs:
        if leg.service and leg.service in services:
            service = services[leg.service]
            name = f"service {leg.service}"
            out.setdefault(name, Source(name, service.source, str(service.as_of)))
        if leg.border is not None and leg.border.name in crossings:
            crossing = crossings[leg.border.name]
            name = f"crossing {leg.border.name}"
            out.setdefault(name, Source(name, crossing.source, str(crossing.as_of)))
        if leg.mode not in modes:
            modes.append(leg.mode)
    for mode in modes:
        for name in (f"{mode}_speed_km_per_hour", f"{mode}_usd_per_teu_km"):
            parameter = pack.parameters.get(name)
            if parameter is not None:
                out.setdefault(name, Source(name, parameter.source, str(parameter.as_of)))
    if route.emissions is not None:  # the emission factors, traction shares and grid intensities the figures used
        for what, urls in route.emissions.sources:
            if urls:
                out.setdefault(what, Source(what, " ; ".join(urls), _as_of_of(what, pack)))
    return list(out.values())


def _as_of_of(what: str, pack: DataPack) -> str:
    """The as-of date of a pack parameter named in an emissions source key ("parameters.csv:name"), else
    "see the table" (the factor tables keep theirs per row)."""
    table, _, name = what.partition(":")
    row = pack.parameters.get(name) if table == "parameters.csv" else None
    return str(row.as_of) if row is not None else "see the table's row"


def _projection(points: np.ndarray) -> tuple[Any, tuple[float, float, float, float]]:
    """A function (lat, lon) arrays → (x, y) in the map's pixels (equirectangular, scaled by the cosine of the
    middle latitude so shapes keep their proportions), and the lon/lat box the whole map shows."""
    lat0, lat1 = float(points[:, 0].min()), float(points[:, 0].max())
    lon0, lon1 = float(points[:, 1].min()), float(points[:, 1].max())
    pad_lat, pad_lon = max((lat1 - lat0) * 0.12, 1.0), max((lon1 - lon0) * 0.08, 1.5)
    lat0, lat1, lon0, lon1 = lat0 - pad_lat, lat1 + pad_lat, lon0 - pad_lon, lon1 + pad_lon
    aspect = math.cos(math.radians((lat0 + lat1) / 2.0))
    scale = min(_WIDTH / ((lon1 - lon0) * aspect), _HEIGHT / (lat1 - lat0))
    mid_lon, mid_lat = (lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0

    def project(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = _WIDTH / 2.0 + (np.asarray(lon) - mid_lon) * aspect * scale
        return x, _HEIGHT / 2.0 - (np.asarray(lat) - mid_lat) * scale

    half_lon, half_lat = _WIDTH / 2.0 / (aspect * scale), _HEIGHT / 2.0 / scale
    return project, (mid_lon - half_lon, mid_lat - half_lat, mid_lon + half_lon, mid_lat + half_lat)


def _path(x: np.ndarray, y: np.ndarray) -> str:
    return "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x.tolist(), y.tolist(), strict=True))


def route_svg(route: Route, *, outlines: list[tuple[str, Any]] | None = None) -> str:
    """The route's legs drawn by mode on country outlines (``corridor.country_outlines`` when not given), with
    the places where the mode changes labelled."""
    import shapely

    points = np.asarray(route.coordinates, float).reshape(-1, 2)
    if not len(points):
        return ""
    project, (lon0, lat0, lon1, lat1) = _projection(points)
    if outlines is None:
        from corridor.network.countries import country_outlines

        outlines = country_outlines(0.05, box=(lon0, lat0, lon1, lat1))
    box = shapely.box(lon0, lat0, lon1, lat1)
    parts = [f'<svg viewBox="0 0 {_WIDTH:.0f} {_HEIGHT:.0f}" xmlns="http://www.w3.org/2000/svg" role="img">']
    parts.append(f'<rect width="{_WIDTH:.0f}" height="{_HEIGHT:.0f}" fill="#dfeef7"/>')
    for _, shape in outlines:
        if not shapely.intersects(shape, box):
            continue
        clipped = shapely.intersection(shape, box)
        for poly in getattr(clipped, "geoms", [clipped]):
            if isinstance(poly, shapely.Polygon) and not poly.is_empty:
                xy = np.asarray(poly.exterior.coords)
                x, y = project(xy[:, 1], xy[:, 0])
                parts.append(f'<path d="{_path(x, y)} Z" fill="#f4f3ee" stroke="#b5b5b5" stroke-width="0.5"/>')
    for leg in route.legs:
        if len(leg.coordinates) < 2 or leg.mode not in MODE_STYLES:
            continue
        colour, dash, width = MODE_STYLES[leg.mode]
        line = np.asarray(leg.coordinates, float)
        x, y = project(line[:, 0], line[:, 1])
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path d="{_path(x, y)}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed} '
            f'stroke-linejoin="round" stroke-linecap="round"><title>{html.escape(_leg_title(leg))}</title></path>'
        )
    placed: list[tuple[float, float]] = []
    for name, lat, lon, size in _labelled_places(route):
        x, y = (float(v[0]) for v in project(np.array([lat]), np.array([lon])))
        radius = 4.5 if size == "end" else 3.0
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#fff" stroke="#222" stroke-width="1.5"/>')
        if size != "end" and any(abs(x - a) < 90 and abs(y - b) < 14 for a, b in placed):
            continue  # a label here would run into one already placed: the circle alone marks the point
        placed.append((x, y))
        font = 'font-size="12" font-weight="700"' if size == "end" else 'font-size="9"'
        anchor = 'text-anchor="end" ' if x > _WIDTH - 120 else ""  # near the right edge: the label goes left
        text_x = x - 6 if anchor else x + 6
        parts.append(
            f'<text x="{text_x:.1f}" y="{y - 5:.1f}" {anchor}{font} paint-order="stroke" stroke="#fff" '
            f'stroke-width="3">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _leg_title(leg: Leg) -> str:
    return f"{leg.mode}: {leg.from_} → {leg.to}, {leg.km:,.0f} km, {leg.hours:,.1f} h"


def _labelled_places(route: Route) -> list[tuple[str, float, float, str]]:
    """(name, lat, lon, "end" or "stop") of the origin and the destination first, so they are labelled before
    anything near them, then of each border crossing and each place where the route changes between rail, road,
    sea, ferry and service."""
    ends: list[tuple[str, float, float, str]] = []
    if route.coordinates:
        ends.append((route.origin, *route.coordinates[0], "end"))
        ends.append((route.destination, *route.coordinates[-1], "end"))
    stops: dict[str, tuple[float, float]] = {}
    previous = None
    for leg in route.legs:
        if not leg.coordinates:
            continue
        if leg.mode == "border":
            stops.setdefault(leg.from_, leg.coordinates[0])
        elif leg.mode != "transfer":
            if previous is not None and leg.mode != previous:
                stops.setdefault(leg.from_, leg.coordinates[0])
            previous = leg.mode
    named = {name for name, *_ in ends}
    return ends + [(name, lat, lon, "stop") for name, (lat, lon) in stops.items() if name not in named]


def _legend_entry(mode: str) -> str:
    colour, dash, width = MODE_STYLES[mode]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<span><svg width="26" height="8" style="border:0;width:26px"><line x1="0" y1="4" x2="26" y2="4" '
        f'stroke="{colour}" stroke-width="{width}"{dashed}/></svg> {mode}</span>'
    )


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _legs_table(route: Route) -> str:
    rows = []
    for leg in route.legs:
        what = leg.service or (leg.border.name if leg.border else "")
        rows.append(
            "<tr>"
            f"<td>{html.escape(leg.mode)}</td><td>{html.escape(leg.from_)}</td><td>{html.escape(leg.to)}</td>"
            f'<td class="n">{leg.km:,.0f}</td><td class="n">{leg.hours / 24:,.1f}</td>'
            f'<td class="n">{_money(leg.usd_per_teu)}</td><td class="n">{leg.kg_co2e_per_teu:,.0f}</td>'
            f"<td>{html.escape(what)}</td></tr>"
        )
    rows.append(
        f'<tr><th colspan="3">total</th><th class="n">{route.km:,.0f}</th><th class="n">{route.days:,.1f}</th>'
        f'<th class="n">{_money(route.usd_per_teu)}</th><th class="n">{route.kg_co2e_per_teu:,.0f}</th><th></th></tr>'
    )
    head = (
        '<tr><th>mode</th><th>from</th><th>to</th><th class="n">km</th><th class="n">days</th>'
        '<th class="n">USD/TEU</th><th class="n">kg CO2e/TEU</th><th>service or crossing</th></tr>'
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _emissions_part(route: Route) -> str:
    """The ISO 14083 figures the route carries (``route.emissions``): per leg and per hub, TTW and WTW, the total
    and the method; or a line saying they are not given."""
    if route.emissions is None:
        return "<p>Emissions by ISO 14083 were not computed for this route.</p>"
    data = route.emissions.to_dict()
    rows = []
    for leg in data["legs"]:
        ends = leg["from"] if leg["from"] == leg["to"] else f"{leg['from']} → {leg['to']}"
        rows.append(
            f"<tr><td>{html.escape(ends)}</td>"
            f"<td>{html.escape(str(leg['activity']))}</td><td>{html.escape(str(leg['carrier']))}</td>"
            f'<td class="n">{_number(leg["tonne_km"])}</td><td class="n">{_number(leg["ttw_kg_co2e"], 1)}</td>'
            f'<td class="n">{_number(leg["wtw_kg_co2e"], 1)}</td></tr>'
        )
    for hub in data["hubs"]:
        moves = f"{hub['moves']} container move{'s' if hub['moves'] != 1 else ''}"
        rows.append(
            f"<tr><td>{html.escape(str(hub['place']))}</td><td>{html.escape(str(hub['hub']).replace('_', ' '))}</td>"
            f'<td>{moves}</td><td></td><td class="n">{_number(hub["ttw_kg_co2e"], 1)}</td>'
            f'<td class="n">{_number(hub["wtw_kg_co2e"], 1)}</td></tr>'
        )
    head = (
        '<tr><th>leg or hub</th><th>activity</th><th>energy</th><th class="n">t-km</th>'
        '<th class="n">TTW kg CO2e</th><th class="n">WTW kg CO2e</th></tr>'
    )
    totals = (
        f'<tr><th colspan="3">total, one TEU with {data["cargo_tonnes_per_teu"]:g} t of cargo</th>'
        f'<th class="n">{_number(data["tonne_km"])}</th><th class="n">{_number(data["ttw_kg_co2e"], 1)}</th>'
        f'<th class="n">{_number(data["wtw_kg_co2e"], 1)}</th></tr>'
    )
    method = html.escape(str(data["method"]))
    return f'<table>{head}{"".join(rows)}{totals}</table><p class="small">{method}</p>'


def _number(value: Any, digits: int = 0) -> str:
    return f"{float(value):,.{digits}f}" if isinstance(value, int | float) else "—"


def quote_sheet(route: Route, pack: DataPack) -> str:
    """The quote sheet of ``route`` as one self-contained HTML page."""
    rel = route.reliability
    figures = [
        ("door to door, expected", f"{route.days:,.1f} days"),
        ("cost", f"US$ {_money(route.usd_per_teu)} per TEU"),
        ("CO2e", f"{route.kg_co2e_per_teu:,.0f} kg per TEU"),
        ("distance", f"{route.km:,.0f} km"),
    ]
    if rel is not None:
        figures[1:1] = [
            ("transit planned", f"{rel.planned_hours / 24:,.1f} days"),
            ("transit P50 / P90", f"{rel.p50_hours / 24:,.1f} / {rel.p90_hours / 24:,.1f} days"),
        ]
    boxes = "".join(f"<div>{html.escape(k)}<b>{html.escape(v)}</b></div>" for k, v in figures)
    legend = "".join(_legend_entry(mode) for mode in MODE_STYLES if any(leg.mode == mode for leg in route.legs))
    crossings = ", ".join(html.escape(b.name) for b in route.border_crossings) or "none"
    sources = "".join(
        f"<li>{html.escape(s.what)}: {html.escape(s.source)} (as of {html.escape(s.as_of)})</li>"
        for s in route_sources(route, pack)
    )
    _, pack_as_of = pack.covers
    via = f" via {html.escape(', '.join(route.via))}" if route.via else ""
    title = f"{route.origin} → {route.destination}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Quote: {html.escape(title)}</title>
{_STYLE}</head><body>
<h1>{html.escape(title)}</h1>
<p class="sub">One TEU{via}, best by {html.escape(route.objective)}, {html.escape(route.profile or "")} profile; \
asked for {html.escape(route.as_of or "")}. Countries: {html.escape(" – ".join(route.countries))}. \
Border crossings: {crossings}.</p>
<div class="figures">{boxes}</div>
{route_svg(route)}
<p class="legend small">{legend}</p>
<h2>Legs</h2>
{_legs_table(route)}
<h2>Emissions (ISO 14083)</h2>
{_emissions_part(route)}
<h2>Notes</h2>
<p class="small">Days door to door include the expected waits for services and the handling at the two ends; \
transit P50 and P90 are the terminal-to-terminal days that half and nine in ten containers beat \
({rel.draws if rel else 0:,} Monte Carlo draws). Costs are US$ per TEU, without duties, insurance or \
demurrage. Figures from the corridor data pack as of {pack_as_of.isoformat()}.</p>
<h2>Sources</h2><ul class="sources">{sources}</ul>
</body></html>"""


def write_quote_sheet(route: Route, pack: DataPack, path: str | Path) -> Path:
    """Write :func:`quote_sheet` to ``path`` (an .html file)."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OptionsError(f"quote sheet {path.name!r}: use a .html file name", option="sheet")
    path.write_text(quote_sheet(route, pack), encoding="utf-8")
    return path
