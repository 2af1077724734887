"""MemoryPolicy: the gateway-wide memory settings (``memory:`` in gateway.yaml) the core applies.

An agent opts in with ``memory.enabled`` in its AGENT.md; these settings say how memory
behaves for every agent that does. A host maps its configuration onto this model and passes
it to :class:`~agent_gateway_core.runtime.Runtime` as ``memory_policy``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CompactionPolicy(BaseModel):
    """``memory.compaction``: when and how a scope's least useful memories are summarised.

    A scope is compacted only when it holds more than ``max_memories_per_scope`` memories.
    Memories with ``importance >= importance_threshold`` or younger than ``min_age_hours``
    are never compacted. The others are scored ``importance * decay_factor ** days_old``
    and the lowest-scoring ``compact_ratio`` share of them is summarised by the model.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    max_memories_per_scope: int = Field(default=100, ge=1)
    compact_ratio: float = Field(default=0.5, gt=0.0, le=1.0)
    min_age_hours: float = Field(default=24.0, ge=0.0)
    importance_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    decay_factor: float = Field(default=0.95, gt=0.0, le=1.0)


class MemoryPolicy(BaseModel):
    """``memory:`` in gateway.yaml, plus two settings of ours.

    - ``enabled``: ``False`` turns memory off in the runtime even when it has a memory
      manager (no prompt section, no tools, no extraction; compaction raises
      MemoryNotConfiguredError).
    - ``max_injected_chars``: the size of the memories put in a prompt, for agents whose
      AGENT.md does not set its own ``memory.max_injected_chars``.
    - ``extraction_model``: the model that extracts and compacts memories; ``None``: the
      agent's model.
    - ``auto_extract``: extract memories after every chat turn and invoke of every agent with
      memory enabled (an agent can also opt in alone with its ``memory.auto_extract``).
    - ``max_memory_md_lines``: the line cap of the file backend's MEMORY.md (used by that
      backend, not by the core).
    - ``extraction_debounce_seconds`` (ours): at most one extraction per agent and user in
      that time; the turns in between are extracted together when it has passed.
    - ``recall_timeout_seconds`` (ours): how long a prompt waits for the memory backend
      before going on without memories.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    max_injected_chars: int = Field(default=4000, gt=0)
    extraction_model: str | None = None
    auto_extract: bool = False
    max_memory_md_lines: int = Field(default=200, gt=0)
    compaction: CompactionPolicy = Field(default_factory=CompactionPolicy)
    extraction_debounce_seconds: float = Field(default=30.0, ge=0.0)
    recall_timeout_seconds: float = Field(default=5.0, gt=0.0)
