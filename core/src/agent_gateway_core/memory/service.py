"""The memory use cases of one runtime that outlive a single execution.

The prompt section and the memory tools belong to each execution (see
:mod:`~agent_gateway_core.memory.prompt_section` and :mod:`~agent_gateway_core.memory.tools`);
this service holds what runs beside them: extraction after turns, in the background, and
compaction, after an extraction or on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from agent_gateway_core.domain.execution import ExecutionKind, ExecutionResult
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.errors import AgentNotFoundError
from agent_gateway_core.memory.compaction import MemoryCompactionResult, MemoryCompactor
from agent_gateway_core.memory.extraction import MemoryExtractor, Turn
from agent_gateway_core.memory.model_choice import MemoryModel, memory_model
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.memory.scopes import own_scope, readable_scopes
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.llm_client import LLMClient
from agent_gateway_core.ports.memory_manager import MemoryManager
from agent_gateway_core.workspace.state import WorkspaceState

logger = logging.getLogger(__name__)

# A user's turns are worth remembering; a schedule's or a delegation's are not a conversation.
_EXTRACTED_KINDS = frozenset({ExecutionKind.INVOKE.value, ExecutionKind.CHAT.value})


class MemoryService:
    """Extraction and compaction of the memories of the agents of ``workspace()``."""

    def __init__(
        self,
        *,
        memory: MemoryManager,
        policy: MemoryPolicy,
        llm: LLMClient,
        clock: Clock,
        workspace: Callable[[], WorkspaceState],
    ) -> None:
        self._memory = memory
        self._policy = policy
        self._workspace = workspace
        self._compactor = MemoryCompactor(
            memory=memory, llm=llm, policy=policy.compaction, clock=clock
        )
        self._extractor = MemoryExtractor(
            memory=memory,
            llm=llm,
            clock=clock,
            debounce_seconds=policy.extraction_debounce_seconds,
            after_extraction=self._compact_after_extraction,
        )

    async def wait_for_extractions(self) -> None:
        """Wait until every queued turn is extracted (a debounced turn waits for its time)."""
        await self._extractor.idle()

    async def execution_succeeded(
        self,
        *,
        agent_id: str,
        message: str,
        kind: str,
        user_id: str | None,
        result: ExecutionResult,
        **_: Any,
    ) -> None:
        """The ``agent.invoke.after`` hook: queue the turn of an invoke or chat for extraction
        when the agent's memory extracts automatically. Returns at once."""
        if kind not in _EXTRACTED_KINDS or not result.raw_text.strip():
            return
        workspace = self._workspace()
        agent = workspace.agents.get(agent_id)
        if agent is None or not agent.memory.enabled:
            return
        if not (agent.memory.auto_extract or self._policy.auto_extract):
            return
        model = memory_model(agent, workspace, self._policy)
        if model is None:
            logger.warning("agent %r has no model to extract memories with", agent_id)
            return
        self._extractor.note_turn(
            own_scope(agent_id, user_id), model, Turn(user_message=message, answer=result.raw_text)
        )

    async def compact(
        self,
        agent_id: str,
        *,
        user_id: str | None = None,
        all_scopes: bool = False,
        force: bool = False,
    ) -> MemoryCompactionResult:
        """Compact the agent-wide scope and ``user_id``'s (or every scope holding memories,
        with ``all_scopes``); see :mod:`~agent_gateway_core.memory.compaction`. Raises
        AgentNotFoundError for an agent the workspace does not have."""
        workspace = self._workspace()
        agent = workspace.agents.get(agent_id)
        if agent is None:
            raise AgentNotFoundError(agent_id)
        scopes: list[MemoryScope]
        if all_scopes:
            scopes = await self._memory.scopes(agent_id)
        else:
            scopes = list(reversed(readable_scopes(agent_id, user_id)))  # agent-wide first
        model = memory_model(agent, workspace, self._policy)
        done = [await self._compactor.compact(scope, model, force=force) for scope in scopes]
        return MemoryCompactionResult(agent_id=agent_id, scopes=tuple(done))

    async def aclose(self) -> None:
        """Cancel the extractions pending or running, and wait for them."""
        await self._extractor.aclose()

    async def _compact_after_extraction(self, scope: MemoryScope, model: MemoryModel) -> None:
        await self._compactor.compact(scope, model)
