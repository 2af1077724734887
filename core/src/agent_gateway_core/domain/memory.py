"""Long-term memories an agent keeps across executions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MemoryScope(BaseModel):
    """Memories belong to an agent, and to one user when they were saved for that user.

    ``user_id=None`` is the agent-wide scope. A user's scope and the agent-wide scope are
    distinct: neither sees the other's memories.
    """

    model_config = ConfigDict(frozen=True)

    agent_id: str
    user_id: str | None = None


class MemoryType(StrEnum):
    """What kind of thing a memory is (the existing product's three kinds)."""

    SEMANTIC = "semantic"  # facts, knowledge, preferences
    EPISODIC = "episodic"  # what happened
    PROCEDURAL = "procedural"  # how to do something


class MemorySource(StrEnum):
    """How a memory came to be."""

    MANUAL = "manual"  # saved by the agent's memory_save tool, or by code
    EXTRACTED = "extracted"  # extracted by the model from a conversation
    COMPACTED = "compacted"  # a summary that replaced older memories


class NewMemory(BaseModel):
    """A memory to store: what :meth:`MemoryManager.remember` takes, spelled as one value."""

    model_config = ConfigDict(frozen=True)

    content: str = Field(min_length=1)
    memory_type: MemoryType = MemoryType.SEMANTIC
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    source: MemorySource = MemorySource.MANUAL
    metadata: dict[str, Any] = Field(default_factory=dict)


class MemoryRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    scope: MemoryScope
    content: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
    memory_type: MemoryType = MemoryType.SEMANTIC
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    source: MemorySource = MemorySource.MANUAL
