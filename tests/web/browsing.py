"""Helpers of the browser tests: pages, screenshots and what the map has drawn.

Screenshots are kept in ``artifacts/browser/`` for a person to look at.
"""

import os
import shutil
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
CHROMIUM = os.environ.get("CORRIDOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# no GPU here: WebGL through SwiftShader; no background traffic to the outside world
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The two screens the page is laid out for: a laptop (panel beside the map) and a phone (the panel a bottom sheet).
SCREENS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def open_page(browser, *, width=1400, height=900, is_phone=False):
    """A fresh page in its own context; console errors, page errors and failed responses go to ``page.problems``."""
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=is_phone, has_touch=is_phone)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
    return page


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def settle(page):
    """Wait until the map has drawn everything it was asked to and no camera move is under way."""
    page.evaluate(
        "() => new Promise((done) => { const m = window.corridor.map;"
        " (m.loaded() && !m.isMoving()) ? done() : m.once('idle', done); })"
    )


def rendered(page, layer):
    """How many features of a map layer are drawn on screen now."""
    settle(page)
    return page.evaluate(f"() => window.corridor.map.queryRenderedFeatures({{layers: ['{layer}']}}).length")


def wait_state(page, state, seconds=90):
    page.wait_for_selector(f"body[data-state={state}]", timeout=seconds * 1000)


def table(page):
    """The results table as {corridor id: [cell texts after the name]}."""
    rows = page.query_selector_all("#results tbody tr")
    return {r.get_attribute("data-corridor"): [c.inner_text() for c in r.query_selector_all("td")][1:] for r in rows}
