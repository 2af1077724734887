"""Which memory backend a gateway gives its agents, as the existing product chooses it.

A backend given in code wins (``use_memory``, or ``use_file_memory`` for MEMORY.md files).
Otherwise gateway.yaml ``memory.enabled: true`` picks the database's memory when persistence
is SQL (replicas share it), else MEMORY.md files in the workspace. Memory is only for agents
whose AGENT.md says ``memory: {enabled: true}``; the backend is there for the others too (a
reload may enable it), and costs nothing until one uses it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from agent_gateway.reference_sections import MemorySettings
from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.memory.file_backend import FileMemoryManager
from agent_gateway_core.memory.policy import CompactionPolicy, MemoryPolicy
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.ports.persistence.backend import PersistenceBackend

logger = logging.getLogger("agent_gateway.memory")


def choose_memory(
    *,
    settings: MemorySettings,
    chosen: MemoryManager | None,
    file_memory: bool,
    workspace_path: Path,
    persistence: PersistenceBackend,
    agents: Iterable[AgentDefinition],
) -> MemoryManager | None:
    """The memory backend, or ``None`` (see the module doc); says in the log which, and
    warns about agents asking for memory that they do not get."""
    wanting = sorted(agent.id for agent in agents if agent.memory.enabled)
    backend = _backend(settings, chosen, file_memory, workspace_path, persistence)
    if backend is None:
        if wanting:
            logger.warning(
                "agent(s) %s have memory.enabled in AGENT.md, but no memory backend is on: "
                "set memory.enabled: true in gateway.yaml, or call gw.use_file_memory() or "
                "gw.use_memory(...)",
                ", ".join(wanting),
            )
        return None
    if wanting:
        logger.info("memory: %s for agent(s) %s", type(backend).__name__, ", ".join(wanting))
    return backend


def memory_policy(settings: MemorySettings) -> MemoryPolicy:
    """gateway.yaml's ``memory:`` section as the core reads it."""
    compaction = settings.compaction
    return MemoryPolicy(
        enabled=True,  # a backend is on: gateway.yaml's enabled chose it (see choose_memory)
        max_injected_chars=settings.max_injected_chars,
        extraction_model=settings.extraction_model,
        auto_extract=settings.auto_extract,
        max_memory_md_lines=settings.max_memory_md_lines,
        extraction_debounce_seconds=settings.extraction_debounce_seconds,
        recall_timeout_seconds=settings.recall_timeout_seconds,
        compaction=CompactionPolicy(
            enabled=compaction.enabled,
            max_memories_per_scope=compaction.max_memories_per_scope,
            compact_ratio=compaction.compact_ratio,
            min_age_hours=compaction.min_age_hours,
            importance_threshold=compaction.importance_threshold,
            decay_factor=compaction.decay_factor,
        ),
    )


def _backend(
    settings: MemorySettings,
    chosen: MemoryManager | None,
    file_memory: bool,
    workspace_path: Path,
    persistence: PersistenceBackend,
) -> MemoryManager | None:
    if chosen is not None:
        return chosen
    if file_memory:
        return FileMemoryManager(workspace_path, max_lines=settings.max_memory_md_lines)
    if not settings.enabled:
        return None
    database_memory: MemoryManager | None = getattr(persistence, "memory", None)
    if database_memory is not None:
        return database_memory
    return FileMemoryManager(workspace_path, max_lines=settings.max_memory_md_lines)
