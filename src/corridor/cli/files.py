"""Checks on the files a command will write, made before any work so a typo costs no minutes."""

from __future__ import annotations

from pathlib import Path

from corridor import OptionsError

__all__ = ["check_output"]


def check_output(path: Path | None, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse an output file whose folder is missing, that is a folder, or whose suffix is not one of ``suffixes``."""
    if path is None:
        return
    if path.is_dir():
        raise OptionsError(f"--{option} {str(path)!r} is a folder; give a file name", option=option)
    if not path.parent.is_dir():
        raise OptionsError(f"--{option} {str(path)!r}: folder {str(path.parent)!r} does not exist", option=option)
    if suffixes and path.suffix.lower() not in suffixes:
        raise OptionsError(f"--{option} {str(path)!r}: use a {' or '.join(suffixes)} file name", option=option)
