"""The idempotency records table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Row


class IdempotencyRow(Row):
    base_name = "idempotency_records"

    scope: Mapped[str] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(Id, primary_key=True)
    execution_id: Mapped[str] = mapped_column(Id)
    request_fingerprint: Mapped[str] = mapped_column(Id)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index(None, "expires_at"),)
