"""``POST /v1/agents/{agent_id}/memory/compact``: summarise an agent's least useful memories.

The existing product's route and scope (``agents:manage``): it compacts the agent-wide
memories and the caller's own, and answers ``global_compacted`` and ``user_compacted``. Ours
also takes ``{"all_scopes": true}`` (every user's memories too) and ``{"force": true}``
(compact below ``memory.compaction.max_memories_per_scope``), and lists each scope's counts.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from agent_gateway.api.deps import (
    BODY_RESPONSES,
    CurrentPrincipal,
    Services,
    protected_router,
    requires,
    user_id_of,
)
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.safe_json import json_response
from agent_gateway_core.domain.auth import Scope

router = protected_router(tags=["Admin"])


class CompactMemoryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all_scopes: bool = Field(default=False, description="Every user's memories too.")
    force: bool = Field(
        default=False,
        description="Compact scopes holding fewer than memory.compaction.max_memories_per_scope.",
    )


class ScopeCompactionInfo(BaseModel):
    user_id: str | None = Field(description="null: the agent-wide memories.")
    before: int
    after: int
    removed: int
    added: int


class CompactMemoryResponse(BaseModel):
    agent_id: str
    global_compacted: int = Field(description="Agent-wide memories removed (summarised).")
    user_compacted: int = Field(description="The caller's own memories removed (summarised).")
    scopes: list[ScopeCompactionInfo]


@router.post(
    "/v1/agents/{agent_id}/memory/compact",
    dependencies=[requires(Scope.AGENTS_MANAGE)],
    summary="Compact an agent's memory",
    description="Summarises the oldest, least important memories of each scope holding more "
    "than `memory.compaction.max_memories_per_scope` into fewer ones, with the extraction "
    "model (see docs/memory.md). A scope whose summary fails keeps its memories.",
    response_model=CompactMemoryResponse,
    responses={
        **BODY_RESPONSES,
        404: {"model": ErrorBody, "description": "Unknown agent."},
        503: {"model": ErrorBody, "description": "Memory is not enabled (`memory_unavailable`)."},
    },
)
async def compact_agent_memory(
    services: Services,
    principal: CurrentPrincipal,
    agent_id: Annotated[str, Path(min_length=1, max_length=128)],
    body: Annotated[CompactMemoryRequest | None, Body()] = None,
) -> Response:
    options = body or CompactMemoryRequest()
    user_id = user_id_of(principal)
    result = await services.runtime.compact_memory(
        agent_id, user_id=user_id, all_scopes=options.all_scopes, force=options.force
    )
    scopes = [
        ScopeCompactionInfo(
            user_id=entry.scope.user_id,
            before=entry.before,
            after=entry.after,
            removed=entry.removed,
            added=entry.added,
        )
        for entry in result.scopes
    ]
    return json_response(
        CompactMemoryResponse(
            agent_id=agent_id,
            global_compacted=sum(s.removed for s in scopes if s.user_id is None),
            user_compacted=sum(s.removed for s in scopes if user_id and s.user_id == user_id),
            scopes=scopes,
        )
    )
