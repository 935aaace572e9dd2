"""Where corridor keeps its cache and which data pack it reads: one value, passed to what loads.

The library reads no global state for these: ``Settings()`` means the defaults (the cache in
``$CORRIDOR_CACHE_DIR`` or the user cache directory, the data pack shipped in the package), and
the command line builds one from ``--cache-dir`` and ``--data-pack``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corridor.network.cache import default_cache_dir

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """``cache_dir``: the network cache's folder; ``data_pack``: a data-pack folder (None: the defaults)."""

    cache_dir: Path | None = None
    data_pack: Path | None = None

    def __post_init__(self) -> None:
        for name in ("cache_dir", "data_pack"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    @property
    def cache_folder(self) -> Path:
        """The cache folder in use: ``cache_dir``, or the default."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()
