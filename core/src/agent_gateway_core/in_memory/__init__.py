"""In-process implementations of the ports that production uses too.

``memory`` persistence keeps everything in the process (gone when it ends), the in-memory
queue runs background executions in the process that accepted them, and :class:`HmacSecretBox`
seals secrets with the standard library alone, for an embedded runtime. Each passes its port's
contract suite; :mod:`agent_gateway_core.testing` re-exports them beside the test-only fakes.
"""

from agent_gateway_core.in_memory.persistence import InMemoryPersistence
from agent_gateway_core.in_memory.queue import InMemoryExecutionQueue
from agent_gateway_core.in_memory.secret_box import HmacSecretBox
from agent_gateway_core.in_memory.stores import (
    InMemoryConversationStore,
    InMemoryExecutionStore,
    InMemoryIdempotencyStore,
    InMemoryMcpServerStore,
    InMemoryNotificationLogStore,
    InMemoryScheduleStore,
    InMemoryUserConfigStore,
)

__all__ = [
    "HmacSecretBox",
    "InMemoryConversationStore",
    "InMemoryExecutionQueue",
    "InMemoryExecutionStore",
    "InMemoryIdempotencyStore",
    "InMemoryMcpServerStore",
    "InMemoryNotificationLogStore",
    "InMemoryPersistence",
    "InMemoryScheduleStore",
    "InMemoryUserConfigStore",
]
