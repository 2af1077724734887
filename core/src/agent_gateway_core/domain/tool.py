"""Tools: what the model sees (ToolSpec) and what runs (ToolDefinition)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ToolSource(StrEnum):
    FILE = "file"  # tools/<id>/TOOL.md + handler.py
    CODE = "code"  # @gw.tool / ToolRegistry.register
    PROVIDER = "provider"  # a ToolProvider such as an MCP server


class ToolSpec(BaseModel):
    """The schema of a tool as offered to a model. ``parameters`` is a JSON Schema object."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}, "required": []}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolContext:
    """What a running tool may know about the execution that called it.

    For a personal agent, ``user_config`` holds the caller's setup values and
    ``user_secrets`` its ``sensitive`` ones, decrypted (a secret that is not a string, as its
    JSON text); both are empty for other agents. Neither is ever shown to the model.
    """

    execution_id: str
    agent_id: str
    user_id: str | None = None
    session_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    user_config: Mapping[str, Any] = field(default_factory=dict)
    user_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def caller_identity(self) -> str | None:
        """The existing product's name for ``user_id``, for code tools written against it."""
        return self.user_id


ToolHandler = Callable[..., Any] | Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolDefinition:
    """A runnable tool: its spec, its handler and who may call it.

    The handler receives the model's arguments as keyword arguments; if it declares a
    parameter named ``context`` it also receives the :class:`ToolContext`.
    """

    spec: ToolSpec
    handler: ToolHandler | None
    source: ToolSource = ToolSource.CODE
    allowed_agents: frozenset[str] | None = None  # None: any agent that lists it
    require_approval: bool = False
    timeout_seconds: float | None = None
    # Safe to call again: a re-run calls it again instead of replaying its recorded result.
    idempotent: bool = False
    provider: str | None = None  # name of the ToolProvider for PROVIDER tools
    path: str | None = None  # TOOL.md path for FILE tools

    @property
    def name(self) -> str:
        return self.spec.name

    def allows(self, agent_id: str) -> bool:
        return self.allowed_agents is None or agent_id in self.allowed_agents


class ToolResult(BaseModel):
    """The outcome of one tool call, as recorded and as fed back to the model."""

    model_config = ConfigDict(frozen=True)

    call_id: str
    name: str
    success: bool
    output: Any = None
    error: str | None = None
    duration_ms: int = 0
