"""YAML with line numbers: the data, and the line each mapping key or list item starts on.

Validation errors can then name the file, the line and the field. The loader is hardened
for files from anyone: anchors and aliases are refused (no billion laughs, no recursive
structures), nesting is bounded, keys are plain text (``NO`` stays "NO", not false; a list
as a key is refused) and a key may appear once per mapping. Every refusal is a
``yaml.MarkedYAMLError`` carrying the line.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "ScenarioYAMLError", "line_of", "load_yaml_with_lines"]

#: Deepest nesting of lists and mappings accepted (a scenario needs about 5).
MAX_DEPTH = 32


class ScenarioYAMLError(yaml.MarkedYAMLError):
    """YAML that parses but that a scenario may not use (aliases, deep nesting, odd keys)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def _start(event: yaml.Event) -> yaml.Mark | None:
    """Where an event starts. The pure-Python loader's marks are ``yaml.Mark``; the stubs also allow the C
    loader's mark type, which this loader never makes."""
    mark = event.start_mark
    return mark if isinstance(mark, yaml.Mark) else None


class _Loader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases and bounds the nesting depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise ScenarioYAMLError(f"aliases (*{event.anchor}) are not allowed in a scenario", _start(event))
        if getattr(event, "anchor", None) is not None:
            raise ScenarioYAMLError(f"anchors (&{event.anchor}) are not allowed in a scenario", _start(event))
        if not isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise ScenarioYAMLError(f"lists and mappings nested deeper than {MAX_DEPTH} levels", _start(event))
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _key(node: yaml.Node, seen: dict[str, int]) -> str:
    """A mapping key as written; refused if it is a list or mapping, or repeats one before it."""
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioYAMLError("a key must be plain text, not a list or mapping", node.start_mark)
    key = node.value
    if key in seen:
        raise ScenarioYAMLError(f"key {key!r} given twice (first on line {seen[key]})", node.start_mark)
    seen[key] = node.start_mark.line + 1
    return key


def _scalar(loader: _Loader, node: yaml.Node) -> Any:
    """A scalar's value; an impossible date or a huge integer is an error at its line, not a crash."""
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError, TypeError) as exc:
        raise ScenarioYAMLError(f"cannot read {node.value[:40]!r} ({exc})", node.start_mark) from None


def _build(loader: _Loader, node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _key(key_node, seen)
            out[key] = _build(loader, value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def load_yaml_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse ``text``; raises ``yaml.YAMLError`` (with its own line) on bad syntax or refused YAML."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        if node is None:
            return None, lines
        return _build(loader, node, (), lines), lines
    finally:
        loader.dispose()


def line_of(lines: dict[tuple, int], location: tuple) -> int:
    """The line of the deepest part of ``location`` that has one (1 if none)."""
    for end in range(len(location), -1, -1):
        if tuple(location[:end]) in lines:
            return lines[tuple(location[:end])]
    return 1
