"""What the network cache folder holds, and clearing it: ``corridor cache info`` and ``cache clear``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.datapack import pack_hash
from corridor.network.cache import CacheFile, cache_file_name, cache_files, cache_key, clear_cache
from corridor.settings import Settings

__all__ = ["CacheInfo", "cache_info", "clear_network_cache"]


@dataclass(frozen=True)
class CacheInfo:
    """The cache folder, corridor's files in it, and the file the current code and data pack use."""

    folder: Path
    files: tuple[CacheFile, ...]
    current: str  # the file name Network.load reads (it may not exist yet)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    @property
    def current_exists(self) -> bool:
        return any(f.path.name == self.current for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "current": self.current,
            "current_exists": self.current_exists,
            "bytes": self.bytes,
            "files": [{**f.to_dict(), "current": f.path.name == self.current} for f in self.files],
        }


def cache_info(settings: Settings | None = None) -> CacheInfo:
    """The cache folder of ``settings`` and what it holds."""
    settings = settings or Settings()
    current = cache_file_name("network", cache_key(pack_hash(settings.data_pack)))
    return CacheInfo(settings.cache_folder, tuple(cache_files(settings.cache_folder)), current)


def clear_network_cache(settings: Settings | None = None) -> list[CacheFile]:
    """Remove corridor's cache files from the folder of ``settings``; the next load rebuilds (about a minute)."""
    settings = settings or Settings()
    return clear_cache(settings.cache_folder)
