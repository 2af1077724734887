"""In-memory ConversationStore."""

from __future__ import annotations

import asyncio

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord
from agent_gateway_core.errors import SessionNotFoundError
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.in_memory.stores.paging import paginate
from agent_gateway_core.ports.persistence.conversations import ConversationStore
from agent_gateway_core.ports.persistence.paging import Page


class InMemoryConversationStore(ConversationStore):
    """Conversations and their messages in dicts; one lock serialises every write."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory conversation store")
        self._lock = asyncio.Lock()
        self._conversations: dict[str, ConversationRecord] = {}
        self._messages: dict[str, list[MessageRecord]] = {}

    async def upsert(self, conversation: ConversationRecord) -> None:
        async with self._lock:
            existing = self._conversations.get(conversation.id)
            await self._health.round_trip()
            if existing is None:
                self._conversations[conversation.id] = conversation.model_copy(deep=True)
                self._messages[conversation.id] = []
                return
            self._conversations[conversation.id] = existing.model_copy(
                update={
                    "title": conversation.title,
                    "metadata": conversation.metadata,
                    "updated_at": conversation.updated_at,
                },
                deep=True,
            )

    async def get(self, conversation_id: str) -> ConversationRecord | None:
        await self._health.round_trip()
        found = self._conversations.get(conversation_id)
        return found.model_copy(deep=True) if found else None

    async def list_for_user(
        self, user_id: str | None, agent_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ConversationRecord]:
        await self._health.round_trip()
        matches = [
            c
            for c in self._conversations.values()
            if c.user_id == user_id and (agent_id is None or c.agent_id == agent_id)
        ]
        matches.sort(key=lambda c: (c.updated_at, c.id), reverse=True)
        return paginate(matches, limit, offset)

    async def append_messages(self, conversation_id: str, messages: list[MessageRecord]) -> None:
        async with self._lock:
            conversation = self._conversations.get(conversation_id)
            await self._health.round_trip()
            if conversation is None:
                raise SessionNotFoundError(conversation_id)
            log = self._messages[conversation_id]
            stored = [
                m.model_copy(
                    update={"conversation_id": conversation_id, "seq": len(log) + offset},
                    deep=True,
                )
                for offset, m in enumerate(messages, start=1)
            ]
            log.extend(stored)
            updated_at = max([conversation.updated_at, *(m.created_at for m in stored)])
            self._conversations[conversation_id] = conversation.model_copy(
                update={"message_count": len(log), "updated_at": updated_at}
            )

    async def list_messages(
        self,
        conversation_id: str,
        limit: int | None = None,
        offset: int = 0,
        last: int | None = None,
    ) -> list[MessageRecord]:
        await self._health.round_trip()
        selected = list(self._messages.get(conversation_id, []))
        if last is not None:
            selected = selected[len(selected) - last :] if last > 0 else []
        end = None if limit is None else offset + limit
        return [m.model_copy(deep=True) for m in selected[offset:end]]

    async def delete(self, conversation_id: str) -> bool:
        async with self._lock:
            await self._health.round_trip()
            self._messages.pop(conversation_id, None)
            return self._conversations.pop(conversation_id, None) is not None
