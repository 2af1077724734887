"""PagedQuery: one filtered listing, compiled once, fetched as a page with its total."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, func, select

from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.sqlite.database import SqliteDatabase

T = TypeVar("T")

_TOTAL = "total_matches"


class PagedQuery:
    """``query`` in ``order_by`` order, a page at a time; its values are bound at fetch time.

    The page and the count of every match come from one statement (``count(*) OVER ()``); a
    page past the last one has no row to carry the count, so only then a second one counts.
    """

    def __init__(
        self, database: SqliteDatabase, query: Select[Any], order_by: Sequence[ColumnElement[Any]]
    ) -> None:
        self._page = database.compile(
            query.add_columns(func.count().over().label(_TOTAL))
            .order_by(*order_by)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        self._count = database.compile(
            select(func.count().label(_TOTAL)).select_from(query.subquery())
        )

    def fetch(
        self,
        connection: sqlite3.Connection,
        values: Mapping[str, Any],
        *,
        limit: int,
        offset: int,
        convert: Callable[[dict[str, Any]], T],
    ) -> Page[T]:
        rows = self._page.all(connection, {**values, "limit": limit, "offset": offset})
        total = 0
        items = []
        for row in rows:
            total = row.pop(_TOTAL)
            items.append(convert(row))
        if not rows and (offset > 0 or limit <= 0):  # past the last page, or an empty one
            total = self._count.all(connection, values)[0][_TOTAL]
        return Page(items=items, total=int(total), limit=limit, offset=offset)
