"""Skills: a named group of tools with instructions, optionally an ordered workflow."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StepMode(StrEnum):
    SEQUENTIAL = "sequential"
    PARALLEL = "parallel"


class WorkflowStep(BaseModel):
    """One step of a skill workflow: call ``tool`` with ``input``, or a parallel group."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    tool: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    parallel: tuple[WorkflowStep, ...] = ()
    description: str = ""


class SkillDefinition(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str = ""
    instructions: str = ""
    tools: tuple[str, ...] = ()
    workflow: tuple[WorkflowStep, ...] = ()
    path: str | None = None
