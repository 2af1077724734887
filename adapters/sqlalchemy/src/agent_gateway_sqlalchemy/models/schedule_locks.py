"""The schedule locks: one lease per key, shared by every process on the database."""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import Label, Row, UtcDateTime, column


class ScheduleLockRow(Row):
    base_name = "schedule_locks"

    # A schedule id (two ids and a prefix) and a firing time: longer than an Id can be.
    key = column(Text(), primary_key=True)
    token = column(Label)
    expires_at = column(UtcDateTime())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        return (Index(None, "expires_at"),)  # the purge of expired leases
