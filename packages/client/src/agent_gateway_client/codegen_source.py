"""Python source text for :mod:`agent_gateway_client.codegen`: names, literals, calls.

Everything here writes what ``ruff format`` would write, so that a generated module passes
``ruff format --check`` as written: double quotes unless single ones save escapes, ASCII
only (other characters escaped, so no linter flags a confusable character), and a call too
long for 88 columns exploded one argument a line with a magic trailing comma (which keeps it
exploded at any line length).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from typing import Any

LINE_LENGTH = 88
"""ruff's and black's default: a generated line fits unless a single string is longer."""

INDENT = "    "

_WORD = re.compile(r"[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+[a-z]*")


def string_literal(text: str) -> str:
    """``text`` as a Python string literal, quoted and escaped as ``ruff format`` leaves it."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = [quote]
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + quote)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append(quote)
    return "".join(out)


def python_literal(value: Any) -> str:
    """A JSON value (``None``, bool, number, string, list, dict) as Python source."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{string_literal(str(k))}: {python_literal(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"not a JSON value: {value!r}")


def words(text: str) -> list[str]:
    """The words of a name in any case style: ``myAgent``, ``my-agent``, ``MY_AGENT``."""
    return _WORD.findall(text)


def pascal_case(text: str) -> str:
    """``my-agent`` -> ``MyAgent``, ``customer_tier`` -> ``CustomerTier``, ``URL`` -> ``URL``;
    only ASCII letters and digits are kept."""
    return "".join(word[0].upper() + word[1:] for word in words(text))


def snake_case(text: str) -> str:
    """``firstName`` -> ``first_name``, ``HTTPServer`` -> ``http_server``; only ASCII letters
    and digits are kept."""
    return "_".join(word.lower() for word in words(text))


def comment(text: str) -> str:
    """``text`` on one ASCII line, to follow ``# ``."""
    flat = " ".join(text.split())
    return flat.encode("ascii", "backslashreplace").decode("ascii")


def docstring_text(text: str | None) -> str | None:
    """``text`` if it can go in a docstring as it is (printable ASCII, no backslash nor
    triple quote), with its whitespace made single spaces; else ``None``."""
    if not text:
        return None
    flat = " ".join(text.split())
    if not flat or not flat.isascii() or "\\" in flat or '"""' in flat or not flat.isprintable():
        return None
    return flat


def docstring(summary: str, body: str | None, *, indent: str) -> list[str]:
    """A docstring: ``summary`` on the first line, then ``body`` (already docstring-safe)
    wrapped as a paragraph."""
    if not body:
        closing = " " if summary.endswith('"') else ""
        return [f'{indent}"""{summary}{closing}"""']
    import textwrap

    lines = [f'{indent}"""{summary}', ""]
    lines += textwrap.wrap(
        body,
        width=LINE_LENGTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines.append(f'{indent}"""')
    return [line if line.strip() else "" for line in lines]


def call(
    head: str, arguments: Sequence[str | list[str]], *, indent: str, tail: str = ""
) -> list[str]:
    """``head(arg, arg)tail`` on one line if it fits, else exploded one argument a line with
    a trailing comma; ``head`` holds everything before the parenthesis (``x: int = Field``).
    An argument given as lines (indented one level deeper than ``indent``, its trailing
    comma included) always explodes the call."""
    inline = all(isinstance(argument, str) for argument in arguments)
    flat = f"{indent}{head}({', '.join(str(a) for a in arguments)}){tail}"
    if inline and (len(flat) <= LINE_LENGTH or not arguments):
        return [flat]
    inner = indent + INDENT
    lines = [f"{indent}{head}("]
    for argument in arguments:
        if isinstance(argument, str):
            lines.append(f"{inner}{argument},")
        else:
            lines += argument
    return [*lines, f"{indent}){tail}"]


def literal_lines(value: Any, *, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
    """``prefix`` + the JSON ``value`` + ``suffix`` as lines indented by ``indent``, as ruff
    formats them: on one line if it fits, else each item of a list or dict on its own line
    with a trailing comma (recursively)."""
    flat = f"{indent}{prefix}{python_literal(value)}{suffix}"
    if len(flat) <= LINE_LENGTH or not isinstance(value, list | dict) or not value:
        return [flat]
    inner = indent + INDENT
    if isinstance(value, list):
        items = [literal_lines(item, indent=inner, suffix=",") for item in value]
        opening, closing = "[", "]"
    else:
        items = [
            literal_lines(item, indent=inner, prefix=f"{string_literal(str(key))}: ", suffix=",")
            for key, item in value.items()
        ]
        opening, closing = "{", "}"
    return [
        f"{indent}{prefix}{opening}",
        *(line for item in items for line in item),
        f"{indent}{closing}{suffix}",
    ]


def subscript(head: str, items: Sequence[str], *, indent: str, prefix: str = "") -> list[str]:
    """``prefix + head[item, item]`` on one line if it fits, else exploded like :func:`call`."""
    flat = f"{indent}{prefix}{head}[{', '.join(items)}]"
    if len(flat) <= LINE_LENGTH:
        return [flat]
    inner = indent + INDENT
    return [f"{indent}{prefix}{head}[", *(f"{inner}{item}," for item in items), f"{indent}]"]


class Names:
    """Unique Python names: :meth:`claim` returns the name asked for, or it with a number
    appended when it is taken (or reserved), and records it. Claiming in a fixed order gives
    the same names every time."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = set(reserved) | set(keyword.kwlist)

    def claim(self, wanted: str) -> str:
        name, number = wanted, 2
        while name in self._taken:
            name, number = f"{wanted}{number}", number + 1
        self._taken.add(name)
        return name

    def __contains__(self, name: object) -> bool:
        return name in self._taken


class Imports:
    """The names a generated module imports, written as ``ruff``'s isort writes them:
    ``__future__``, then the standard library, then third-party modules, each sorted, the
    names of a ``from`` import ordered constants, classes, then functions."""

    _STANDARD = frozenset({"typing", "collections.abc", "datetime", "enum"})

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = {}

    def add(self, module: str, name: str) -> str:
        """Import ``name`` from ``module``; returns ``name``."""
        self._names.setdefault(module, set()).add(name)
        return name

    def lines(self) -> list[str]:
        sections: list[list[str]] = [[], [], []]
        for module in sorted(self._names):
            section = 0 if module == "__future__" else 1 if module in self._STANDARD else 2
            sections[section] += self._statement(module, sorted(self._names[module], key=_by_type))
        blocks = [section for section in sections if section]
        return [
            line for i, block in enumerate(blocks) for line in (block if i == 0 else ["", *block])
        ]

    @staticmethod
    def _statement(module: str, names: list[str]) -> list[str]:
        flat = f"from {module} import {', '.join(names)}"
        if len(flat) <= LINE_LENGTH:
            return [flat]
        return [f"from {module} import (", *(f"{INDENT}{name}," for name in names), ")"]


def _by_type(name: str) -> tuple[int, str]:
    """isort's ``order-by-type``: CONSTANTS, then Classes, then functions_and_variables."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1, name) if name[:1].isupper() else (2, name)
