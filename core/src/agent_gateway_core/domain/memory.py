"""Long-term memories an agent keeps across executions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MemoryScope(BaseModel):
    """Memories belong to an agent, and to a user when the agent is personal."""

    model_config = ConfigDict(frozen=True)

    agent_id: str
    user_id: str | None = None


class MemoryRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    scope: MemoryScope
    content: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
