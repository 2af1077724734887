"""TOOL.md ``parameters:`` → the JSON Schema a model sees, and the checks that keep it honest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.frontmatter_models import ToolParameter
from agent_gateway_core.workspace.handlers import CONTEXT_PARAMETER
from agent_gateway_core.workspace.json_schema import json_schema_error

_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


def parameters_schema(parameters: Mapping[str, ToolParameter]) -> dict[str, Any]:
    """A JSON Schema object for the tool's arguments.

    A parameter is required unless it says ``required: false`` or has a ``default``: a
    default means the model may leave the value out, and a required parameter without a
    default is what tool authors mean far more often than an optional one. Unknown
    arguments are refused (``additionalProperties: false``) because the handler is called
    with them as keyword arguments.
    """
    properties: dict[str, Any] = {}
    for name, parameter in parameters.items():
        schema: dict[str, Any] = {"type": parameter.type}
        if parameter.description:
            schema["description"] = parameter.description
        if parameter.enum is not None:
            schema["enum"] = list(parameter.enum)
        if parameter.items is not None:
            schema["items"] = parameter.items
        if parameter.has_default:
            schema["default"] = parameter.default
        properties[name] = schema
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name, parameter in parameters.items() if parameter.is_required],
        "additionalProperties": False,
    }


def parameter_problems(
    parameters: Mapping[str, ToolParameter], *, path: str
) -> list[WorkspaceProblem]:
    """Contradictions inside the declared parameters: reserved names, enum/default mismatches."""
    problems: list[WorkspaceProblem] = []
    for name, parameter in parameters.items():
        field = f"parameters.{name}"
        if name == CONTEXT_PARAMETER:
            problems.append(
                WorkspaceProblem(
                    path,
                    "the name 'context' is reserved: the handler's context argument "
                    "receives the ToolContext; rename this parameter",
                    field,
                )
            )
        if parameter.items is not None:
            if parameter.type != "array":
                message = f"only an 'array' parameter can have items, not a {parameter.type!r} one"
                problems.append(WorkspaceProblem(path, message, f"{field}.items"))
            elif error := json_schema_error(parameter.items):
                problems.append(WorkspaceProblem(path, error, f"{field}.items"))
        if parameter.required and parameter.has_default:
            problems.append(
                WorkspaceProblem(
                    path,
                    "a parameter with a default is optional; remove 'required: true' "
                    "or the default",
                    f"{field}.required",
                )
            )
        problems += _value_problems(parameter, path=path, field=field)
    return problems


def _value_problems(parameter: ToolParameter, *, path: str, field: str) -> list[WorkspaceProblem]:
    problems = [
        WorkspaceProblem(path, f"{value!r} is not of type {parameter.type}", f"{field}.enum.{i}")
        for i, value in enumerate(parameter.enum or ())
        if not _is_of_type(value, parameter.type)
    ]
    if not parameter.has_default:
        return problems
    default = parameter.default
    if not _is_of_type(default, parameter.type):
        message = f"default {default!r} is not of type {parameter.type}"
        problems.append(WorkspaceProblem(path, message, f"{field}.default"))
    elif parameter.enum is not None and default not in parameter.enum:
        allowed = ", ".join(repr(value) for value in parameter.enum)
        message = f"default {default!r} is not one of the enum values ({allowed})"
        problems.append(WorkspaceProblem(path, message, f"{field}.default"))
    return problems


def _is_of_type(value: Any, json_type: str) -> bool:
    if isinstance(value, bool) and json_type != "boolean":  # bool is an int in Python only
        return False
    return isinstance(value, _PYTHON_TYPES[json_type])
