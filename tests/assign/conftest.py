"""The TNTP reference networks (SiouxFalls, Braess), read from the copies in ``tests/data/tntp``.

``CORRIDOR_TNTP_DIR`` overrides the location (a folder holding ``SiouxFalls/`` and ``Braess/``).
A missing folder fails the tests that need it, with a message saying where it was looked for:
these checks are never skipped silently.
"""

import os
from pathlib import Path

import pytest

from corridor.assign import read_tntp_dir
from corridor.assign.tntp import read_flows

DATA = Path(__file__).resolve().parents[1] / "data" / "tntp"


def tntp_root() -> Path:
    override = os.environ.get("CORRIDOR_TNTP_DIR")
    return Path(override) if override else DATA


def network_dir(name: str) -> Path:
    folder = tntp_root() / name
    if not folder.is_dir():
        pytest.fail(
            f"TNTP reference network {name!r} not found at {folder.resolve()}; "
            "put the reference data there or set CORRIDOR_TNTP_DIR to the folder holding it",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def sioux_dir() -> Path:
    return network_dir("SiouxFalls")


@pytest.fixture(scope="session")
def braess_dir() -> Path:
    return network_dir("Braess")


@pytest.fixture(scope="session")
def sioux(sioux_dir):
    return read_tntp_dir(sioux_dir)


@pytest.fixture(scope="session")
def sioux_best(sioux):
    if sioux.flows_path is None:
        pytest.fail(f"no SiouxFalls_flow.tntp (best-known solution) in {sioux.directory}", pytrace=False)
    return read_flows(sioux.flows_path)
