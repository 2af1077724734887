"""ConversationStore: durable chat history."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord
from agent_gateway_core.ports.persistence.paging import Page


@runtime_checkable
class ConversationStore(Protocol):
    """Conversations (one per chat session) and their ordered messages.

    - ``upsert`` creates the conversation or replaces its title, metadata and ``updated_at``
      (``created_at`` and ``message_count`` of an existing one are kept).
    - ``get`` returns it or ``None``.
    - ``list_for_user(user_id, agent_id=None, limit, offset)`` returns only that user's
      conversations, most recently updated first (then id descending).
    - ``append_messages(id, messages)`` appends in order, assigning ``seq`` 1, 2, ... per
      conversation; it raises :class:`~agent_gateway_core.errors.NotFoundError` for an unknown
      conversation. It bumps ``message_count`` and ``updated_at``.
    - ``list_messages(id, limit=None, offset=0)`` returns messages in ``seq`` order; with
      ``last=n`` the *last* n messages, still in ``seq`` order.
    - ``delete(id)`` removes the conversation and its messages; ``True`` if it existed.
    """

    async def upsert(self, conversation: ConversationRecord) -> None: ...

    async def get(self, conversation_id: str) -> ConversationRecord | None: ...

    async def list_for_user(
        self, user_id: str | None, agent_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ConversationRecord]: ...

    async def append_messages(
        self, conversation_id: str, messages: list[MessageRecord]
    ) -> None: ...

    async def list_messages(
        self,
        conversation_id: str,
        limit: int | None = None,
        offset: int = 0,
        last: int | None = None,
    ) -> list[MessageRecord]: ...

    async def delete(self, conversation_id: str) -> bool: ...
