"""The one error boundary of the command line: a corridor error or an unusable file is one line on stderr and
exit status 1; no traceback reaches the user. The app's groups use it, and ``assign-tntp`` brings it to any app
it is added to."""

from __future__ import annotations

import typer
from typer.core import TyperGroup

import corridor

__all__ = ["_Commands", "_one_line"]


class _Commands(TyperGroup):
    """The one error boundary of the CLI: a corridor error or an unusable file is one line, exit 1."""

    def invoke(self, ctx):  # typed by TyperGroup: typer's own click Context
        try:
            return super().invoke(ctx)
        except corridor.CorridorError as exc:
            typer.echo(f"error: {_one_line(str(exc))}", err=True)
            raise typer.Exit(code=1) from None
        except OSError as exc:  # a file or folder the user named: missing, a folder, not writable, disk full
            where = f" {exc.filename}" if exc.filename else ""
            typer.echo(f"error: {_one_line(f'cannot use{where}: {exc.strerror or exc}')}", err=True)
            raise typer.Exit(code=1) from None


def _one_line(text: str) -> str:
    """A message as one printable line: line breaks become spaces, other control characters escapes
    (a message may quote what the user typed)."""
    flat = " ".join(text.splitlines())
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in flat)
