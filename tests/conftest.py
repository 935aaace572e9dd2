"""Shared fixtures: the real world network, loaded (and built on first use) once per session."""

import pytest


@pytest.fixture(scope="session")
def world():
    import corridor

    return corridor.Network.load(progress=False)
