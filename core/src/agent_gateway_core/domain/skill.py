"""Skills: a named group of tools with instructions, optionally an ordered workflow."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class StepMode(StrEnum):
    SEQUENTIAL = "sequential"
    PARALLEL = "parallel"


class WorkflowStep(BaseModel):
    """One step of a skill workflow: call ``tool`` with ``input``, run a ``parallel`` group, or
    carry out ``prompt`` (an instruction for the model itself, no tool call)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    tool: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    parallel: tuple[WorkflowStep, ...] = ()
    prompt: str | None = None
    description: str = ""


class SkillDefinition(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str = ""
    instructions: str = ""
    tools: tuple[str, ...] = ()
    workflow: tuple[WorkflowStep, ...] = ()
    # The SKILL.md key the workflow was written under (the existing product's is "steps"),
    # so a problem found later names the field as the file has it.
    workflow_key: Literal["workflow", "steps"] = "workflow"
    path: str | None = None

    @property
    def all_tools(self) -> tuple[str, ...]:
        """Its ``tools`` and, after them, the tools its workflow's steps call: an agent using
        the skill is given every tool the workflow asks it to call."""
        called: list[str] = []
        pending = list(self.workflow)
        while pending:
            step = pending.pop(0)
            if step.tool is not None:
                called.append(step.tool)
            pending[:0] = step.parallel
        return tuple(dict.fromkeys([*self.tools, *called]))
