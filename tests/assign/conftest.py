"""The TNTP reference networks, read from the shared reference folder next to the repository.

``CORRIDOR_TNTP_DIR`` overrides the location. A missing folder fails the tests that need it,
with a message saying where it was looked for: these checks are never skipped silently.
"""

import os
from pathlib import Path

import pytest

from corridor.assign import read_tntp_dir
from corridor.assign.tntp import read_flows

REPO = Path(__file__).resolve().parents[2]


def tntp_root() -> Path:
    override = os.environ.get("CORRIDOR_TNTP_DIR")
    return Path(override) if override else REPO / ".." / "shared" / "reference" / "tntp"


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
