"""Agents, and the result of invoking one."""

from __future__ import annotations

from typing import Any, TypedDict

from pydantic import Field

from agent_gateway_client.models._base import GatewayModel, Usage


class Agent(GatewayModel):
    """An agent of the workspace, as listed."""

    id: str
    display_name: str = ""
    description: str = ""
    tags: list[str] = []
    version: str | None = None
    enabled: bool = True
    execution_mode: str = "sync"
    model: str | None = None
    skills: list[str] = []
    tools: list[str] = []
    has_input_schema: bool = False
    has_output_schema: bool = False


class AgentSchedule(GatewayModel):
    """A schedule declared in an agent's AGENT.md."""

    id: str
    name: str
    cron: str
    message: str
    instructions: str | None = None
    timezone: str = "UTC"
    enabled: bool = True


class AgentDetail(Agent):
    """An agent with its schemas, schedules and delegates."""

    scope: str = "global"
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    schedules: list[AgentSchedule] = []
    delegates_to: list[str] = []


InvokeOptions = TypedDict(
    "InvokeOptions",
    {
        "model": str,
        "temperature": float,
        "max_tokens": int,
        "timeout_ms": int,
        "output_schema": dict[str, Any],
        "async": bool,
    },
    total=False,
)
InvokeOptions.__doc__ = """Per-call overrides of an agent's model settings (``model``,
``temperature``, ``max_tokens``, ``timeout_ms``, ``output_schema``); ``async: True`` runs an
invoke in the background (the result is then ``queued``)."""


class InvokeResult(GatewayModel):
    """An invoke's answer: the finished execution, or (``status`` ``queued``, ``poll_url``
    set) one accepted to run in the background. ``replayed`` is true when the server answered
    with the outcome of an earlier request with the same Idempotency-Key."""

    execution_id: str
    agent_id: str = ""
    status: str
    output: Any = None
    raw_text: str = ""
    stop_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    duration_ms: int = 0
    poll_url: str | None = None
    replayed: bool = False
