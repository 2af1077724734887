"""Chat turns: a session's history in, the turn recorded in the session and the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from agent_gateway_core.domain.conversation import Session
from agent_gateway_core.domain.execution import ExecutionKind, ExecutionOptions, ExecutionResult
from agent_gateway_core.domain.ids import new_execution_id, new_session_id
from agent_gateway_core.domain.messages import Message
from agent_gateway_core.engine.execution_engine import ExecutionEngine
from agent_gateway_core.engine.request import (
    NO_LABELS,
    CallerLabels,
    ExecutionRequest,
    StreamItem,
)
from agent_gateway_core.errors import SessionNotFoundError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.sessions import ConversationLog, SessionStore, merge_metadata


class ChatTurns:
    """Runs chat turns; turns of one session are serialised by the session's lock.

    A turn that succeeds adds the user message and the answer to the session and to the
    conversation store; a turn that fails leaves the history as it was.
    """

    def __init__(
        self, sessions: SessionStore, conversations: ConversationLog, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._conversations = conversations
        self._clock = clock

    async def run(
        self,
        engine: ExecutionEngine,
        agent_id: str,
        message: str,
        *,
        session_id: str | None,
        input: dict[str, Any] | None,
        options: ExecutionOptions | None,
        user_id: str | None,
        execution_id: str | None = None,
        labels: CallerLabels = NO_LABELS,
    ) -> tuple[str, ExecutionResult]:
        engine.plan_for(agent_id)  # unknown or disabled agent: fail before making a session
        sid = session_id or new_session_id()
        async with self._sessions.lock(sid):
            session, changed = await self._open(sid, session_id is None, agent_id, user_id, input)
            result = await engine.run(_request(session, message, options, execution_id, labels))
            await self._close(session, message, result, changed)
        return sid, result

    async def stream(
        self,
        engine: ExecutionEngine,
        agent_id: str,
        message: str,
        *,
        session_id: str | None,
        input: dict[str, Any] | None,
        options: ExecutionOptions | None,
        user_id: str | None,
        execution_id: str | None = None,
        labels: CallerLabels = NO_LABELS,
    ) -> AsyncIterator[StreamItem]:
        engine.plan_for(agent_id)
        sid = session_id or new_session_id()
        async with self._sessions.lock(sid):
            session, changed = await self._open(sid, session_id is None, agent_id, user_id, input)
            request = _request(session, message, options, execution_id, labels)
            async for item in engine.stream(request):
                if isinstance(item, ExecutionResult):
                    # Recorded before the caller sees the result, so its next turn sees it.
                    await self._close(session, message, item, changed)
                yield item

    async def _open(
        self,
        session_id: str,
        is_new: bool,
        agent_id: str,
        user_id: str | None,
        input: dict[str, Any] | None,
    ) -> tuple[Session, bool]:
        """The turn's session and whether its metadata changed."""
        if is_new:
            now = self._clock.now()
            session = Session(
                id=session_id,
                agent_id=agent_id,
                user_id=user_id,
                metadata=dict(input or {}),
                created_at=now,
                updated_at=now,
            )
            return session, True
        session = self._sessions.get(session_id) or await self._conversations.rehydrate(
            session_id, agent_id, user_id
        )
        # Another user's or another agent's session is reported as not found.
        if session.agent_id != agent_id or session.user_id != user_id:
            raise SessionNotFoundError(session_id)
        return session, merge_metadata(session, input)

    async def _close(
        self, session: Session, message: str, result: ExecutionResult, changed: bool
    ) -> None:
        if result.succeeded:
            first_stored_turn = not session.messages
            turn = [Message.user(message), Message.assistant(result.raw_text)]
            session.messages.extend(turn)
            session.updated_at = self._clock.now()
            await self._conversations.save_turn(
                session, turn, result.execution_id, write_record=changed or first_stored_turn
            )
        self._sessions.put(session)


def _request(
    session: Session,
    message: str,
    options: ExecutionOptions | None,
    execution_id: str | None,
    labels: CallerLabels,
) -> ExecutionRequest:
    return ExecutionRequest(
        agent_id=session.agent_id,
        message=message,
        input=dict(session.metadata),
        options=options or ExecutionOptions(),
        history=tuple(session.messages),
        user_id=session.user_id,
        session_id=session.id,
        kind=ExecutionKind.CHAT,
        execution_id=execution_id or new_execution_id(),
        idempotency_key=labels.idempotency_key,
        tracking=labels.tracking,
    )
