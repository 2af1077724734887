# Generated from _async/resources/_base.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""What every namespace shares: the client's pipeline, and reading answers into models."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from agent_gateway_client._pages import PageRequest
from agent_gateway_client._sync._pagination import Page, fetch_page
from agent_gateway_client._sync._pipeline import Pipeline
from agent_gateway_client._types import QueryParams

ModelT = TypeVar("ModelT", bound=BaseModel)


class Resource:
    """A namespace of the client (``client.agents``, ...): every call goes through the
    client's one pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    def _get(self, model: type[ModelT], path: str, *, params: QueryParams | None = None) -> ModelT:
        response = self._pipeline.send("GET", path, params=params)
        return model.model_validate(response.json())

    def _call(
        self,
        model: type[ModelT],
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> ModelT:
        response = self._pipeline.send(method, path, json=json, headers=headers)
        return model.model_validate(response.json())

    def _page(
        self, model: type[ModelT], path: str, *, params: QueryParams | None = None
    ) -> Page[ModelT]:
        request = PageRequest(
            path, model, {k: v for k, v in (params or {}).items() if v is not None}
        )
        return fetch_page(self._pipeline, request)


def segment(value: str) -> str:
    """``value`` as one path segment (``/`` and the like escaped; ``:`` kept, schedule ids
    hold it)."""
    return quote(value, safe=":@")


def without_none(**values: Any) -> dict[str, Any]:
    """A JSON body of the values given: ``None`` means not given."""
    return {key: value for key, value in values.items() if value is not None}
