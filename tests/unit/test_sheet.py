"""The quote sheet: one self-contained printable page with the map, legs, days, cost, emissions and sources."""

import re
from html.parser import HTMLParser

import pytest

import corridor
from corridor.sheet import MODE_STYLES, route_sources, write_quote_sheet


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self.paths = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"
        if tag == "path":
            self.paths.append(dict(attrs))


@pytest.fixture(scope="module")
def sheet(small_net):
    route = small_net.route("Westburg", "Northhaven", draws=500)
    return route, small_net.quote_sheet(route)


def test_the_sheet_holds_the_figures_a_customer_reads(sheet, small_net):
    route, text = sheet
    rel = route.reliability
    assert "Westburg → Northhaven" in text
    assert f"{route.days:,.1f} days" in text and f"US$ {route.usd_per_teu:,.0f} per TEU" in text
    assert f"{rel.planned_hours / 24:,.1f} days" in text
    assert f"{rel.p50_hours / 24:,.1f} / {rel.p90_hours / 24:,.1f} days" in text
    _, as_of = small_net.pack.covers
    assert f"as of {as_of.isoformat()}" in text
    for leg in route.legs:  # every leg is a row with its cost
        assert f'<td class="n">{leg.usd_per_teu:,.0f}</td>' in text
    assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", text)


def test_the_map_draws_each_moving_leg_in_its_mode_style_without_scripts(sheet):
    route, text = sheet
    page = _Page()
    page.feed(text)
    assert page.scripts == 0 and "svg" in page.tags
    drawn = [p for p in page.paths if p.get("fill") == "none"]
    moving = [leg for leg in route.legs if leg.mode in MODE_STYLES and len(leg.coordinates) >= 2]
    assert len(drawn) == len(moving) >= 3
    for path, leg in zip(drawn, moving, strict=True):
        assert path["stroke"] == MODE_STYLES[leg.mode][0]
    assert len({p["stroke"] for p in drawn}) >= 2  # rail and ferry look different


def test_sources_name_the_rows_behind_the_route(sheet, small_net):
    route, _ = sheet
    sources = route_sources(route, small_net.pack)
    whats = [s.what for s in sources]
    assert any(w.startswith("service ") for w in whats)  # the ferry
    assert any(w.startswith("crossing ") for w in whats)  # the border
    assert "rail_usd_per_teu_km" in whats
    assert len(whats) == len(set(whats))
    for s in sources:
        assert s.source and s.as_of


def test_a_sheet_file_must_be_html(small_net, tmp_path):
    route = small_net.route("Westburg", "Eastgrad", draws=0)
    path = write_quote_sheet(route, small_net.pack, tmp_path / "quote.html")
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")
    with pytest.raises(corridor.OptionsError) as err:
        write_quote_sheet(route, small_net.pack, tmp_path / "quote.pdf")
    assert err.value.option == "sheet"
