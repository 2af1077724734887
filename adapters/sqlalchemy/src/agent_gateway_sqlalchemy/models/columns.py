"""Column types shared by every table (UTC timestamps, JSON documents) and ``Row``, the base of
the table classes.

The tables are SQLAlchemy Core ``Table`` objects: nothing here maps rows to objects, so the ORM
(a third of a second to import) is never loaded by the gateway.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.types import TypeEngine

T = TypeVar("T")

ID_LENGTH = 255
Id = String(ID_LENGTH)
Label = String(64)  # enum values: statuses, kinds, channels


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC.

    SQLite keeps no zone, so values are written as naive UTC (a fixed-width text that sorts in
    time order) and read back as aware UTC. Naive values from callers are taken to be UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JsonDocument(TypeDecorator[Any]):
    """JSON, as JSONB on PostgreSQL; Python ``None`` is stored as SQL NULL.

    PostgreSQL's type is picked when that dialect asks for it, so a SQLite database never
    imports PostgreSQL's dialect (``JSON().with_variant(JSONB(), ...)`` would, to build JSONB).
    """

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(self.impl_instance)


def column(
    type_: TypeEngine[T], *, nullable: bool = False, primary_key: bool = False
) -> ColumnClause[T]:
    """A column of a :class:`Row`: NOT NULL unless ``nullable``.

    It is a template: each concrete table gets a copy of its own (see :meth:`Row.table`), made
    from exactly these options. It is typed as the ``ColumnClause`` it is, not as ``Column``:
    SQLAlchemy types a ``Column`` read from a class as unusable (that is reserved to its own
    ``TypedColumns``), and statements read the columns from the class.
    """
    return Column(type_, nullable=nullable, primary_key=primary_key)


class Row:
    """The columns of one table as typed class attributes, so statements read ``runs.status``.

    A subclass declares its columns in table order with :func:`column` and its indexes and
    constraints in :meth:`constraints`. :func:`~agent_gateway_sqlalchemy.models.build_metadata`
    makes one concrete subclass per (table prefix, schema), whose attributes are the columns
    of its own ``Table``; ``select(runs)``, ``insert(runs)`` and ``.returning(runs)`` take the
    class itself, through ``__clause_element__``.
    """

    base_name: ClassVar[str]
    __table__: ClassVar[Table]

    @classmethod
    def __clause_element__(cls) -> Table:
        return cls.__table__

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        """Indexes and table constraints beyond each column's own primary key flag."""
        return ()

    @classmethod
    def templates(cls) -> Iterator[tuple[str, Column[Any]]]:
        """``(name, template)`` of every column, in declaration (table) order."""
        for name, value in vars(cls).items():
            if isinstance(value, Column):
                yield name, value

    @classmethod
    def table(cls, metadata: MetaData, table_prefix: str) -> Table:
        """This table in ``metadata``, named ``{table_prefix}{base_name}``."""
        columns = [
            Column(name, t.type, nullable=t.nullable, primary_key=t.primary_key)
            for name, t in cls.templates()
        ]
        return Table(
            table_prefix + cls.base_name, metadata, *columns, *cls.constraints(table_prefix)
        )
