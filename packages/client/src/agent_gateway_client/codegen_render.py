"""Module-level definitions as source: a model (:class:`ModelDef`) as a pydantic class, a
``Literal`` alias (:class:`AliasDef`) as an assignment, laid out as ``ruff format`` would."""

from __future__ import annotations

from typing import Any

from agent_gateway_client.codegen_source import (
    INDENT,
    LINE_LENGTH,
    Imports,
    call,
    comment,
    docstring,
    literal_lines,
    python_literal,
    string_literal,
    subscript,
)
from agent_gateway_client.codegen_types import MISSING, AliasDef, FieldDef, ModelDef


def render_definition(definition: ModelDef | AliasDef, imports: Imports) -> list[str]:
    if isinstance(definition, AliasDef):
        prefix = f"{definition.name} = "  # an implicit alias: ``TypeAlias`` is UP040 on 3.12+
        if len(definition.values) == 1:
            return [f"{prefix}Literal[{definition.values[0]}]"]
        return subscript("Literal", definition.values, indent="", prefix=prefix)
    return _model(definition, imports)


def _model(model: ModelDef, imports: Imports) -> list[str]:
    lines = [f"# {comment(note)}" for note in model.notes]
    if model.root is not None:
        base = f"RootModel[{model.root.expr}]"
    else:
        base = imports.add("pydantic", "BaseModel")
    lines.append(f"class {model.name}({base}):")
    lines += docstring(model.summary, model.description, indent=INDENT)
    config = []
    if model.extra:
        config.append(f"extra={string_literal(model.extra)}")
    if any(f.name != f.json_name for f in model.fields):
        config.append("populate_by_name=True")
    if any(f.name.startswith("model_") for f in model.fields):
        config.append("protected_namespaces=()")
    if config:
        imports.add("pydantic", "ConfigDict")
        lines += ["", *call("model_config = ConfigDict", config, indent=INDENT)]
    if model.fields:
        lines.append("")
    for item in model.fields:
        lines += _field(item, imports)
    return lines


def _field(item: FieldDef, imports: Imports) -> list[str]:
    lines = [f"{INDENT}# {comment(note)}" for note in item.notes]
    head = f"{item.name}: {item.type.expr}"
    inner = INDENT * 2
    arguments: list[str | list[str]] = []
    if item.default is not MISSING:
        arguments.append(_default(item, inner))
    if item.name != item.json_name:
        alias = string_literal(item.json_name)
        arguments += [f"validation_alias={alias}", f"serialization_alias={alias}"]
    if item.description:
        arguments.append(f"description={string_literal(item.description)}")
    arguments += [f"{key}={value}" for key, value in item.constraints]
    if not arguments:
        return [*lines, f"{INDENT}{head}"]
    if len(arguments) == 1 and item.factory is None and _scalar(item.default):
        simple = f"{INDENT}{head} = {python_literal(item.default)}"
        if len(simple) <= LINE_LENGTH:
            return [*lines, simple]
    imports.add("pydantic", "Field")
    return lines + call(f"{head} = Field", arguments, indent=INDENT)


def _scalar(value: Any) -> bool:
    """A default that can follow ``=`` as it is (a list or dict goes in ``Field``)."""
    return value is not MISSING and not isinstance(value, list | dict)


def _default(item: FieldDef, inner: str) -> str | list[str]:
    """The ``default=`` (or ``default_factory=``) argument of a field, as ruff lays it out
    when it has a line of its own, indented by ``inner``."""
    value = item.default
    if item.factory is None:
        lines = literal_lines(value, indent=inner, prefix="default=", suffix=",")
        return f"default={python_literal(value)}" if len(lines) == 1 else lines
    head = f"default_factory=lambda: {item.factory}.model_validate("
    flat = f"{head}{python_literal(value)})"
    if len(f"{inner}{flat},") <= LINE_LENGTH:
        return flat
    # The value's own trailing comma keeps the call exploded at any line length.
    value_lines = literal_lines(value, indent=inner + INDENT, suffix=",")
    return [f"{inner}{head}", *value_lines, f"{inner}),"]
