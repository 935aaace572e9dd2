"""Fixtures of the browser tests: a real server (uvicorn, the real app and network) on a free local port and
one headless Chromium (Debian's package, driven by Playwright; no browser download), both for the session."""

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from browsing import CHROMIUM, CHROMIUM_ARGS, open_page

from corridor.server import create_app


@pytest.fixture(scope="session")
def base_url(world):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(world), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package (`make test` does) or set CORRIDOR_CHROMIUM"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page on a large screen (see ``open_page``)."""
    page = open_page(browser)
    yield page
    page.context.close()
