"""How the list routes page, in one place both clients read.

A paged route answers ``{"items": [...], "total", "limit", "offset"}`` and takes ``limit`` and
``offset``; the others answer a bare JSON list, which is one page holding everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PageRequest(Generic[ItemT]):
    """The GET that fetches a page: its ``path``, query ``params`` (``limit`` and ``offset``
    among them) and the model of its items."""

    path: str
    item_type: type[ItemT]
    params: Mapping[str, Any] = field(default_factory=dict)

    def at(self, offset: int) -> PageRequest[ItemT]:
        """The same request, from ``offset``."""
        return dataclasses.replace(self, params={**self.params, "offset": offset})


@dataclass(frozen=True, slots=True)
class PageData(Generic[ItemT]):
    """A page as the server sent it."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int
    paged: bool


def page_data(request: PageRequest[ItemT], body: Any) -> PageData[ItemT]:
    """Read either answer shape."""
    if isinstance(body, list):
        items = [request.item_type.model_validate(item) for item in body]
        limit = request.params.get("limit")
        return PageData(
            items, len(items), limit if isinstance(limit, int) else len(items), 0, False
        )
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise ValueError(f"GET {request.path} did not answer a list or a page of items")
    items = [request.item_type.model_validate(item) for item in body["items"]]
    return PageData(
        items,
        total=int(body.get("total", len(items))),
        limit=int(body.get("limit", len(items))),
        offset=int(body.get("offset", 0)),
        paged=True,
    )
