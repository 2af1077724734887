"""Statement builders the stores share: dialect upserts and counted pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.sql.dml import Insert

from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_sqlalchemy.models.columns import Row as TableRow

if TYPE_CHECKING:  # the async engine loads SQLAlchemy's ORM: not for the SQLite path
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")

_TOTAL = "total_matches"


def upsert(
    dialect: str,
    model: type[TableRow],
    keys: Sequence[str],
    *,
    update: Sequence[str] | None = None,
    computed: Mapping[str, ColumnElement[Any]] | None = None,
    where: Callable[[Any, Any], ColumnElement[bool]] | None = None,
) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE`` of ``update`` (default: every other column
    not ``computed``) to the new row's values, and of ``computed`` columns to SQL expressions
    (of the stored row, such as a counter plus one).

    ``where(table_columns, excluded)`` limits which conflicting rows are replaced. Values are
    bound at execution, so the statement is built, and compiled, once.
    """
    statement = _insert(dialect, model)
    columns = model.__table__.c
    computed = computed or {}
    names = (
        update
        if update is not None
        else [c.name for c in columns if c.name not in keys and c.name not in computed]
    )
    condition = where(columns, statement.excluded) if where is not None else None
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={**{name: statement.excluded[name] for name in names}, **computed},
        where=condition,
    )


def insert_new(dialect: str, model: type[TableRow], keys: Sequence[str]) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING RETURNING`` the primary key: a row comes
    back only when the insert took place, not when a row with the same ``keys`` exists.
    ``keys`` are those of a unique constraint (or the primary key) of ``model``."""
    statement = _insert(dialect, model).on_conflict_do_nothing(index_elements=list(keys))
    return statement.returning(*model.__table__.primary_key.columns)


def _insert(dialect: str, model: type[TableRow]) -> postgresql.Insert | sqlite.Insert:
    """The dialect's own ``INSERT`` (the one with ``ON CONFLICT``) into ``model``."""
    # Each dialect's package is imported only by the backend that runs on it.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model)


async def fetch_page(
    connection: AsyncConnection,
    query: Select[Any],
    *,
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    offset: int,
    convert: Callable[[dict[str, Any]], T],
) -> Page[T]:
    """One page of ``query`` and the count of every match, in one round trip when it has rows."""
    counted = query.add_columns(func.count().over().label(_TOTAL))
    rows: Sequence[Row[Any]] = (
        await connection.execute(counted.order_by(*order_by).limit(limit).offset(offset))
    ).all()
    items = []
    for row in rows:
        values = row._asdict()
        values.pop(_TOTAL)
        items.append(convert(values))
    if rows:
        total = int(rows[0][-1])
    elif offset == 0 and limit > 0:
        total = 0
    else:  # past the last page: the window had no row to count on
        total = int(
            await connection.scalar(select(func.count()).select_from(query.subquery())) or 0
        )
    return Page(items=items, total=total, limit=limit, offset=offset)
