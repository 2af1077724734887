"""``client.chat``: chat turns, answered whole or streamed as typed events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from agent_gateway_client._async.resources._base import AsyncResource, segment, without_none
from agent_gateway_client._async.resources.agents import REPLAYED_HEADER
from agent_gateway_client._retry import IDEMPOTENCY_KEY_HEADER
from agent_gateway_client._sse import SSEDecoder
from agent_gateway_client.models.agents import InvokeOptions
from agent_gateway_client.models.chat import ChatResult, ChatStreamEvent, chat_event


class AsyncChat(AsyncResource):
    """Multi-turn chat with an agent; omit ``session_id`` to start a session."""

    async def send(
        self,
        agent_id: str,
        message: str,
        *,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: InvokeOptions | None = None,
        idempotency_key: str | None = None,
    ) -> ChatResult:
        """One turn; the result carries the ``session_id`` to continue with. ``input`` is
        merged into the session's metadata. An unknown (or another caller's) session is a
        :class:`NotFoundError`. With ``idempotency_key`` a repeat runs nothing and adds
        nothing to the session: it returns the first turn (``replayed`` true), and may be
        retried safely; the same key with another body is a :class:`ConflictError`."""
        response = await self._pipeline.send(
            "POST",
            f"/v1/agents/{segment(agent_id)}/chat",
            json=without_none(message=message, session_id=session_id, input=input, options=options),
            headers=_keyed(idempotency_key),
        )
        replayed = response.headers.get(REPLAYED_HEADER, "").lower() == "true"
        return ChatResult.model_validate({**response.json(), "replayed": replayed})

    async def stream(
        self,
        agent_id: str,
        message: str,
        *,
        session_id: str | None = None,
        input: dict[str, Any] | None = None,
        options: InvokeOptions | None = None,
        idempotency_key: str | None = None,
    ) -> AsyncIterator[ChatStreamEvent]:
        """One turn as it happens: :class:`SessionEvent` first, then :class:`DeltaEvent`,
        :class:`ToolCallEvent` and :class:`ToolResultEvent`, and last :class:`DoneEvent`
        (the result) or :class:`ErrorEvent` (the turn failed). Errors before the turn starts
        (unknown agent or session) are raised. Leaving the loop early closes the stream, and
        the gateway cancels the turn. With ``idempotency_key``, a repeat streams the first
        turn again (its tool events, its whole answer as one delta, then ``done``), running
        nothing."""
        body = without_none(
            message=message, session_id=session_id, input=input, options=options, stream=True
        )
        async with self._pipeline.stream(
            "POST",
            f"/v1/agents/{segment(agent_id)}/chat",
            json=body,
            headers={"Accept": "text/event-stream", **(_keyed(idempotency_key) or {})},
        ) as response:
            decoder = SSEDecoder()
            async for line in response.aiter_lines():
                event = decoder.decode(line)
                if event is not None:
                    yield chat_event(event.event, event.json(), event.id)
            last = decoder.decode("")  # a stream cut short of its final blank line
            if last is not None:
                yield chat_event(last.event, last.json(), last.id)


def _keyed(idempotency_key: str | None) -> dict[str, str] | None:
    return {IDEMPOTENCY_KEY_HEADER: idempotency_key} if idempotency_key else None
