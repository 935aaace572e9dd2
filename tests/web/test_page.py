"""The map page in headless Chromium: loading offline, queries from the search boxes, a shared URL and map clicks.

The server, the browser and the helpers are in ``conftest.py`` and ``browsing.py``.
"""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from browsing import rendered, shot, table, wait_state

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_page_loads_offline_without_console_errors(page, base_url, world):
    outside = []
    page.on("request", lambda r: not r.url.startswith(base_url) and outside.append(r.url))
    page.goto(base_url)
    wait_state(page, "ready")
    assert page.title().startswith("corridor")
    assert rendered(page, "land") > 20  # country outlines from our own data
    assert rendered(page, "places") > 20  # the data pack's places
    page.wait_for_load_state("networkidle")
    assert rendered(page, "rail") > 0  # the rail network in view
    assert rendered(page, "services") > 0  # ferries and trains
    options = page.eval_on_selector_all("#place-names option", "os => os.map(o => o.value)")
    assert set(options) == {p.name for p in world.pack.places}
    shot(page, "page-loaded")
    assert page.problems == []
    assert outside == [], "the page must not reach outside the server"


def test_search_boxes_draw_routes_and_fill_the_table(page, base_url, world):
    from corridor import DEFAULT_COMPARE_OBJECTIVE

    page.goto(base_url)
    wait_state(page, "ready")
    assert page.input_value("#objective") == DEFAULT_COMPARE_OBJECTIVE  # the server's default, not the page's
    page.fill("#origin", "Xi'an")
    page.fill("#destination", "Klaipeda")
    page.click("#go")
    wait_state(page, "done")

    rows = table(page)
    expected = world.compare("Xi'an", "Klaipeda", objective="generalized")
    assert list(rows) == ["best"] + [o.corridor for o in expected]
    for option in expected:
        cells = rows[option.corridor]
        if option.feasible:
            assert float(cells[0]) == pytest.approx(option.route.days, abs=0.05)
            assert int(cells[3]) == len(option.route.border_crossings)
        else:
            assert cells == ["not feasible"]
    best = world.route("Xi'an", "Klaipeda", objective="generalized")
    assert float(rows["best"][0]) == pytest.approx(best.days, abs=0.05)

    # every feasible corridor is drawn, in its own colour
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate(
        "() => [...new Set(window.corridor.map.queryRenderedFeatures({layers: ['routes']})"
        ".map(f => f.properties.corridor + ' ' + f.properties.colour))]"
    )
    assert {d.split()[0] for d in drawn} == {"best"} | {o.corridor for o in expected if o.feasible}
    assert len({d.split()[1] for d in drawn}) == len(drawn)

    # the legs of the selected route: one list item per leg, borders and gauge changes named
    legs = page.query_selector_all("#leg-list li")
    assert len(legs) == len(best.legs)
    border_text = " ".join(li.inner_text() for li in page.query_selector_all("#leg-list li.leg-border"))
    assert "gauge change" in border_text
    page.click("#results tr[data-corridor=middle]")
    middle = next(o for o in expected if o.corridor == "middle")
    assert len(page.query_selector_all("#leg-list li")) == len(middle.route.legs)
    assert page.query_selector_all("#leg-list li.leg-ferry"), "the Caspian crossing is listed"
    assert "waiting for a departure" in page.inner_text("#leg-list")
    # each feasible corridor shows its transit P50 / P90 days (the compare answer's) with a P10–P90 bar
    for option in expected:
        if option.feasible:
            cell = page.inner_text(f"#results tr[data-corridor={option.corridor}] td.spread-cell")
            p50, p90 = (float(x) for x in cell.split("/"))
            assert p50 == pytest.approx(option.p50_days, abs=0.05) and p90 == pytest.approx(option.p90_days, abs=0.05)
    assert page.query_selector_all("#results td.spread-cell .band-p50")
    # and the selected route names the legs that make its P90 long, the largest share of the spread first
    assert page.is_visible("#spread")
    drivers = [li.inner_text() for li in page.query_selector_all("#spread-legs li")]
    top = max(middle.route.reliability.legs, key=lambda leg: leg.spread_share)
    assert 2 <= len(drivers) <= 3 and top.from_ in drivers[0]
    shot(page, "query-from-search-boxes")
    page.focus("#results tr[data-corridor=sea_cape]")  # the keyboard chooses rows too
    page.keyboard.press("Enter")
    assert page.get_attribute("#results tr.selected", "data-corridor") == "sea_cape"
    sea = next(o for o in expected if o.corridor == "sea_cape")
    assert len(page.query_selector_all("#leg-list li")) == len(sea.route.legs)
    page.click("#results tr[data-corridor=middle]")

    query = parse_qs(urlparse(page.url).query)
    assert query["from"] == ["Xi'an"] and query["to"] == ["Klaipeda"] and query["show"] == ["middle"]
    assert page.problems == []


def test_shared_url_restores_the_query(page, base_url, world):
    params = {"from": "Almaty", "to": "Poti", "objective": "time", "avoid": "RU,BY", "via": "Aktau", "show": "middle"}
    page.goto(f"{base_url}/?{urlencode(params)}")
    wait_state(page, "done")
    assert page.input_value("#origin") == "Almaty"
    assert page.input_value("#destination") == "Poti"
    assert page.input_value("#objective") == "time"
    assert page.input_value("#avoid") == "RU,BY"
    assert page.input_value("#via") == "Aktau"
    assert page.get_attribute("#results tr.selected", "data-corridor") == "middle"

    best = world.route("Almaty", "Poti", objective="time", avoid=["RU", "BY"], via=["Aktau"])
    assert float(table(page)["best"][0]) == pytest.approx(best.days, abs=0.05)
    page.wait_for_load_state("networkidle")
    assert rendered(page, "routes") > 0
    shot(page, "query-from-shared-url")
    assert parse_qs(urlparse(page.url).query) == {k: [v] for k, v in params.items()}
    assert page.problems == []


def test_clicking_two_places_on_the_map_runs_the_query(page, base_url):
    page.goto(base_url)
    wait_state(page, "ready")
    rendered(page, "places")
    for name in ("Almaty", "Aktau"):
        x, y = page.evaluate(
            "(name) => { const m = window.corridor.map; const f = m.queryRenderedFeatures({layers: ['places']})"
            ".find(f => f.properties.name === name); const p = m.project(f.geometry.coordinates); return [p.x, p.y]; }",
            name,
        )
        box = page.query_selector("#map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
    wait_state(page, "done")
    assert page.input_value("#origin") == "Almaty"
    assert page.input_value("#destination") == "Aktau"
    assert table(page)["best"][0] != "not feasible"
    shot(page, "query-from-map-clicks")
    assert page.problems == []


def test_api_docs_work_offline(page, base_url):
    outside = []
    page.on("request", lambda r: not r.url.startswith(base_url) and outside.append(r.url))
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path[data-path='/route']", timeout=60_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "ps => ps.map(p => p.dataset.path)")
    assert {"/route", "/compare", "/reach", "/scenario/run", "/network/{layer}", "/places", "/health"} <= set(paths)
    shot(page, "api-docs")
    assert page.problems == []
    assert outside == []


def test_unknown_place_offers_suggestions(page, base_url):
    page.goto(base_url)
    wait_state(page, "ready")
    page.fill("#origin", "Klaipeeda")
    page.fill("#destination", "Baku")
    page.click("#go")
    wait_state(page, "error")
    assert "Klaipeeda" in page.inner_text("#status")
    suggestions = page.eval_on_selector_all("#status button", "bs => bs.map(b => b.textContent)")
    assert "Klaipėda" in suggestions
    page.click("#status button >> nth=0")  # taking a suggestion runs the query
    wait_state(page, "done")
    assert page.input_value("#origin") == suggestions[0]
