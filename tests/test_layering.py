"""Data flows one way: network → routing → engine → analyses → the ``Network`` facade → the skins.

Every import in src/corridor (inside functions and ``TYPE_CHECKING`` blocks too) must point to a
module of the same layer or a lower one, and no modules import each other in a cycle.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "corridor"

#: (module prefix, layer); the longest matching prefix wins. Lower layers know nothing of higher ones.
LAYERS = [
    ("corridor.errors", 0),
    ("corridor.constants", 0),
    ("corridor.units", 0),
    ("corridor.jsontext", 0),
    ("corridor.charts", 0),
    ("corridor.graphs", 0),
    ("corridor.datapack", 1),
    ("corridor.status", 1),
    ("corridor.results", 1),
    ("corridor.timetables", 1),
    ("corridor.reliability", 1),
    ("corridor.network", 1),
    ("corridor.settings", 1),
    ("corridor.assign", 1),
    ("corridor.emissions", 1),
    ("corridor.routing", 2),
    ("corridor.options", 3),
    ("corridor.engine", 3),
    ("corridor.compare", 4),
    ("corridor.alternatives", 4),
    ("corridor.sheet", 4),
    ("corridor.compare_chart", 4),
    ("corridor.reach", 4),
    ("corridor.flows", 4),
    ("corridor.validation", 4),
    ("corridor.scale", 5),
    ("corridor.scenario", 5),
    ("corridor.api", 6),
    ("corridor", 7),
    ("corridor.__main__", 8),
    ("corridor.cli", 8),
    ("corridor.server", 8),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    matches = [(len(prefix), layer) for prefix, layer in LAYERS if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} is in no layer: add it to LAYERS"
    return max(matches)[1]


def _imports(module: str) -> set[str]:
    """The corridor modules ``module`` imports, anywhere in its file."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from corridor.x import y`` imports corridor.x.y when y is a module, else corridor.x
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]  # fmt: skip
        else:
            continue
        found |= {name for name in names if name == "corridor" or name.startswith("corridor.")}
    return {name for name in found if name in MODULES} - {module}


GRAPH = {module: _imports(module) for module in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_points_up(module):
    upward = sorted(other for other in GRAPH[module] if _layer(other) > _layer(module))
    assert not upward, f"{module} (layer {_layer(module)}) imports higher layers: {upward}"


def test_no_import_cycles():
    """Tarjan's strongly connected components over the import graph: every one a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert not cycles, f"modules importing each other: {cycles}"
