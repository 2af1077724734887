"""Agent Gateway: serve LLM agents as a production HTTP API.

``from agent_gateway import Gateway`` is the entry point; importing it loads FastAPI but not
litellm, which is imported when the first model client is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_gateway._version import __version__

if TYPE_CHECKING:
    from agent_gateway.gateway import Gateway
    from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionResult

__all__ = ["ExecutionOptions", "ExecutionResult", "Gateway", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Gateway":
        from agent_gateway.gateway import Gateway

        return Gateway
    if name in ("ExecutionOptions", "ExecutionResult"):
        from agent_gateway_core.domain import execution

        return getattr(execution, name)
    raise AttributeError(f"module 'agent_gateway' has no attribute {name!r}")
