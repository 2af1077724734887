"""Pagination shared by every list operation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``items`` for one page; ``total`` counts every match regardless of limit/offset."""

    items: Sequence[T]
    total: int
    limit: int
    offset: int
