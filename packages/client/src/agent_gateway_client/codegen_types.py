"""The definitions :mod:`agent_gateway_client.codegen_schema` makes of a schema, and what
they are checked with: the type of a value (:class:`PyType`), a model (:class:`ModelDef`) and
its fields (:class:`FieldDef`), a ``Literal`` alias (:class:`AliasDef`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent_gateway_client.codegen_source import docstring_text, python_literal

BOUNDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "minimum": ("ge", ("int", "float")),
    "maximum": ("le", ("int", "float")),
    "exclusiveMinimum": ("gt", ("int", "float")),
    "exclusiveMaximum": ("lt", ("int", "float")),
    "multipleOf": ("multiple_of", ("int", "float")),
    "minLength": ("min_length", ("str",)),
    "maxLength": ("max_length", ("str",)),
    "pattern": ("pattern", ("str",)),
    "minItems": ("min_length", ("list",)),
    "maxItems": ("max_length", ("list",)),
}
"""Each bound of JSON Schema: its ``Field`` argument, and the kinds of type it applies to."""
MISSING: Any = object()
"""No default."""


@dataclass(frozen=True, slots=True)
class PyType:
    """A Python type as source (``expr``), with what is needed to check a default against it:
    ``kind`` is any, none, str, int, float, bool, literal, list, dict, model or union."""

    expr: str
    kind: str
    values: tuple[Any, ...] = ()
    members: tuple[PyType, ...] = ()


ANY = PyType("Any", "any")
NONE = PyType("None", "none")


@dataclass(slots=True)
class FieldDef:
    name: str
    json_name: str
    type: PyType
    required: bool
    description: str | None = None
    default: Any = MISSING
    """The default value (JSON), or ``MISSING``."""
    factory: str | None = None
    """The model whose ``model_validate`` builds the default (a ``default_factory``)."""
    constraints: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ModelDef:
    name: str
    summary: str
    description: str | None
    fields: list[FieldDef] = field(default_factory=list)
    extra: str | None = None
    root: PyType | None = None
    """The type of a ``RootModel`` (a schema that is not an object with properties)."""
    notes: list[str] = field(default_factory=list)
    rebuild: bool = False
    """It refers to a model defined after it (a cycle of ``$ref``)."""


@dataclass(slots=True)
class AliasDef:
    name: str
    values: list[str]
    """The sources of the ``Literal``'s values."""


Definition = ModelDef | AliasDef


def is_model(schema: Any) -> bool:
    """Whether ``schema`` is an object with named properties (a model, not a dict)."""
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return False
    return bool(schema.get("properties")) or bool(schema.get("required"))


def schema_description(schema: Any) -> str | None:
    return docstring_text(schema.get("description")) if isinstance(schema, dict) else None


def literal_value(value: Any) -> bool:
    return value is None or isinstance(value, str | int | bool)


def bounds(schema: dict[str, Any], kind: PyType) -> list[tuple[str, str]]:
    """The ``Field`` arguments of ``schema``'s bounds that apply to ``kind`` (or to the one
    type of ``kind | None``)."""
    base = kind
    if kind.kind == "union":
        others = [m for m in kind.members if m.kind != "none"]
        base = others[0] if len(others) == 1 else kind
    found: list[tuple[str, str]] = []
    for bound, (argument, kinds) in BOUNDS.items():
        value = schema.get(bound)
        if base.kind not in kinds or value is None or isinstance(value, bool):
            continue
        if (isinstance(value, int | float) and argument != "pattern") or (
            isinstance(value, str) and argument == "pattern"
        ):
            found.append((argument, python_literal(value)))
    return found


def accepts(kind: PyType, value: Any) -> bool:
    """Whether the JSON ``value`` is of type ``kind`` (as far as a default needs to be)."""
    if kind.kind == "union":
        return any(accepts(member, value) for member in kind.members)
    if kind.kind == "any":
        return True
    if value is None:
        return kind.kind == "none"
    if kind.kind == "str":
        return isinstance(value, str)
    if kind.kind in ("int", "float", "bool"):
        allowed = {"int": (int,), "float": (int, float), "bool": (bool,)}[kind.kind]
        return isinstance(value, allowed) and (kind.kind == "bool") == isinstance(value, bool)
    if kind.kind == "literal":
        return any(type(v) is type(value) and v == value for v in kind.values)
    if kind.kind == "list":
        return isinstance(value, list) and all(accepts(kind.members[0], v) for v in value)
    if kind.kind == "dict":
        return isinstance(value, dict) and all(accepts(kind.members[0], v) for v in value.values())
    return kind.kind == "model" and isinstance(value, dict)


def single_model(kind: PyType) -> str | None:
    """The model name when ``kind`` is one model (or one model or None)."""
    if kind.kind == "model":
        return kind.expr
    if kind.kind == "union":
        models = [m for m in kind.members if m.kind != "none"]
        if len(models) == 1 and models[0].kind == "model":
            return models[0].expr
    return None


def shown_name(text: str) -> str:
    """``text`` if it can be shown in a docstring between double backquotes, else ``""``."""
    safe = docstring_text(text)
    return safe if safe and "`" not in safe else ""
