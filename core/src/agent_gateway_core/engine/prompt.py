"""System prompt assembly.

Sections, in order: the workspace's shared prompt and behaviour (``agents/AGENTS.md``,
``agents/BEHAVIOR.md``), the agent's prompt (AGENT.md body) and behaviour (its BEHAVIOR.md),
its context files, its skills' instructions and workflows, recalled memories, retrieved
context, the request's input, the schedule's or call's instructions, and the output format
when an output schema applies. Everything up to the skills never changes within a workspace
snapshot, so :func:`static_prompt` is built once per agent; the rest is assembled per request
by :class:`PromptAssembler`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from agent_gateway_core.domain.agent import AgentDefinition, AgentScope
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.domain.skill import SkillDefinition, WorkflowStep
from agent_gateway_core.engine.schemas import CompiledSchema
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.retriever import RetrievalQuery, Retriever

logger = logging.getLogger(__name__)

MEMORY_RECALL_LIMIT = 20


def static_prompt(
    agent: AgentDefinition,
    skills: Mapping[str, SkillDefinition],
    *,
    shared_prompt: str = "",
    shared_behavior: str = "",
) -> str:
    """The parts of the system prompt that depend only on the workspace.

    ``shared_prompt`` and ``shared_behavior`` are the workspace's ``agents/AGENTS.md`` and
    ``agents/BEHAVIOR.md`` bodies, which come first, in that order.
    """
    sections = [
        shared_prompt.strip(),
        shared_behavior.strip(),
        agent.prompt.strip(),
        agent.behavior.strip(),
    ]
    sections += [f"## {f.name}\n\n{f.content.strip()}" for f in agent.context_files]
    sections += [_skill_section(skills[s]) for s in agent.skills if s in skills]
    return "\n\n".join(s for s in sections if s)


def _skill_section(skill: SkillDefinition) -> str:
    parts = [f"## Skill: {skill.name}", skill.description.strip(), skill.instructions.strip()]
    if skill.workflow:
        steps = [_step_line(step, f"{n}.") for n, step in enumerate(skill.workflow, start=1)]
        parts.append("Follow this workflow, one step after the other:\n" + "\n".join(steps))
    return "\n\n".join(p for p in parts if p)


def _step_line(step: WorkflowStep, marker: str, indent: str = "") -> str:
    if step.parallel:
        head = f"{indent}{marker} {step.name}: run these at the same time (parallel tool calls):"
        subs = [_step_line(sub, "-", indent + "   ") for sub in step.parallel]
        return "\n".join([head, *subs])
    text = f"{indent}{marker} {step.name}"
    if step.tool:
        text += f": call `{step.tool}`"
        if step.input:
            text += f" with {json.dumps(step.input, sort_keys=True)}"
    if step.description:
        text += f" — {step.description}"
    return text


class PromptAssembler:
    """Adds the per-request sections to an agent's static prompt."""

    def __init__(self, memory: MemoryManager | None, retrievers: Mapping[str, Retriever]) -> None:
        self._memory = memory
        self._retrievers = retrievers

    async def build(
        self,
        *,
        static: str,
        agent: AgentDefinition,
        message: str,
        user_id: str | None,
        input: Mapping[str, Any],
        instructions: Sequence[str],
        output_schema: CompiledSchema | None,
    ) -> str:
        lookups = [
            self._retriever_section(name, agent, message, user_id) for name in agent.retrievers
        ]
        if self._memory is not None and agent.memory.enabled:
            lookups.insert(0, self._memory_section(self._memory, agent, message, user_id))
        # Most agents have neither memory nor retrievers: then no task is created at all.
        dynamic = await asyncio.gather(*lookups) if lookups else []
        sections = [static, *dynamic]
        if input:
            sections.append(f"## Input\n\n```json\n{json.dumps(input, default=str)}\n```")
        sections += [text.strip() for text in instructions]
        if output_schema is not None:
            sections.append(output_instruction(output_schema))
        return "\n\n".join(s for s in sections if s)

    async def _memory_section(
        self, memory: MemoryManager, agent: AgentDefinition, message: str, user_id: str | None
    ) -> str:
        scope = MemoryScope(
            agent_id=agent.id, user_id=user_id if agent.scope is AgentScope.PERSONAL else None
        )
        try:
            records = await memory.recall(scope, message, MEMORY_RECALL_LIMIT)
        except Exception:
            logger.warning("memory recall failed for agent %r", agent.id, exc_info=True)
            return ""
        budget = agent.memory.max_injected_chars
        lines: list[str] = []
        for record in records:
            line = f"- {record.content.strip()}"
            if len(line) + 1 > budget:
                break
            budget -= len(line) + 1
            lines.append(line)
        if not lines:
            return ""
        return "## What you remember\n\n" + "\n".join(lines)

    async def _retriever_section(
        self, name: str, agent: AgentDefinition, message: str, user_id: str | None
    ) -> str:
        retriever = self._retrievers.get(name)
        if retriever is None:
            logger.warning("agent %r uses retriever %r, which is not registered", agent.id, name)
            return ""
        try:
            passages = await retriever.retrieve(
                RetrievalQuery(query=message, agent_id=agent.id, user_id=user_id)
            )
        except Exception:
            logger.warning("retriever %r failed for agent %r", name, agent.id, exc_info=True)
            return ""
        if not passages:
            return ""
        return f"## Context from {name}\n\n" + "\n\n".join(p.strip() for p in passages)


def output_instruction(schema: CompiledSchema) -> str:
    return (
        "## Output format\n\n"
        "Answer with a single JSON value that matches this JSON Schema, and nothing else:\n\n"
        f"```json\n{schema.json_text}\n```"
    )
