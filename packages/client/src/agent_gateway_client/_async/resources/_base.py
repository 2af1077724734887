"""What every namespace shares: the client's pipeline, and reading answers into models."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from agent_gateway_client._async._pagination import AsyncPage, fetch_page
from agent_gateway_client._async._pipeline import AsyncPipeline
from agent_gateway_client._pages import PageRequest
from agent_gateway_client._types import QueryParams

ModelT = TypeVar("ModelT", bound=BaseModel)


class AsyncResource:
    """A namespace of the client (``client.agents``, ...): every call goes through the
    client's one pipeline."""

    def __init__(self, pipeline: AsyncPipeline) -> None:
        self._pipeline = pipeline

    async def _get(
        self, model: type[ModelT], path: str, *, params: QueryParams | None = None
    ) -> ModelT:
        response = await self._pipeline.send("GET", path, params=params)
        return model.model_validate(response.json())

    async def _call(
        self,
        model: type[ModelT],
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> ModelT:
        response = await self._pipeline.send(method, path, json=json, headers=headers)
        return model.model_validate(response.json())

    async def _page(
        self, model: type[ModelT], path: str, *, params: QueryParams | None = None
    ) -> AsyncPage[ModelT]:
        request = PageRequest(
            path, model, {k: v for k, v in (params or {}).items() if v is not None}
        )
        return await fetch_page(self._pipeline, request)


def segment(value: str) -> str:
    """``value`` as one path segment (``/`` and the like escaped; ``:`` kept, schedule ids
    hold it)."""
    return quote(value, safe=":@")


def without_none(**values: Any) -> dict[str, Any]:
    """A JSON body of the values given: ``None`` means not given."""
    return {key: value for key, value in values.items() if value is not None}
