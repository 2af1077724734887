"""One in-memory store per PersistenceBackend sub-store, composed by ``InMemoryPersistence``."""

from agent_gateway_core.testing.memory_stores.conversations import InMemoryConversationStore
from agent_gateway_core.testing.memory_stores.executions import InMemoryExecutionStore
from agent_gateway_core.testing.memory_stores.idempotency import InMemoryIdempotencyStore
from agent_gateway_core.testing.memory_stores.notification_log import (
    InMemoryNotificationLogStore,
)
from agent_gateway_core.testing.memory_stores.schedules import InMemoryScheduleStore
from agent_gateway_core.testing.memory_stores.user_configs import (
    InMemoryMcpServerStore,
    InMemoryUserConfigStore,
)

__all__ = [
    "InMemoryConversationStore",
    "InMemoryExecutionStore",
    "InMemoryIdempotencyStore",
    "InMemoryMcpServerStore",
    "InMemoryNotificationLogStore",
    "InMemoryScheduleStore",
    "InMemoryUserConfigStore",
]
