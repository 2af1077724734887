"""``agents-gateway agents | skills | tools``: what the workspace declares, no server needed."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption

if TYPE_CHECKING:
    from agent_gateway_core.workspace import WorkspaceState


def agents(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the agents: id, name, description, model, skills, tools and whether enabled.

    The model column shows the workspace default (from gateway.yaml) for agents that do not
    name their own.

    **Examples**

        agents-gateway agents
        agents-gateway agents --format json
    """
    state = _load(workspace)
    rows = [
        {
            "id": agent.id,
            "name": agent.name,
            "description": agent.description,
            "model": agent.model.name or state.model.default,
            "skills": list(agent.skills),
            "tools": list(agent.tools),
            "enabled": agent.enabled,
        }
        for agent in sorted(state.agents.values(), key=lambda a: a.id)
    ]
    show_rows(rows, title="Agents", output=output)


def skills(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the skills: id, name, description, tools, workflow steps and the agents using them.

    **Examples**

        agents-gateway skills
        agents-gateway skills --workspace ./my-project/workspace --format json
    """
    state = _load(workspace)
    rows = [
        {
            "id": skill.id,
            "name": skill.name,
            "description": skill.description,
            "tools": list(skill.tools),
            "workflow_steps": len(skill.workflow),
            "used_by": sorted(a.id for a in state.agents.values() if skill.id in a.skills),
        }
        for skill in sorted(state.skills.values(), key=lambda s: s.id)
    ]
    show_rows(rows, title="Skills", output=output)


def tools(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the file tools: name, description, parameters and which agents may call them.

    Optional parameters end with `?`; `*` in allowed agents means any agent that lists the tool.

    Tools registered in code or served by MCP servers exist only in a running gateway and
    are not listed here.

    **Examples**

        agents-gateway tools
        agents-gateway tools --format json
    """
    state = _load(workspace)
    rows = [
        {
            "name": tool.name,
            "description": tool.spec.description,
            "parameters": _parameters(tool.spec.parameters),
            "allowed_agents": _allowed(tool.allowed_agents),
            "path": _relative(tool.path, state.root),
        }
        for tool in sorted(state.tools.values(), key=lambda t: t.name)
    ]
    show_rows(rows, title="Tools", output=output)


def _load(workspace: Path) -> "WorkspaceState":
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace

    return load_gateway_workspace(workspace)


def _parameters(schema: dict[str, Any]) -> list[str]:
    """``city``, ``units?``: parameter names, optional ones marked with ``?``."""
    required = set(schema.get("required", ()))
    return [name if name in required else f"{name}?" for name in schema.get("properties", {})]


def _allowed(agents: frozenset[str] | None) -> list[str]:
    return ["*"] if agents is None else sorted(agents)


def _relative(path: str | None, root: Path | None) -> str | None:
    """``tools/x/TOOL.md`` rather than an absolute path, when the file is in the workspace."""
    if path is None or root is None or not Path(path).is_relative_to(root):
        return path
    return Path(path).relative_to(root).as_posix()
