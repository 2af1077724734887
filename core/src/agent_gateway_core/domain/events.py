"""The ordered event log of an execution; streaming endpoints replay it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventType(StrEnum):
    QUEUED = "execution.queued"
    STARTED = "execution.started"
    MODEL_DELTA = "model.delta"
    MODEL_RESPONSE = "model.response"
    TOOL_CALL = "tool.call"
    TOOL_RESULT = "tool.result"
    DELEGATION = "delegation"
    COMPLETED = "execution.completed"
    FAILED = "execution.failed"
    CANCELLED = "execution.cancelled"
    TIMED_OUT = "execution.timed_out"


class ExecutionEvent(BaseModel):
    """One event; ``seq`` starts at 1 and increases by 1 per execution."""

    model_config = ConfigDict(frozen=True)

    execution_id: str
    seq: int
    type: EventType
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)


class NewEvent(BaseModel):
    """An event before the store assigns its ``seq``."""

    model_config = ConfigDict(frozen=True)

    type: EventType
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)
