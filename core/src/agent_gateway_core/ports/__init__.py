"""Ports: the protocols adapters implement. Each docstring is the spec its contract suite checks."""

from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionJob, ExecutionQueue
from agent_gateway_core.ports.llm_client import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    TextDelta,
)
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_core.ports.persistence import (
    ConversationStore,
    ExecutionQuery,
    ExecutionStore,
    ExecutionUpdate,
    IdempotencyStore,
    InstanceStore,
    McpServerStore,
    NotificationLogStore,
    NotificationQuery,
    Page,
    PersistenceBackend,
    ScheduleStore,
    UserConfigStore,
)
from agent_gateway_core.ports.retriever import KeywordRetriever, RetrievalQuery, Retriever
from agent_gateway_core.ports.schedule_lock import LockLease, ScheduleLock
from agent_gateway_core.ports.secret_box import SecretBox
from agent_gateway_core.ports.tool_provider import ToolProvider

__all__ = [
    "AuthProvider",
    "Clock",
    "ConversationStore",
    "Delivery",
    "ExecutionJob",
    "ExecutionQuery",
    "ExecutionQueue",
    "ExecutionStore",
    "ExecutionUpdate",
    "IdempotencyStore",
    "InstanceStore",
    "KeywordRetriever",
    "LLMClient",
    "LLMRequest",
    "LLMResponse",
    "LLMStreamEvent",
    "LockLease",
    "McpServerStore",
    "MemoryManager",
    "NotificationBackend",
    "NotificationLogStore",
    "NotificationQuery",
    "Page",
    "PersistenceBackend",
    "RetrievalQuery",
    "Retriever",
    "ScheduleLock",
    "ScheduleStore",
    "SecretBox",
    "TextDelta",
    "ToolProvider",
    "UserConfigStore",
]
