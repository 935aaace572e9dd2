"""The route on the map, on a laptop and on a phone: the first view, legs by mode, place labels, the legend,
alternatives and the quote sheet.

Positions are checked the way a reader sees them: points projected by the map into page pixels, against the
boxes of the map, the panel (beside the map on a laptop, a bottom sheet on a phone) and the legend.
"""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from browsing import SCREENS, open_page, settle, shot, wait_state

pytestmark = [pytest.mark.integration, pytest.mark.browser]

QUERY = {"from": "Xi'an", "to": "Klaipeda", "objective": "generalized"}
STOP_MODES = {"border", "transfer"}


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    """A fresh page on a laptop or a phone screen: (name, page)."""
    name = request.param
    page = open_page(browser, **SCREENS[name], is_phone=name == "phone")
    yield name, page
    page.context.close()


def box(page, selector):
    """An element's box in page px, as {left, top, right, bottom}."""
    b = page.locator(selector).bounding_box()
    return {"left": b["x"], "top": b["y"], "right": b["x"] + b["width"], "bottom": b["y"] + b["height"]}


def free_map_area(page):
    """The part of the map the panel does not cover, in page px (the panel is beside the map or a sheet over it)."""
    area = box(page, "#map")
    panel = box(page, "#panel")
    viewport = page.viewport_size
    area["right"] = min(area["right"], viewport["width"])
    area["bottom"] = min(area["bottom"], viewport["height"])
    if panel["left"] <= area["left"] + 1 and panel["right"] >= area["right"] - 1:  # a sheet across the map
        area["bottom"] = min(area["bottom"], panel["top"])
    elif panel["right"] > area["left"]:  # a panel over the map's left side
        area["left"] = panel["right"]
    return area


# (lat, lon) points to page px, through the map's own projection
PROJECT_JS = """(points) => {
  const m = window.corridor.map;
  const r = m.getContainer().getBoundingClientRect();
  return points.map(([lat, lon]) => { const p = m.project([lon, lat]); return [r.left + p.x, r.top + p.y]; });
}"""
# the features drawn from the legs source, with the paint each is drawn with (the layer's, evaluated for it)
DRAWN_LEGS_JS = """() => {
  const m = window.corridor.map;
  const layers = m.getStyle().layers.filter((l) => l.source === "legs" && !["legs-casing", "leg-ties"].includes(l.id));
  const keys = ["line-color", "line-dasharray", "circle-color", "circle-stroke-color"];
  const paintOf = (f) => JSON.stringify(keys.map((k) => (f.layer.paint && f.layer.paint[k]) ?? null));
  return m.queryRenderedFeatures({ layers: layers.map((l) => l.id) })
    .map((f) => ({ mode: f.properties.mode, index: f.properties.index, layer: f.layer.id, paint: paintOf(f) }));
}"""


def project(page, lat_lon):
    """(lat, lon) points as [x, y] page px, projected by the map."""
    return page.evaluate(PROJECT_JS, [list(p) for p in lat_lon])


def inside(point, area):
    x, y = point
    return area["left"] <= x <= area["right"] and area["top"] <= y <= area["bottom"]


def labels(page):
    """The place labels on the map (HTML markers): [(kind, name, shown)]."""
    return page.eval_on_selector_all(
        ".maplibregl-marker.place-label",
        "els => els.map(e => [e.dataset.kind, e.textContent, !e.classList.contains('quiet')])",
    )


def drawn_legs(page):
    """The legs the map draws now, each with the paint it is drawn with: [{mode, index, layer, paint}]."""
    settle(page)
    return page.evaluate(DRAWN_LEGS_JS)


def test_first_view_shows_both_ends_clear_of_panel_and_legend(screen, base_url, world):
    name, page = screen
    page.goto(f"{base_url}/?{urlencode(QUERY)}")
    wait_state(page, "done")
    settle(page)
    route = world.route("Xi'an", "Klaipeda", objective="generalized", draws=0)

    # both ends lie in the part of the map nobody covers, and not under the legend
    area = free_map_area(page)
    legend = box(page, "#legend")
    ends = project(page, [route.coordinates[0], route.coordinates[-1]])
    for end, place in zip(ends, ("Xi'an", "Klaipėda"), strict=True):
        assert inside(end, area), f"{place} at {end} is outside the free map area {area} ({name})"
        assert not inside(end, legend), f"{place} is under the legend ({name})"
    # the legend covers no point of the route
    covered = [p for p in project(page, route.coordinates) if inside(p, legend)]
    assert covered == [], f"the legend {legend} covers {len(covered)} route points ({name})"

    # the panel: beside the map on a laptop, a bottom sheet over it on a phone, whose legend starts folded
    panel = box(page, "#panel")
    is_open = page.eval_on_selector("#legend", "d => d.open")
    if name == "phone":
        assert panel["bottom"] == pytest.approx(SCREENS["phone"]["height"], abs=1) and panel["top"] > 300
        assert not is_open and page.is_visible("#legend summary")
        assert page.is_visible("#sheet-handle")
    else:
        assert panel["right"] <= box(page, "#map")["left"] + 1
        assert is_open, "the legend has room to stay open beside this route"
        assert not page.is_visible("#sheet-handle")

    # the places are named by HTML markers: the ends shown, every border of the route present
    found = labels(page)
    shown = {text for _, text, is_shown in found if is_shown}
    assert {route.origin, route.destination} <= shown
    assert {b.name for b in route.border_crossings} <= {text for kind, text, _ in found if kind == "border"}
    shot(page, f"first-view-{name}")
    assert page.problems == []


def test_legs_by_mode_labels_and_alternatives(screen, base_url, world):
    name, page = screen
    page.goto(f"{base_url}/?{urlencode({**QUERY, 'show': 'middle'})}")
    wait_state(page, "done")
    # the legs and figures do not depend on the transit-time draws: none asked here, to save time
    options = world.compare("Xi'an", "Klaipeda", objective="generalized", draws=0)
    middle = next(o for o in options if o.corridor == "middle")

    # every leg of the Middle Corridor is drawn, each mode with its own paint
    legs = drawn_legs(page)
    assert {leg["index"] for leg in legs} == set(range(len(middle.route.legs)))
    paint = {}
    for leg in legs:
        paint.setdefault(leg["mode"], set()).add(leg["paint"])
    assert set(paint) == {leg.mode for leg in middle.route.legs}
    assert {"rail", "ferry", "border", "transfer"} <= set(paint)
    assert all(len(p) == 1 for p in paint.values()), paint
    line_paints = [next(iter(paint[m])) for m in paint if m not in STOP_MODES]
    stop_paints = [next(iter(paint[m])) for m in STOP_MODES]
    assert len(set(line_paints)) == len(line_paints) and len(set(stop_paints)) == 2
    # and the legend names them all
    legend_modes = page.eval_on_selector_all("#legend-modes li", "lis => lis.map(li => li.dataset.mode)")
    assert set(paint) <= set(legend_modes)
    # the ports and terminals where the mode changes are named on the map
    transfers = {leg.from_ for leg in middle.route.legs if leg.mode == "transfer"}
    named = {text for kind, text, _ in labels(page) if kind in ("transfer", "origin", "destination")}
    assert transfers <= named
    shot(page, f"middle-corridor-{name}")

    # alternatives for the query's own options: listed with their figures, the Pareto ones marked
    found = world.alternatives("Xi'an", "Klaipeda", k=3, objective="generalized", draws=0)
    if name == "phone":
        page.click("#sheet-handle")  # the whole sheet
        assert page.get_attribute("#panel", "data-sheet") == "full"
    page.click("#alternatives")
    page.wait_for_selector("#alternatives-list tbody tr")
    rows = page.query_selector_all("#alternatives-list tbody tr")
    assert len(rows) == len(found.routes)
    for row, route, label, i in zip(rows, found.routes, found.labels, range(len(rows)), strict=True):
        cells = [c.inner_text() for c in row.query_selector_all("td")]
        assert cells[0].startswith(label)
        assert float(cells[1]) == pytest.approx(route.days, abs=0.05)
        assert float(cells[2].replace(",", "")) == pytest.approx(route.usd_per_teu, abs=0.5)
        assert float(cells[3].replace(",", "")) == pytest.approx(route.kg_co2e_per_teu, abs=0.5)
        assert ("Pareto" in cells[0]) == (i in found.pareto)
    # choosing one (the one of most modes) draws it, leg by leg, and lists its legs
    pick = max(range(len(found.routes)), key=lambda i: len({leg.mode for leg in found.routes[i].legs}))
    rows[pick].click()
    if name == "phone":  # the sheet steps down so that the chosen route shows
        assert page.get_attribute("#panel", "data-sheet") == "peek"
    legs = drawn_legs(page)
    chosen = found.routes[pick]
    assert {leg["index"] for leg in legs} == set(range(len(chosen.legs)))
    assert {leg["mode"] for leg in legs} == {leg.mode for leg in chosen.legs}
    assert len(page.query_selector_all("#leg-list li")) == len(chosen.legs)
    assert parse_qs(urlparse(page.url).query)["show"] == [f"alt-{pick + 1}"]
    # in a view fitted to it, both of its ends in the free map area, and the legend off it
    area, legend = free_map_area(page), box(page, "#legend")
    assert all(inside(end, area) for end in project(page, [chosen.coordinates[0], chosen.coordinates[-1]]))
    assert not [p for p in project(page, chosen.coordinates) if inside(p, legend)]
    shot(page, f"alternative-{name}")
    assert page.problems == []


def test_quote_sheet_opens_for_the_query(page, base_url):
    page.goto(f"{base_url}/?{urlencode({**QUERY, 'avoid': 'RU,BY'})}")
    wait_state(page, "done")
    with page.context.expect_event("response", lambda r: "/sheet?" in r.url) as answer, page.expect_popup() as popup:
        page.click("#sheet")
    response = answer.value
    assert response.status == 200 and response.headers["content-type"].startswith("text/html")
    asked = parse_qs(urlparse(response.url).query)
    assert asked["origin"] == ["Xi'an"] and asked["destination"] == ["Klaipeda"] and asked["avoid"] == ["RU,BY"]
    sheet = popup.value
    sheet.wait_for_load_state()
    assert "Klaipėda" in sheet.inner_text("body")
    shot(sheet, "quote-sheet")
    assert page.problems == []
