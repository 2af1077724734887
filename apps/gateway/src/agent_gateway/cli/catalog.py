"""``agents-gateway agents | skills | tools``: what the workspace declares, no server needed;
with ``--url`` or ``--profile``, what a running gateway serves."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption
from agent_gateway.cli.remote_options import ApiKeyOption, ProfileOption, UrlOption, remote_target

if TYPE_CHECKING:
    from agent_gateway_core.workspace import WorkspaceState


def agents(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the agents: id, name, description, model, skills, tools and whether enabled.

    The model column shows the workspace default (from gateway.yaml) for agents that do not
    name their own. With `--url` or `--profile`, the agents of that running gateway (JSON:
    each agent as `GET /v1/agents` answers it).

    **Examples**

        agents-gateway agents
        agents-gateway agents --format json
        agents-gateway agents --url http://127.0.0.1:8000
    """
    target = remote_target(url, profile, api_key)
    if target is not None:
        from agent_gateway.cli.remote_catalog import remote_agents

        remote_agents(target, output)
        return
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
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the skills: id, name, description, tools, workflow steps and the agents using them.

    With `--url` or `--profile`, the skills of that running gateway.

    **Examples**

        agents-gateway skills
        agents-gateway skills --workspace ./my-project/workspace --format json
        agents-gateway skills --profile prod
    """
    target = remote_target(url, profile, api_key)
    if target is not None:
        from agent_gateway.cli.remote_catalog import remote_skills

        remote_skills(target, output)
        return
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
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the file tools: name, description, parameters and which agents may call them.

    Optional parameters end with `?`; `*` in allowed agents means any agent that lists the tool.

    Tools registered in code or served by MCP servers exist only in a running gateway: list
    them with `--url` or `--profile` (every tool of that gateway, with where it comes from).

    **Examples**

        agents-gateway tools
        agents-gateway tools --format json
        agents-gateway tools --url http://127.0.0.1:8000 --format json
    """
    target = remote_target(url, profile, api_key)
    if target is not None:
        from agent_gateway.cli.remote_catalog import remote_tools

        remote_tools(target, output)
        return
    state = _load(workspace)
    rows = [
        {
            "name": tool.name,
            "description": tool.spec.description,
            "parameters": parameter_names(tool.spec.parameters),
            "allowed_agents": _allowed(tool.allowed_agents),
            "path": _relative(tool.path, state.root),
        }
        for tool in sorted(state.tools.values(), key=lambda t: t.name)
    ]
    show_rows(rows, title="Tools", output=output)


def _load(workspace: Path) -> "WorkspaceState":
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace

    return load_gateway_workspace(workspace)


def parameter_names(schema: dict[str, Any]) -> list[str]:
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
