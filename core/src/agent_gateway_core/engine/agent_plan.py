"""Everything about an agent that the engine works out once per workspace snapshot."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.tool import ToolDefinition, ToolSpec
from agent_gateway_core.engine.model_settings import AgentModelDefaults
from agent_gateway_core.engine.prompt import static_prompt
from agent_gateway_core.engine.schemas import CompiledSchema, SchemaSource, first_schema
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.workspace.state import WorkspaceState

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentPlan:
    """An agent with its tools, static prompt, model defaults and compiled schemas.

    ``output_schema`` is the agent's own (code-registered, else AGENT.md); per-call options
    may still override it.
    """

    agent: AgentDefinition
    tools: Mapping[str, ToolDefinition]
    tool_specs: tuple[ToolSpec, ...]
    static_prompt: str
    model: AgentModelDefaults
    input_schema: CompiledSchema | None
    output_schema: CompiledSchema | None


def build_plan(
    agent: AgentDefinition,
    workspace: WorkspaceState,
    registry: ToolRegistry,
    input_schemas: Mapping[str, SchemaSource],
    output_schemas: Mapping[str, SchemaSource],
    builtin_tools: Sequence[ToolDefinition] = (),
) -> AgentPlan:
    """The plan of ``agent``. ``builtin_tools`` (the memory tools) are offered besides the
    tools it declares; where it declares a tool of the same name, its own wins (logged)."""
    tools = _with_builtin(agent, registry.tools_for(agent, workspace.skills), builtin_tools)
    input_source = first_schema(input_schemas.get(agent.id), agent.input_schema)
    output_source = first_schema(output_schemas.get(agent.id), agent.output_schema)
    return AgentPlan(
        agent=agent,
        tools={t.name: t for t in tools},
        tool_specs=tuple(t.spec for t in tools),
        static_prompt=static_prompt(
            agent,
            workspace.skills,
            shared_prompt=workspace.shared_prompt,
            shared_behavior=workspace.shared_behavior,
            business_context=workspace.context,
            max_context_file_chars=workspace.context_retrieval.max_context_file_chars,
        ),
        model=AgentModelDefaults.of(agent, workspace),
        input_schema=(
            CompiledSchema(input_source, label=f"input schema of agent {agent.id!r}")
            if input_source is not None
            else None
        ),
        output_schema=(
            CompiledSchema(output_source, label=f"output schema of agent {agent.id!r}")
            if output_source is not None
            else None
        ),
    )


def _with_builtin(
    agent: AgentDefinition,
    declared: Sequence[ToolDefinition],
    builtin: Sequence[ToolDefinition],
) -> tuple[ToolDefinition, ...]:
    names = {tool.name for tool in declared}
    for tool in builtin:
        if tool.name in names:
            # Plans are built once per agent and workspace snapshot: this is logged that often.
            logger.info(
                "agent %r declares its own tool %r: it is used instead of the built-in one",
                agent.id,
                tool.name,
            )
    return (*declared, *(tool for tool in builtin if tool.name not in names))
