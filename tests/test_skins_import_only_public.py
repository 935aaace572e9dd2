"""The command line and the REST server are skins over the public package: they import ``corridor`` and
use ``corridor.X`` names (those in ``corridor.__all__``), their own modules, and third-party libraries;
never a corridor submodule such as ``corridor.scenario`` or ``corridor.units``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import corridor

SRC = Path(corridor.__file__).resolve().parent
SKINS = ("cli", "server")
OWN = tuple(f"corridor.{skin}" for skin in SKINS)


def _skin_files() -> list[Path]:
    return sorted(p for skin in SKINS for p in (SRC / skin).rglob("*.py"))


def _module_of(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _own(module: str) -> bool:
    return module == "corridor" or any(module == own or module.startswith(f"{own}.") for own in OWN)


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module an ``from … import`` names, relative imports resolved against ``path``."""
    if not node.level:
        return node.module or ""
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _aliases(tree: ast.AST) -> set[str]:
    """Local names bound to the ``corridor`` package itself (``import corridor``, ``import corridor as c``)."""
    names = {"corridor"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "corridor" and a.asname}
    return names


def violations(path: Path, source: str | None = None) -> list[str]:
    """Each import or ``corridor.<name>`` use in ``path`` (or in ``source``, read as that module) that reaches
    past the public package."""
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    public = set(corridor.__all__)
    found = []

    def bad(node: ast.AST, what: str) -> None:
        found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("corridor.") and not _own(alias.name):
                    bad(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            if module == "corridor":
                for alias in node.names:
                    if alias.name not in public and not _own(f"corridor.{alias.name}"):
                        bad(node, f"from corridor import {alias.name} (not in corridor.__all__)")
            elif module.startswith("corridor.") and not _own(module):
                bad(node, f"from {module} import …")
        elif isinstance(node, ast.Call) and _is_import_call(node):
            target = node.args[0].value
            if target.startswith("corridor.") and not _own(target):
                bad(node, f"import_module({target!r})")
    aliases = _aliases(tree)
    for node in ast.walk(tree):
        on_package = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
        if on_package and node.attr not in public and not _own(f"corridor.{node.attr}"):
            bad(node, f"corridor.{node.attr} (not in corridor.__all__)")
    return found


def _is_import_call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0] if node.args else None
    return name in ("import_module", "__import__") and isinstance(first, ast.Constant) and isinstance(first.value, str)


def test_there_are_skin_files():
    files = {p.relative_to(SRC).as_posix() for p in _skin_files()}
    assert {"cli/app.py", "server/app.py"} <= files


@pytest.mark.parametrize("path", _skin_files(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_skin_imports_only_the_public_package(path):
    assert violations(path) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import corridor.scenario", ["import corridor.scenario"]),
        ("from corridor.units import Layer", ["from corridor.units import …"]),
        ("from corridor import Network, units", ["from corridor import units (not in corridor.__all__)"]),
        ("from .. import scenario", ["from corridor import scenario (not in corridor.__all__)"]),
        ("import corridor\ncorridor.scenario.run_scenario()", ["corridor.scenario (not in corridor.__all__)"]),
        ("import corridor as c\nc.network.countries", ["corridor.network (not in corridor.__all__)"]),
        ("import importlib\nimportlib.import_module('corridor.api')", ["import_module('corridor.api')"]),
        ("import corridor\nfrom corridor.cli import files\nfrom . import lanes\ncorridor.Network.load()", []),
    ],
)
def test_the_rule_itself(source, expected):
    """The checker catches each way of reaching into a submodule, and lets the public names through."""
    where = SRC / "server" / "probe.py"  # the module the text is read as
    assert [v.split(": ", 1)[1] for v in violations(where, source)] == expected
