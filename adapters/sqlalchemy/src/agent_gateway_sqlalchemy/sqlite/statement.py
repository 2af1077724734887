"""SqliteStatement: a Core statement compiled once, then run on a plain sqlite3 connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]

_REQUIRED = object()
_NO_VALUES: Mapping[str, Any] = {}


class SqliteStatement:
    """The SQL text of ``statement`` and how to bind its values and read its rows.

    Values pass through the same type processors SQLAlchemy itself applies (UTC timestamps,
    JSON documents, booleans), so rows are stored exactly as the migrations and the async
    path expect; what SQLAlchemy does per execution beyond that is skipped. Parameters are
    bound by name: ``bindparam("id")`` takes ``values["id"]``; binds that carry a value of
    their own (``literal(...)``) need none.
    """

    __slots__ = ("_binds", "_columns", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))  # a DML or a query
        self.sql = str(compiled)
        given = compiled.params
        binds = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            default = _REQUIRED if bind.required else given[name]
            binds.append((name, default, bind.type.dialect_impl(dialect).bind_processor(dialect)))
        self._binds: tuple[tuple[str, Any, Processor | None], ...] = tuple(binds)
        self._columns: tuple[tuple[str, Processor | None], ...] = tuple(
            (column.name, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in getattr(statement, "exported_columns", ())
        )

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The positional parameters for ``values``, converted for SQLite."""
        bound = []
        for name, default, process in self._binds:
            value = values[name] if default is _REQUIRED else values.get(name, default)
            bound.append(value if process is None else process(value))
        return tuple(bound)

    def all(
        self, connection: sqlite3.Connection, values: Mapping[str, Any] = _NO_VALUES
    ) -> list[dict[str, Any]]:
        """Every row, as a dict by column name, converted back to Python values."""
        # fetchall() also ends the statement, which is what commits an autocommit write.
        raw = connection.execute(self.sql, self.parameters(values)).fetchall()
        columns = self._columns
        return [
            {
                name: value if process is None else process(value)
                for (name, process), value in zip(columns, row, strict=True)
            }
            for row in raw
        ]

    def first(
        self, connection: sqlite3.Connection, values: Mapping[str, Any] = _NO_VALUES
    ) -> dict[str, Any] | None:
        """The first row, or ``None``."""
        rows = self.all(connection, values)
        return rows[0] if rows else None

    def run(self, connection: sqlite3.Connection, values: Mapping[str, Any] = _NO_VALUES) -> int:
        """Execute a statement that returns no rows; how many rows it changed."""
        return connection.execute(self.sql, self.parameters(values)).rowcount

    def run_many(self, connection: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Execute once per mapping in ``rows``, as one ``executemany``."""
        connection.executemany(self.sql, [self.parameters(values) for values in rows])
