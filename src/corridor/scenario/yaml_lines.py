"""YAML with line numbers: the data, and the line each mapping key or list item starts on.

Validation errors can then name the file, the line and the field.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["line_of", "load_yaml_with_lines"]


def _build(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def load_yaml_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse ``text``; raises ``yaml.YAMLError`` (with its own line) on bad syntax."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple, int] = {}
    if node is None:
        return None, lines
    return _build(node, (), lines), lines


def line_of(lines: dict[tuple, int], location: tuple) -> int:
    """The line of the deepest part of ``location`` that has one (1 if none)."""
    for end in range(len(location), -1, -1):
        if tuple(location[:end]) in lines:
            return lines[tuple(location[:end])]
    return 1
