"""Turn pydantic validation errors into workspace problems a person can act on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from agent_gateway_core.errors import WorkspaceProblem

_SHOULD = re.compile(r"^(Input|String|Value|List|Tuple|Dictionary|Object) should ")


def validation_problems(
    exc: ValidationError, *, path: str, model: type[BaseModel], prefix: str = ""
) -> list[WorkspaceProblem]:
    """One problem per pydantic error, with the dotted field (``schedules.0.cron``).

    ``model`` is the model that was validated; it lets an unknown key suggest the known key
    it is probably a typo of. ``prefix`` is prepended to fields (``model`` for a section).
    """
    problems = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        field = ".".join(str(part) for part in (prefix, *loc) if part != "")
        message = _message(error["type"], loc, error["msg"], error["input"], model)
        problems.append(WorkspaceProblem(path, message, field or None))
    return problems


def _message(
    kind: str, loc: Sequence[str | int], raw: str, value: Any, model: type[BaseModel]
) -> str:
    if kind == "extra_forbidden":
        return unknown_key_message(model, loc)
    if kind == "missing":
        return "is required"
    if kind == "value_error":  # raised by our own validators, which name the value already
        return raw.removeprefix("Value error, ")
    # "Input should be ...", "String should match ..." read better as "must be ...".
    return f"{_SHOULD.sub('must ', raw)}, got {_short_repr(value)}"


def unknown_key_message(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """The message for the unknown key at ``loc`` of ``model``: the known key it is probably a
    typo of (``did you mean``), else the keys allowed there. Keys are written as in the file
    (a field's alias when it has one)."""
    key = str(loc[-1])
    owner = _model_at(model, loc[:-1])
    message = f"unknown key {key!r}"
    if owner is None:
        return message
    known = sorted(_keys(owner))
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; allowed keys: {', '.join(known)}"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model that owns the value at ``loc``; list indexes and mapping keys are skipped."""
    current = model
    for part in loc:
        field = _keys(current).get(str(part))
        if isinstance(part, int) or field is None:
            continue
        nested = _model_in(field.annotation)
        if nested is None:
            return None
        current = nested
    return current


def _keys(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The model's fields by the key a file uses for them: the alias, else the name."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
