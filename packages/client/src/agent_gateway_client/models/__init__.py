"""The typed answers of the gateway (pydantic models that keep unknown fields)."""

from agent_gateway_client.models._base import GatewayModel, ToolCall, Usage
from agent_gateway_client.models.admin import (
    McpServer,
    McpServerDeleted,
    McpTestResult,
    McpTestTool,
    McpTool,
    MemoryCompaction,
    ReloadResult,
    ScopeCompaction,
)
from agent_gateway_client.models.agents import (
    Agent,
    AgentDetail,
    AgentSchedule,
    InvokeOptions,
    InvokeResult,
)
from agent_gateway_client.models.catalog import Skill, SkillDetail, Tool, ToolDetail
from agent_gateway_client.models.chat import (
    ChatEvent,
    ChatResult,
    ChatStreamEvent,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    ErrorInfo,
    SessionEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from agent_gateway_client.models.conversations import (
    Conversation,
    Message,
    Session,
    SessionDetail,
    StoredMessage,
)
from agent_gateway_client.models.executions import (
    TERMINAL_STATUSES,
    CancelResult,
    Execution,
    ExecutionEvent,
)
from agent_gateway_client.models.health import Health
from agent_gateway_client.models.notifications import NotificationDelivery
from agent_gateway_client.models.schedules import (
    Schedule,
    ScheduleAction,
    ScheduleDetail,
    ScheduleTriggered,
)
from agent_gateway_client.models.user_config import AgentConfig, ConfigDeleted, SetupSchema

__all__ = [
    "TERMINAL_STATUSES",
    "Agent",
    "AgentConfig",
    "AgentDetail",
    "AgentSchedule",
    "CancelResult",
    "ChatEvent",
    "ChatResult",
    "ChatStreamEvent",
    "ConfigDeleted",
    "Conversation",
    "DeltaEvent",
    "DoneEvent",
    "ErrorEvent",
    "ErrorInfo",
    "Execution",
    "ExecutionEvent",
    "GatewayModel",
    "Health",
    "InvokeOptions",
    "InvokeResult",
    "McpServer",
    "McpServerDeleted",
    "McpTestResult",
    "McpTestTool",
    "McpTool",
    "MemoryCompaction",
    "Message",
    "NotificationDelivery",
    "ReloadResult",
    "Schedule",
    "ScheduleAction",
    "ScheduleDetail",
    "ScheduleTriggered",
    "ScopeCompaction",
    "Session",
    "SessionDetail",
    "SessionEvent",
    "SetupSchema",
    "Skill",
    "SkillDetail",
    "StoredMessage",
    "Tool",
    "ToolCall",
    "ToolCallEvent",
    "ToolDetail",
    "ToolResultEvent",
    "Usage",
]
