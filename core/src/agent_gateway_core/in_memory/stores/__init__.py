"""One in-memory store per PersistenceBackend sub-store, composed by ``InMemoryPersistence``."""

from agent_gateway_core.in_memory.stores.conversations import InMemoryConversationStore
from agent_gateway_core.in_memory.stores.executions import InMemoryExecutionStore
from agent_gateway_core.in_memory.stores.idempotency import InMemoryIdempotencyStore
from agent_gateway_core.in_memory.stores.instances import InMemoryInstanceStore
from agent_gateway_core.in_memory.stores.notification_log import (
    InMemoryNotificationLogStore,
)
from agent_gateway_core.in_memory.stores.schedules import InMemoryScheduleStore
from agent_gateway_core.in_memory.stores.user_configs import (
    InMemoryMcpServerStore,
    InMemoryUserConfigStore,
)

__all__ = [
    "InMemoryConversationStore",
    "InMemoryExecutionStore",
    "InMemoryIdempotencyStore",
    "InMemoryInstanceStore",
    "InMemoryMcpServerStore",
    "InMemoryNotificationLogStore",
    "InMemoryScheduleStore",
    "InMemoryUserConfigStore",
]
