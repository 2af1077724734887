"""Chat sessions: held in memory with a TTL and an LRU cap, mirrored to the conversation store."""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord, Session
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.messages import Message, Role
from agent_gateway_core.errors import SessionNotFoundError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.conversations import ConversationStore

TITLE_CHARS = 80


@dataclass(slots=True)
class _Entry:
    session: Session
    last_used: float


class SessionStore:
    """Live sessions by id.

    A session unused for ``ttl_seconds`` (by the clock's monotonic time) is gone; beyond
    ``max_sessions`` the least recently used one is evicted. :meth:`lock` hands out one
    ``asyncio.Lock`` per session id, so turns of one session run one at a time.
    """

    def __init__(self, clock: Clock, *, ttl_seconds: float, max_sessions: int) -> None:
        if ttl_seconds <= 0 or max_sessions <= 0:
            raise ValueError("ttl_seconds and max_sessions must be positive")
        self._clock = clock
        self._ttl = ttl_seconds
        self._max = max_sessions
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Weak values: a lock lives while a session holds it or a turn waits on it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, session_id: str) -> asyncio.Lock:
        found = self._locks.get(session_id)
        if found is None:
            found = self._locks[session_id] = asyncio.Lock()
        return found

    def get(self, session_id: str) -> Session | None:
        """The live session, or ``None`` when unknown or expired. Does not renew it."""
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        if self._clock.monotonic() - entry.last_used > self._ttl:
            del self._entries[session_id]
            return None
        return entry.session

    def put(self, session: Session) -> None:
        """Store or renew ``session`` as the most recently used one; evict beyond the cap."""
        self._entries[session.id] = _Entry(session, self._clock.monotonic())
        self._entries.move_to_end(session.id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def delete(self, session_id: str) -> bool:
        return self._entries.pop(session_id, None) is not None

    def list(
        self, agent_id: str | None = None, user_id: str | None = None, limit: int = 50
    ) -> list[Session]:
        """Live sessions, most recently updated first; ``user_id`` filters when given."""
        now = self._clock.monotonic()
        expired = [sid for sid, e in self._entries.items() if now - e.last_used > self._ttl]
        for session_id in expired:
            del self._entries[session_id]
        sessions = [
            e.session
            for e in self._entries.values()
            if (agent_id is None or e.session.agent_id == agent_id)
            and (user_id is None or e.session.user_id == user_id)
        ]
        sessions.sort(key=lambda s: (s.updated_at, s.id), reverse=True)
        return sessions[: max(0, limit)]


class ConversationLog:
    """Keeps the conversation store in step with sessions, and brings sessions back from it."""

    def __init__(self, store: ConversationStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def rehydrate(self, session_id: str, agent_id: str, user_id: str | None) -> Session:
        """The stored session with its messages in order; SessionNotFoundError when there is
        none for this agent and user (another user's session is reported as not found)."""
        record = await self._store.get(session_id)
        if record is None or record.agent_id != agent_id or record.user_id != user_id:
            raise SessionNotFoundError(session_id)
        stored = await self._store.list_messages(session_id)
        return Session(
            id=record.id,
            agent_id=record.agent_id,
            user_id=record.user_id,
            messages=[m.message for m in stored],
            metadata=dict(record.metadata),
            created_at=record.created_at,
            updated_at=record.updated_at,
        )

    async def save_turn(
        self,
        session: Session,
        messages: Sequence[Message],
        execution_id: str,
        *,
        write_record: bool,
    ) -> None:
        """Append a turn's messages; ``write_record`` first creates or updates the record."""
        if write_record:
            await self._store.upsert(
                ConversationRecord(
                    id=session.id,
                    agent_id=session.agent_id,
                    user_id=session.user_id,
                    title=_title(session.messages),
                    metadata=dict(session.metadata),
                    created_at=session.created_at,
                    updated_at=session.updated_at,
                )
            )
        now = self._clock.now()
        await self._store.append_messages(
            session.id,
            [
                MessageRecord(
                    id=new_record_id(),
                    conversation_id=session.id,
                    seq=0,  # the store assigns the real one
                    message=message,
                    execution_id=execution_id,
                    created_at=now,
                )
                for message in messages
            ],
        )


def merge_metadata(session: Session, extra: dict[str, Any] | None) -> bool:
    """Merge ``extra`` into the session's metadata; ``True`` when something changed."""
    if not extra:
        return False
    changed = any(session.metadata.get(k, object()) != v for k, v in extra.items())
    session.metadata.update(extra)
    return changed


def _title(messages: Sequence[Message]) -> str | None:
    first = next((m.content for m in messages if m.role == Role.USER and m.content), None)
    if first is None:
        return None
    first = " ".join(first.split())
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"
