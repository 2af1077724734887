"""In-memory fakes for every port. Each passes its port's contract suite in agent-gateway-testing,
so it is a legitimate stand-in in any test.

The in-process implementations that production uses as well (persistence, queue, the stdlib
secret box) live in :mod:`agent_gateway_core.in_memory` and are re-exported here.
"""

from agent_gateway_core.in_memory import (
    HmacSecretBox,
    InMemoryConversationStore,
    InMemoryExecutionQueue,
    InMemoryExecutionStore,
    InMemoryIdempotencyStore,
    InMemoryMcpServerStore,
    InMemoryNotificationLogStore,
    InMemoryPersistence,
    InMemoryScheduleStore,
    InMemoryUserConfigStore,
)
from agent_gateway_core.in_memory.schedule_lock import InMemoryScheduleLock
from agent_gateway_core.testing.auth import FixedIdentityAuthProvider, StaticTokenAuthProvider
from agent_gateway_core.testing.clock import ManualClock
from agent_gateway_core.testing.mcp_connector import FakeMcpConnection, FakeMcpConnector
from agent_gateway_core.testing.memory_manager import InMemoryMemoryManager
from agent_gateway_core.testing.notifications import RecordingNotificationBackend
from agent_gateway_core.testing.retriever import StaticRetriever
from agent_gateway_core.testing.scripted_llm import (
    ScriptedLLM,
    ScriptedReply,
    ScriptedToolCall,
    reply,
    tool_call,
)
from agent_gateway_core.testing.tool_provider import StaticToolProvider

__all__ = [
    "FakeMcpConnection",
    "FakeMcpConnector",
    "FixedIdentityAuthProvider",
    "HmacSecretBox",
    "InMemoryConversationStore",
    "InMemoryExecutionQueue",
    "InMemoryExecutionStore",
    "InMemoryIdempotencyStore",
    "InMemoryMcpServerStore",
    "InMemoryMemoryManager",
    "InMemoryNotificationLogStore",
    "InMemoryPersistence",
    "InMemoryScheduleLock",
    "InMemoryScheduleStore",
    "InMemoryUserConfigStore",
    "ManualClock",
    "RecordingNotificationBackend",
    "ScriptedLLM",
    "ScriptedReply",
    "ScriptedToolCall",
    "StaticRetriever",
    "StaticTokenAuthProvider",
    "StaticToolProvider",
    "reply",
    "tool_call",
]
