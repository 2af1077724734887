"""One contract suite per port. Subclass one, override its fixtures, and pytest runs it.

Each suite is a plain class named ``<Port>Contract`` whose fixtures raise until a subclass
provides them (an EMPTY backend, plus a few sample inputs where the port needs them). Suites
whose port expires things take an ``advance_time`` fixture: real sleeps by default, or
:func:`advance_manual_clock` for a backend built on a ``ManualClock``.
"""

from agent_gateway_testing.contracts.auth_provider import AuthProviderContract
from agent_gateway_testing.contracts.clock import ClockContract
from agent_gateway_testing.contracts.execution_queue import ExecutionQueueContract
from agent_gateway_testing.contracts.llm_client import LLMClientContract, LLMHarness
from agent_gateway_testing.contracts.mcp_connector import (
    InvalidMcpConfig,
    McpConnectorContract,
    ServerSwitch,
)
from agent_gateway_testing.contracts.memory_manager import MemoryManagerContract
from agent_gateway_testing.contracts.notification_backend import NotificationBackendContract
from agent_gateway_testing.contracts.openai_http_client import (
    OpenAIHTTPClientContract,
    fast_retrying_clients,
)
from agent_gateway_testing.contracts.persistence import (
    ConversationStoreContract,
    ExecutionStoreContract,
    IdempotencyStoreContract,
    InstanceStoreContract,
    McpServerStoreContract,
    NotificationLogStoreContract,
    PersistenceBackendContract,
    PersistenceLifecycleContract,
    ScheduleStoreContract,
    UserConfigStoreContract,
)
from agent_gateway_testing.contracts.retriever import RetrieverContract
from agent_gateway_testing.contracts.schedule_lock import ScheduleLockContract
from agent_gateway_testing.contracts.secret_box import SecretBoxContract
from agent_gateway_testing.contracts.timing import (
    AdvanceTime,
    advance_manual_clock,
    let_real_time_pass,
)
from agent_gateway_testing.contracts.tool_provider import ToolProviderContract

__all__ = [
    "AdvanceTime",
    "AuthProviderContract",
    "ClockContract",
    "ConversationStoreContract",
    "ExecutionQueueContract",
    "ExecutionStoreContract",
    "IdempotencyStoreContract",
    "InstanceStoreContract",
    "InvalidMcpConfig",
    "LLMClientContract",
    "LLMHarness",
    "McpConnectorContract",
    "McpServerStoreContract",
    "MemoryManagerContract",
    "NotificationBackendContract",
    "NotificationLogStoreContract",
    "OpenAIHTTPClientContract",
    "PersistenceBackendContract",
    "PersistenceLifecycleContract",
    "RetrieverContract",
    "ScheduleLockContract",
    "ScheduleStoreContract",
    "SecretBoxContract",
    "ServerSwitch",
    "ToolProviderContract",
    "UserConfigStoreContract",
    "advance_manual_clock",
    "fast_retrying_clients",
    "let_real_time_pass",
]
