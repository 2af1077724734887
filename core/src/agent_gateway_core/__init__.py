"""Agent Gateway core: framework-free domain, ports, workspace loader and execution engine.

Importing this package does no I/O and imports no heavy dependency: the public names below
are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_gateway_core.domain.agent import Guardrails
    from agent_gateway_core.domain.execution import (
        ExecutionOptions,
        ExecutionResult,
        ExecutionStatus,
        StopReason,
    )
    from agent_gateway_core.domain.usage import Usage
    from agent_gateway_core.engine.execution_engine import ExecutionEngine
    from agent_gateway_core.engine.hooks import HookRegistry
    from agent_gateway_core.engine.request import (
        ExecutionRequest,
        StreamDelta,
        StreamStarted,
        StreamToolCall,
        StreamToolResult,
    )
    from agent_gateway_core.engine.tool_registry import ToolRegistry
    from agent_gateway_core.errors import (
        AgentDisabledError,
        AgentGatewayError,
        AgentNotFoundError,
        ConfigError,
        InputValidationError,
        OutputValidationError,
        SessionNotFoundError,
    )
    from agent_gateway_core.runtime import Runtime

__version__ = "0.1.0"

_EXPORTS = {
    "Guardrails": "agent_gateway_core.domain.agent",
    "StreamToolResult": "agent_gateway_core.engine.request",
    "StreamToolCall": "agent_gateway_core.engine.request",
    "StreamDelta": "agent_gateway_core.engine.request",
    "StreamStarted": "agent_gateway_core.engine.request",
    "AgentDisabledError": "agent_gateway_core.errors",
    "AgentGatewayError": "agent_gateway_core.errors",
    "AgentNotFoundError": "agent_gateway_core.errors",
    "ConfigError": "agent_gateway_core.errors",
    "ExecutionEngine": "agent_gateway_core.engine.execution_engine",
    "ExecutionOptions": "agent_gateway_core.domain.execution",
    "ExecutionRequest": "agent_gateway_core.engine.request",
    "ExecutionResult": "agent_gateway_core.domain.execution",
    "ExecutionStatus": "agent_gateway_core.domain.execution",
    "HookRegistry": "agent_gateway_core.engine.hooks",
    "InputValidationError": "agent_gateway_core.errors",
    "OutputValidationError": "agent_gateway_core.errors",
    "Runtime": "agent_gateway_core.runtime",
    "SessionNotFoundError": "agent_gateway_core.errors",
    "StopReason": "agent_gateway_core.domain.execution",
    "ToolRegistry": "agent_gateway_core.engine.tool_registry",
    "Usage": "agent_gateway_core.domain.usage",
}

__all__ = [
    "AgentDisabledError",
    "AgentGatewayError",
    "AgentNotFoundError",
    "ConfigError",
    "ExecutionEngine",
    "ExecutionOptions",
    "ExecutionRequest",
    "ExecutionResult",
    "ExecutionStatus",
    "Guardrails",
    "HookRegistry",
    "InputValidationError",
    "OutputValidationError",
    "Runtime",
    "SessionNotFoundError",
    "StopReason",
    "StreamDelta",
    "StreamStarted",
    "StreamToolCall",
    "StreamToolResult",
    "ToolRegistry",
    "Usage",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agent_gateway_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return [*globals(), *__all__]
