"""``build_metadata``: the tables for one (table prefix, schema), as typed declarative classes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from agent_gateway_sqlalchemy.models.columns import Row, UtcDateTime, json_document
from agent_gateway_sqlalchemy.models.conversations import ConversationRow, MessageRow
from agent_gateway_sqlalchemy.models.executions import ExecutionEventRow, ExecutionRow
from agent_gateway_sqlalchemy.models.idempotency import IdempotencyRow
from agent_gateway_sqlalchemy.models.notifications import NotificationDeliveryRow
from agent_gateway_sqlalchemy.models.schedules import ScheduleRow
from agent_gateway_sqlalchemy.models.user_configs import McpServerRow, UserAgentConfigRow

# The migrations spell out the same names; the "models match migrations" test holds them equal.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

R = TypeVar("R", bound=Row)


@dataclass(frozen=True, slots=True)
class Tables:
    """The mapped classes of every table, bound to one ``metadata``."""

    metadata: MetaData
    executions: type[ExecutionRow]
    execution_events: type[ExecutionEventRow]
    conversations: type[ConversationRow]
    messages: type[MessageRow]
    schedules: type[ScheduleRow]
    notification_deliveries: type[NotificationDeliveryRow]
    user_agent_configs: type[UserAgentConfigRow]
    mcp_servers: type[McpServerRow]
    idempotency_records: type[IdempotencyRow]


@functools.cache
def build_metadata(table_prefix: str = "", schema: str | None = None) -> Tables:
    """Tables named ``{table_prefix}{name}`` in ``schema``; one cached set per pair."""

    class Base(DeclarativeBase):
        metadata = MetaData(schema=schema, naming_convention=NAMING_CONVENTION)
        type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: json_document()}

    def concrete(columns: type[R]) -> type[R]:
        namespace = {
            "__tablename__": table_prefix + columns.base_name,
            "table_prefix": table_prefix,
        }
        return cast(type[R], type(columns.__name__, (columns, Base), namespace))

    return Tables(
        metadata=Base.metadata,
        executions=concrete(ExecutionRow),
        execution_events=concrete(ExecutionEventRow),
        conversations=concrete(ConversationRow),
        messages=concrete(MessageRow),
        schedules=concrete(ScheduleRow),
        notification_deliveries=concrete(NotificationDeliveryRow),
        user_agent_configs=concrete(UserAgentConfigRow),
        mcp_servers=concrete(McpServerRow),
        idempotency_records=concrete(IdempotencyRow),
    )
