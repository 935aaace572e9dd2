"""Shared fixtures and the rules every test follows.

* ``small_net``: a hand-built network of a few dozen nodes (``tests/small_network.py``), for unit tests.
* ``world``: the real world network, loaded (and built on first use) once per session. Only tests marked
  ``integration`` may use it, directly or through another fixture: a test that asks for it without the
  marker is a usage error, before anything runs. A test not marked ``integration`` that loads the world
  network some other way (``Network.load``, ``Network.from_pack``: a CLI command, a server app or a
  scenario run) fails, naming itself.
* The world network's cache lives in ``.test-cache/`` at the repository root (git ignores it), never in the
  user's cache folder; set ``CORRIDOR_CACHE_DIR`` to put it elsewhere (CI, a shared build).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_CACHE_DIR = REPO / ".test-cache"

# before any corridor code asks for its cache folder (corridor reads the variable at each load)
if not os.environ.get("CORRIDOR_CACHE_DIR"):
    os.environ["CORRIDOR_CACHE_DIR"] = str(TEST_CACHE_DIR)

# --doctest-modules (pyproject.toml) would import every conftest.py as a module; two share the name "conftest"
collect_ignore_glob = ["*conftest.py"]

WORLD_FIXTURE = "world"
INTEGRATION = "integration"


def _is_integration(item: pytest.Item) -> bool:
    return item.get_closest_marker(INTEGRATION) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse the session if a test uses the world network without the ``integration`` marker."""
    unmarked = [
        item.nodeid
        for item in items
        if WORLD_FIXTURE in getattr(item, "fixturenames", ()) and not _is_integration(item)
    ]
    if unmarked:
        listing = "\n  ".join(unmarked)
        raise pytest.UsageError(
            f"these tests use the world network (fixture {WORLD_FIXTURE!r}) but are not marked "
            f"@pytest.mark.{INTEGRATION}:\n  {listing}\n"
            "mark them (or the module: pytestmark = pytest.mark.integration), or use the small_net fixture"
        )


#: The ways code reaches the world network: (module, class); their ``load`` and ``from_pack`` are refused outside
#: integration tests. A class that does not exist (yet, or any more) is passed over.
WORLD_LOADERS = (("corridor.api", "Network"), ("corridor.engine", "Engine"))


@pytest.fixture(autouse=True)
def _world_network_only_in_integration_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Outside integration tests, loading or building the world network fails the test, naming it."""
    if _is_integration(request.node):
        yield
        return

    def refuse(*_args, **_kwargs):
        pytest.fail(
            f"{request.node.nodeid} loads the world network but is not marked @pytest.mark.{INTEGRATION}; "
            "mark it, or give the code under test the small_net fixture",
            pytrace=False,
        )

    for module_name, class_name in WORLD_LOADERS:
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except Exception:  # not there, or mid-edit: the test itself will say so if it matters
            continue
        for method in ("load", "from_pack"):
            if method in vars(cls):
                monkeypatch.setattr(cls, method, _refusing(cls, method, refuse))
    yield


def _refusing(cls, method: str, refuse):
    """``method`` of ``cls`` refused, except ``from_pack`` given a base network of the test's own (the small one):
    that joins a pack to it and never touches the world network."""
    original = vars(cls)[method]
    if method == "from_pack":
        plain = original.__func__

        def guarded(*args, **kwargs):
            if kwargs.get("base") is not None:
                return plain(cls, *args, **kwargs)
            return refuse()

        return staticmethod(guarded)
    return staticmethod(refuse)


@pytest.fixture(scope="session")
def world():
    """The real world network (integration tests only: see ``pytest_collection_modifyitems``)."""
    import corridor

    return corridor.Network.load(progress=False)


@pytest.fixture(scope="session")
def small_net():
    """The hand-built small network (two gauges, a border with a gauge change, a ferry, a train, a sea lane)."""
    from small_network import small_network

    return small_network()
