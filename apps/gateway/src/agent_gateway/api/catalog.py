"""The agents, skills and tools of the running workspace as API bodies, built once per snapshot.

A snapshot is one ``Runtime.revision``: a reload, a schema registered in code, or a tool added
in code or by a provider makes a new one. The answers made of it are serialized (and given
their ETag) once per snapshot too, on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import State

from agent_gateway.api.etags import Representation
from agent_gateway.api.schemas import (
    AgentDetail,
    ScheduleOut,
    SkillDetail,
    ToolDetail,
)
from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.ids import workspace_schedule_id
from agent_gateway_core.domain.skill import SkillDefinition
from agent_gateway_core.domain.tool import ToolDefinition
from agent_gateway_core.errors import AgentGatewayError
from agent_gateway_core.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Catalog:
    revision: tuple[int, int]
    agents: dict[str, AgentDetail]
    skills: dict[str, SkillDetail]
    tools: dict[str, ToolDetail]
    _rendered: dict[Hashable, Representation] = field(default_factory=dict, repr=False)

    def representation(self, key: Hashable, render: Callable[[], str | bytes]) -> Representation:
        """The answer ``key`` names, serialized by ``render()`` the first time it is asked for
        in this snapshot (what ``render`` raises is raised, and nothing is kept)."""
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = Representation.of(render())
        return found


def catalog_of(runtime: Runtime, cache: State) -> Catalog:
    """The catalog of ``runtime``'s current snapshot; ``cache`` (the app's state) keeps it."""
    cached: Catalog | None = getattr(cache, "catalog", None)
    if cached is None or cached.revision != runtime.revision:
        cached = build_catalog(runtime)
        cache.catalog = cached
    return cached


def build_catalog(runtime: Runtime) -> Catalog:
    workspace = runtime.workspace
    return Catalog(
        revision=runtime.revision,
        agents={
            agent_id: _agent(agent, runtime) for agent_id, agent in sorted(workspace.agents.items())
        },
        skills={skill_id: _skill(skill) for skill_id, skill in sorted(workspace.skills.items())},
        tools={name: _tool(tool) for name, tool in sorted(runtime.tool_registry.all().items())},
    )


def _agent(agent: AgentDefinition, runtime: Runtime) -> AgentDetail:
    input_schema, output_schema = _effective_schemas(agent, runtime)
    return AgentDetail(
        id=agent.id,
        display_name=agent.name,
        description=agent.description,
        tags=list(agent.tags),
        version=agent.version,
        enabled=agent.enabled,
        execution_mode=agent.execution_mode,
        model=agent.model.name or runtime.workspace.model.default,
        skills=list(agent.skills),
        tools=list(agent.tools),
        has_input_schema=input_schema is not None,
        has_output_schema=output_schema is not None,
        scope=agent.scope,
        input_schema=input_schema,
        output_schema=output_schema,
        schedules=[
            ScheduleOut(
                id=workspace_schedule_id(agent.id, spec.name),
                name=spec.name,
                cron=spec.cron,
                message=spec.message,
                instructions=spec.instructions,
                timezone=spec.timezone or runtime.workspace.timezone,
                enabled=spec.enabled,
            )
            for spec in agent.schedules
        ],
        delegates_to=list(agent.delegates_to),
    )


def _effective_schemas(
    agent: AgentDefinition, runtime: Runtime
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The schemas invoke applies: registered in code, else AGENT.md."""
    try:
        return runtime.agent_schemas(agent.id)
    except AgentGatewayError:  # disabled (or unbuildable): only the AGENT.md schemas are known
        return agent.input_schema, agent.output_schema


def _skill(skill: SkillDefinition) -> SkillDetail:
    return SkillDetail(
        id=skill.id,
        name=skill.name,
        description=skill.description,
        tools=list(skill.tools),
        has_workflow=bool(skill.workflow),
        instructions=skill.instructions,
        workflow=list(skill.workflow),
    )


def _tool(tool: ToolDefinition) -> ToolDetail:
    return ToolDetail(
        name=tool.name,
        description=tool.spec.description,
        source=tool.source,
        parameters=tool.spec.parameters,
        path=tool.path,
        provider=tool.provider,
        allowed_agents=sorted(tool.allowed_agents) if tool.allowed_agents is not None else None,
        require_approval=tool.require_approval,
        timeout_seconds=tool.timeout_seconds,
    )
