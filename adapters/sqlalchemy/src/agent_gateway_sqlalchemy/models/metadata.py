"""``build_metadata``: the tables for one (table prefix, schema), as typed column namespaces."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TypeVar, cast

from sqlalchemy import MetaData

from agent_gateway_sqlalchemy.models.columns import Row
from agent_gateway_sqlalchemy.models.conversations import ConversationRow, MessageRow
from agent_gateway_sqlalchemy.models.executions import ExecutionEventRow, ExecutionRow
from agent_gateway_sqlalchemy.models.idempotency import IdempotencyRow
from agent_gateway_sqlalchemy.models.instances import InstanceRow
from agent_gateway_sqlalchemy.models.memories import MemoryRow
from agent_gateway_sqlalchemy.models.notifications import NotificationDeliveryRow
from agent_gateway_sqlalchemy.models.schedule_locks import ScheduleLockRow
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
    """The column namespace of every table, each bound to its ``Table`` in ``metadata``."""

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
    gateway_instances: type[InstanceRow]
    schedule_locks: type[ScheduleLockRow]
    memories: type[MemoryRow]


@functools.cache
def build_metadata(table_prefix: str = "", schema: str | None = None) -> Tables:
    """Tables named ``{table_prefix}{name}`` in ``schema``; one cached set per pair."""
    metadata = MetaData(schema=schema, naming_convention=NAMING_CONVENTION)

    def concrete(row: type[R]) -> type[R]:
        table = row.table(metadata, table_prefix)
        namespace: dict[str, object] = {name: table.c[name] for name, _ in row.templates()}
        namespace["__table__"] = table
        return cast(type[R], type(row.__name__, (row,), namespace))

    return Tables(
        metadata=metadata,
        executions=concrete(ExecutionRow),
        execution_events=concrete(ExecutionEventRow),
        conversations=concrete(ConversationRow),
        messages=concrete(MessageRow),
        schedules=concrete(ScheduleRow),
        notification_deliveries=concrete(NotificationDeliveryRow),
        user_agent_configs=concrete(UserAgentConfigRow),
        mcp_servers=concrete(McpServerRow),
        idempotency_records=concrete(IdempotencyRow),
        gateway_instances=concrete(InstanceRow),
        schedule_locks=concrete(ScheduleLockRow),
        memories=concrete(MemoryRow),
    )
