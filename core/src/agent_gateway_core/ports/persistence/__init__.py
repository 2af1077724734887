"""The PersistenceBackend port and the stores it groups, one file each."""

from agent_gateway_core.ports.persistence.backend import PersistenceBackend
from agent_gateway_core.ports.persistence.conversations import ConversationStore
from agent_gateway_core.ports.persistence.executions import (
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
)
from agent_gateway_core.ports.persistence.idempotency import IdempotencyStore
from agent_gateway_core.ports.persistence.instances import InstanceStore, Takeover
from agent_gateway_core.ports.persistence.notifications import (
    NotificationLogStore,
    NotificationQuery,
)
from agent_gateway_core.ports.persistence.paging import Page
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_core.ports.persistence.user_config import McpServerStore, UserConfigStore

__all__ = [
    "ConversationStore",
    "ExecutionQuery",
    "ExecutionStore",
    "ExecutionUpdate",
    "IdempotencyStore",
    "InstanceStore",
    "McpServerStore",
    "NotificationLogStore",
    "NotificationQuery",
    "Page",
    "PersistenceBackend",
    "ScheduleStore",
    "Takeover",
    "UserConfigStore",
]
