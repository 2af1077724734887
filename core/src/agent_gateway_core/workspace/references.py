"""Checks that need the whole workspace: names one file uses that another must define."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.skill import SkillDefinition
from agent_gateway_core.domain.tool import ToolDefinition
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.skills import iter_steps


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownNames:
    """Every name defined in the workspace, including items whose own files have problems,
    so that one broken file does not also make everything that mentions it look wrong."""

    agents: Collection[str]
    skills: Collection[str]
    tools: Collection[str]


def reference_problems(
    root: Path,
    known: KnownNames,
    *,
    agents: Mapping[str, AgentDefinition],
    skills: Mapping[str, SkillDefinition],
    tools: Mapping[str, ToolDefinition],
) -> list[WorkspaceProblem]:
    """Unknown skills and delegates in agents, unknown tools in skills, unknown agents in tools.

    An agent's ``tools`` are not checked: code and MCP servers may add tools later, and the
    runtime validates them when it builds the agent.
    """
    problems: list[WorkspaceProblem] = []
    for agent in agents.values():
        path = _relative(agent.path, root)
        problems += _unknown(path, "skills", agent.skills, "skill", known.skills)
        problems += _unknown(path, "delegates_to", agent.delegates_to, "agent", known.agents)
        if agent.id in agent.delegates_to:
            index = agent.delegates_to.index(agent.id)
            problems.append(
                WorkspaceProblem(
                    path, "an agent cannot delegate to itself", f"delegates_to.{index}"
                )
            )
    for skill in skills.values():
        path = _relative(skill.path, root)
        problems += _unknown(path, "tools", skill.tools, "tool", known.tools)
        group = "tools" if skill.workflow_key == "steps" else "parallel"
        for step, field in iter_steps(skill.workflow, skill.workflow_key, group):
            # A tool the skill also lists under tools: is reported there, once.
            called = step.tool
            if called is not None and called not in known.tools and called not in skill.tools:
                problems.append(
                    WorkspaceProblem(
                        path, _unknown_message("tool", called, known.tools), f"{field}.tool"
                    )
                )
    for tool in tools.values():
        path = _relative(tool.path, root)
        # allowed_agents is a set by now, so the problem names the agent rather than a position.
        for name in sorted(tool.allowed_agents or ()):
            if name not in known.agents:
                message = _unknown_message("agent", name, known.agents)
                problems.append(WorkspaceProblem(path, message, "allowed_agents"))
    return problems


def _unknown(
    path: str, field: str, names: Iterable[str], kind: str, known: Collection[str]
) -> list[WorkspaceProblem]:
    return [
        WorkspaceProblem(path, _unknown_message(kind, name, known), f"{field}.{index}")
        for index, name in enumerate(names)
        if name not in known
    ]


def _unknown_message(kind: str, name: str, known: Collection[str]) -> str:
    message = f"unknown {kind} {name!r}"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    if not known:
        return f"{message}; the workspace defines no {kind}s ({kind}s/ is empty)"
    return f"{message}; the workspace defines: {', '.join(sorted(known))}"


def _relative(file: str | None, root: Path) -> str:
    return Path(file).relative_to(root).as_posix() if file else "."
