"""memory_save, memory_recall, memory_forget: the tools an agent with memory gets by itself.

Names, parameters and results are those of agents-gateway 0.2; the scopes are stricter (see
:mod:`agent_gateway_core.memory.scopes`): a save goes to the caller's own scope, a recall
reads the caller's scope and the agent-wide one, and a forget deletes only from the caller's
own scope, so no user can delete another user's memory (nor, when signed in, the agent-wide
ones).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

from agent_gateway_core.domain.memory import MemoryRecord, MemorySource, MemoryType
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition
from agent_gateway_core.engine.function_tool import build_function_tool
from agent_gateway_core.memory.model_output import MAX_CONTENT_CHARS
from agent_gateway_core.memory.scopes import own_scope, readable_scopes, scope_label
from agent_gateway_core.ports.memory_manager import MemoryManager

MEMORY_SAVE = "memory_save"
MEMORY_RECALL = "memory_recall"
MEMORY_FORGET = "memory_forget"
MEMORY_TOOL_NAMES = (MEMORY_RECALL, MEMORY_SAVE, MEMORY_FORGET)

MAX_RECALL_LIMIT = 50
# In the order agents-gateway 0.2 lists them.
_TYPES = [MemoryType.EPISODIC.value, MemoryType.SEMANTIC.value, MemoryType.PROCEDURAL.value]


def memory_tools(memory: MemoryManager) -> tuple[ToolDefinition, ...]:
    """The three memory tools, bound to ``memory``; any agent may be offered them."""

    async def memory_recall(
        query: str,
        memory_type: str | None = None,
        limit: int = 5,
        *,
        context: ToolContext,
    ) -> list[dict[str, Any]]:
        wanted = MemoryType(memory_type) if memory_type else None
        count = max(1, min(int(limit), MAX_RECALL_LIMIT))
        # Asking for more when filtering by type leaves enough after the filter.
        asked = MAX_RECALL_LIMIT if wanted is not None else count
        per_scope = await asyncio.gather(
            *(
                memory.recall(scope, query, asked)
                for scope in readable_scopes(context.agent_id, context.user_id)
            )
        )
        found = [
            record
            for record in _interleave(per_scope)
            if wanted is None or record.memory_type is wanted
        ]
        return [_recalled(record) for record in found[:count]]

    async def memory_save(
        content: str,
        memory_type: str = MemoryType.SEMANTIC.value,
        importance: float = 0.5,
        *,
        context: ToolContext,
    ) -> dict[str, Any]:
        text = content.strip()
        if not text:
            raise ValueError("content is empty: say what to remember")
        if len(text) > MAX_CONTENT_CHARS:
            raise ValueError(f"content exceeds the maximum length of {MAX_CONTENT_CHARS} chars")
        record = await memory.remember(
            own_scope(context.agent_id, context.user_id),
            text,
            memory_type=MemoryType(memory_type),
            importance=max(0.0, min(1.0, float(importance))),
            source=MemorySource.MANUAL,
        )
        return {"id": record.id, "status": "saved"}

    async def memory_forget(memory_id: str, *, context: ToolContext) -> dict[str, Any]:
        scope = own_scope(context.agent_id, context.user_id)
        return {"deleted": await memory.forget(scope, memory_id)}

    return (
        build_function_tool(
            memory_recall,
            name=MEMORY_RECALL,
            description=(
                "Search the agent's memory for relevant past knowledge, facts, preferences, "
                "or patterns."
            ),
            parameters=_RECALL_PARAMETERS,
            idempotent=True,
        ),
        build_function_tool(
            memory_save,
            name=MEMORY_SAVE,
            description=(
                "Save a new memory (fact, preference, pattern) for future reference across "
                "conversations."
            ),
            parameters=_SAVE_PARAMETERS,
        ),
        build_function_tool(
            memory_forget,
            name=MEMORY_FORGET,
            description="Delete a specific memory by its ID.",
            parameters=_FORGET_PARAMETERS,
        ),
    )


def _interleave(per_scope: Sequence[list[MemoryRecord]]) -> list[MemoryRecord]:
    """The scopes' records taken in turns (each list is already most relevant first)."""
    merged = itertools.chain.from_iterable(itertools.zip_longest(*per_scope))
    return [record for record in merged if record is not None]


def _recalled(record: MemoryRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "content": record.content,
        "type": record.memory_type.value,
        "importance": record.importance,
        "scope": scope_label(record.scope),
    }


_RECALL_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {
            "type": "string",
            "description": "Natural language query to search memories.",
        },
        "memory_type": {
            "type": "string",
            "enum": _TYPES,
            "description": "Filter by memory type. Optional.",
        },
        "limit": {
            "type": "integer",
            "description": "Maximum results to return. Default 5.",
        },
    },
    "required": ["query"],
}

_SAVE_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content": {
            "type": "string",
            "description": "The fact, knowledge, or pattern to remember.",
            "maxLength": MAX_CONTENT_CHARS,
        },
        "memory_type": {
            "type": "string",
            "enum": _TYPES,
            "description": "Type of memory. Default: semantic.",
        },
        "importance": {
            "type": "number",
            "description": "How important this memory is (0.0-1.0). Default: 0.5.",
        },
    },
    "required": ["content"],
}

_FORGET_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "memory_id": {
            "type": "string",
            "description": "The ID of the memory to forget.",
        },
    },
    "required": ["memory_id"],
}
