"""Load a workspace directory into a validated :class:`WorkspaceState`, reporting every problem.

Loading reads files and imports tool handlers: it blocks, so async hosts run it in a thread.
It does no network I/O.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from agent_gateway_core.domain.tool import ToolDefinition
from agent_gateway_core.errors import WorkspaceError, WorkspaceProblem
from agent_gateway_core.workspace.agents import read_agent, read_prompt_file
from agent_gateway_core.workspace.documents import relative
from agent_gateway_core.workspace.gateway_config import read_gateway_config
from agent_gateway_core.workspace.layout import item_directories
from agent_gateway_core.workspace.references import KnownNames, reference_problems
from agent_gateway_core.workspace.skills import read_skill
from agent_gateway_core.workspace.state import WorkspaceState
from agent_gateway_core.workspace.tools import read_tool


def load_workspace(root: str | Path, *, environ: Mapping[str, str] | None = None) -> WorkspaceState:
    """Read, validate and cross-check the workspace at ``root``.

    ``environ`` resolves ``${VAR}`` in gateway.yaml (default: ``os.environ``). Raises
    :class:`WorkspaceError` listing every problem in every file when there is any. Agents
    and skills are keyed by directory name, tools by their name (the directory name unless
    TOOL.md sets ``name``).
    """
    state, problems = _load(Path(root), os.environ if environ is None else environ)
    if state is None or problems:
        raise WorkspaceError(problems)
    return state


def check_workspace(
    root: str | Path, *, environ: Mapping[str, str] | None = None
) -> list[WorkspaceProblem]:
    """Every problem :func:`load_workspace` would raise for, or an empty list."""
    return _load(Path(root), os.environ if environ is None else environ)[1]


def _load(
    root: Path, environ: Mapping[str, str]
) -> tuple[WorkspaceState | None, list[WorkspaceProblem]]:
    if not root.exists():
        return None, [WorkspaceProblem(str(root), "workspace directory does not exist")]
    if not root.is_dir():
        return None, [WorkspaceProblem(str(root), "is a file, not a workspace directory")]
    root = root.resolve()
    problems: list[WorkspaceProblem] = []
    gateway = read_gateway_config(root, environ, problems)

    tool_dirs = item_directories(root, "tools", problems)
    skill_dirs = item_directories(root, "skills", problems)
    agent_dirs = item_directories(root, "agents", problems)
    tools = _read_tools(tool_dirs, root, problems)
    skills = {d.name: s for d in skill_dirs if (s := read_skill(d, root, problems)) is not None}
    agents = {d.name: a for d in agent_dirs if (a := read_agent(d, root, problems)) is not None}
    # Loose files in agents/ are not agents: these two are shared by all of them.
    shared_prompt = read_prompt_file(root / "agents" / "AGENTS.md", root, problems)
    shared_behavior = read_prompt_file(root / "agents" / "BEHAVIOR.md", root, problems)

    known = KnownNames(
        agents={d.name for d in agent_dirs},
        skills={d.name for d in skill_dirs},
        # A tool that failed to load is known by its directory name: its own name is unknown.
        tools=set(tools) | {d.name for d in tool_dirs},
    )
    problems += reference_problems(root, known, agents=agents, skills=skills, tools=tools)
    # Grouped by file, in the order each file's problems were found.
    problems.sort(key=lambda problem: problem.path)
    state = WorkspaceState(
        root=root,
        agents=MappingProxyType(agents),
        skills=MappingProxyType(skills),
        tools=MappingProxyType(tools),
        shared_prompt=shared_prompt,
        shared_behavior=shared_behavior,
        model=gateway.model,
        guardrails=gateway.guardrails,
        context_retrieval=gateway.context_retrieval,
        context=gateway.context,
        timezone=gateway.timezone,
        config=gateway.config,
    )
    return state, problems


def _read_tools(
    directories: list[Path], root: Path, problems: list[WorkspaceProblem]
) -> dict[str, ToolDefinition]:
    """Tools keyed by name; a name already taken is a problem on the later TOOL.md."""
    tools: dict[str, ToolDefinition] = {}
    defined_in: dict[str, str] = {}
    for directory in directories:
        tool = read_tool(directory, root, problems)
        if tool is None:
            continue
        path = relative(directory / "TOOL.md", root)
        if tool.name in tools:
            message = f"tool name {tool.name!r} is already used by {defined_in[tool.name]}"
            problems.append(WorkspaceProblem(path, message, "name"))
            continue
        tools[tool.name] = tool
        defined_in[tool.name] = path
    return tools
