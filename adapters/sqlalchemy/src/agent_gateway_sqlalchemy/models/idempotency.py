"""The idempotency records table."""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import Id, Row, UtcDateTime, column


class IdempotencyRow(Row):
    base_name = "idempotency_records"

    scope = column(Id, primary_key=True)
    key = column(Id, primary_key=True)
    execution_id = column(Id)
    request_fingerprint = column(Id)
    created_at = column(UtcDateTime())
    expires_at = column(UtcDateTime())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        return (Index(None, "expires_at"),)
