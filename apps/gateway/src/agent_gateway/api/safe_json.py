"""Answers built from stored records, which must serialize whatever was stored.

Records stored before the request limits existed may hold values nested too deep for
pydantic's encoder (about 250 levels) or strings with a lone surrogate, which no UTF-8
encoder takes. Serializing such a record fails; the read that asked for it must not. So an
answer is serialized as usual (one pass, nothing spent on the check) and only when that fails
is it serialized again with every value nested deeper than :data:`SHOWN_DEPTH` levels replaced
by :data:`TOO_DEEP` and every lone surrogate by U+FFFD.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, RootModel

from agent_gateway.api.limits import printable

SHOWN_DEPTH = 64
"""Levels of an answer shown when the whole of it cannot be (the limit on new values is 32)."""

TOO_DEEP = "[nested too deep to show]"


def dump_json(model: BaseModel) -> str:
    """``model`` as JSON; a value that cannot be encoded is shown clipped (see the module)."""
    try:
        return model.model_dump_json()
    except ValueError:  # PydanticSerializationError: too deep, or not encodable as UTF-8
        return type(model).model_validate(_clipped(model, 0)).model_dump_json()


def json_response(
    model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """``model`` as a JSON answer, by :func:`dump_json`."""
    return Response(
        dump_json(model), status_code=status_code, headers=headers, media_type="application/json"
    )


def _clipped(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return printable(value)
    if not isinstance(value, BaseModel | dict | list | tuple):
        return value
    if depth >= SHOWN_DEPTH:
        return TOO_DEEP
    if isinstance(value, RootModel):
        return _clipped(value.root, depth + 1)
    if isinstance(value, BaseModel):
        return {name: _clipped(item, depth + 1) for name, item in vars(value).items()}
    if isinstance(value, dict):
        return {printable(str(k)): _clipped(item, depth + 1) for k, item in value.items()}
    return [_clipped(item, depth + 1) for item in value]
