"""``agents | skills | tools`` with ``--url`` or ``--profile``: what a running gateway serves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_gateway.cli.catalog import parameter_names
from agent_gateway.cli.listing import show_models
from agent_gateway.cli.remote import remote_client

if TYPE_CHECKING:
    from agent_gateway.cli.options import OutputFormat
    from agent_gateway.cli.remote_options import RemoteTarget
    from agent_gateway_client import Agent, Skill, Tool

ON_THE_GATEWAY = "on the gateway"


def remote_agents(target: RemoteTarget, output: OutputFormat) -> None:
    with remote_client(target, "list the agents") as client:
        listed = sorted(client.agents.list(), key=lambda agent: agent.id)
    show_models(listed, _agent_row, title="Agents", output=output, where=ON_THE_GATEWAY)


def remote_skills(target: RemoteTarget, output: OutputFormat) -> None:
    with remote_client(target, "list the skills") as client:
        listed = sorted(client.skills.list(), key=lambda skill: skill.id)
    show_models(listed, _skill_row, title="Skills", output=output, where=ON_THE_GATEWAY)


def remote_tools(target: RemoteTarget, output: OutputFormat) -> None:
    with remote_client(target, "list the tools") as client:
        listed = sorted(client.tools.list(), key=lambda tool: tool.name)
    show_models(listed, _tool_row, title="Tools", output=output, where=ON_THE_GATEWAY)


def _agent_row(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.id,
        "name": agent.display_name,
        "description": agent.description,
        "model": agent.model,
        "skills": agent.skills,
        "tools": agent.tools,
        "mode": agent.execution_mode,
        "enabled": agent.enabled,
    }


def _skill_row(skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "description": skill.description,
        "tools": skill.tools,
        "workflow": skill.has_workflow,
    }


def _tool_row(tool: Tool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "description": tool.description,
        "parameters": parameter_names(tool.parameters),
        "source": tool.source,
    }
