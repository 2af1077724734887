"""Pagination of filtered, ordered in-memory results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel

from agent_gateway_core.ports.persistence.paging import Page

M = TypeVar("M", bound=BaseModel)


def paginate(items: Sequence[M], limit: int, offset: int) -> Page[M]:
    """One page of copies of ``items``; ``total`` counts every item."""
    return Page(
        items=[item.model_copy(deep=True) for item in items[offset : offset + limit]],
        total=len(items),
        limit=limit,
        offset=offset,
    )
