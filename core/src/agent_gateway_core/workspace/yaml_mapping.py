"""Parse a YAML text that must be a mapping, with errors that give a line number.

Duplicate keys are an error: PyYAML would silently keep the last one, which hides typos
such as a second ``tools:`` list that replaces the first.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml


class YamlMappingError(ValueError):
    """The text is not valid YAML, or not a mapping; the message says where and why."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping holding the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` may be overridden by explicit keys; that is no duplicate
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                continue  # SafeLoader itself reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml_mapping(text: str, *, first_line: int = 1) -> dict[str, Any]:
    """Parse ``text`` as a YAML mapping; empty text gives ``{}``.

    ``first_line`` is the file line the text starts on, so that errors inside a frontmatter
    block point at the right line of the whole file.
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no objects
    except yaml.MarkedYAMLError as exc:
        raise YamlMappingError(_describe(exc, first_line)) from None
    except yaml.YAMLError as exc:
        raise YamlMappingError(f"invalid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlMappingError(f"must be a mapping of keys to values, got {_kind(data)}")
    return data


def _describe(exc: yaml.MarkedYAMLError, first_line: int) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + first_line}, column {mark.column + 1}" if mark else ""
    what = exc.problem or exc.context or "syntax error"
    return f"invalid YAML{where}: {what}"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"a value of type {type(value).__name__}"
