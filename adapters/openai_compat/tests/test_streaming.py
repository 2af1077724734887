"""Streams as real servers send them: cut into small writes, slow, broken, or cut short."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.errors import LLMConnectionError, LLMServiceError, LLMTimeoutError
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse, LLMStreamEvent, TextDelta
from agent_gateway_core.testing.scripted_llm import ScriptedReply, ScriptedToolCall
from agent_gateway_openai_compat import OpenAICompatClient
from agent_gateway_testing.fake_openai import wire

from .raw_server import Handler, serving

pytestmark = pytest.mark.integration

_REQUEST = LLMRequest(model="openai/m", messages=(Message.user("hi"),))
_REPLY = ScriptedReply(
    content="Let me check the weather.",
    tool_calls=(ScriptedToolCall(name="get_weather", arguments={"city": "Paris"}, id="call_1"),),
    input_tokens=11,
    output_tokens=7,
)


def _sse_in_pieces(payload: bytes, *, piece_bytes: int, gap_seconds: float) -> Handler:
    """A handler writing ``payload`` as an event stream, ``piece_bytes`` at a time."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for start in range(0, len(payload), piece_bytes):
            await response.write(payload[start : start + piece_bytes])
            await asyncio.sleep(gap_seconds)
        await response.write_eof()
        return response

    return handler


async def _stream(api_base: str, **options: float) -> list[TextDelta | LLMResponse]:
    client = OpenAICompatClient(api_base=api_base, max_retries=0, **options)
    try:
        return [event async for event in client.stream(_REQUEST)]
    finally:
        await client.aclose()


@pytest.mark.parametrize("piece_bytes", [13, 64])
async def test_events_cut_mid_line_arrive_whole(piece_bytes: int) -> None:
    payload = wire.stream_body(_REPLY, "m", include_usage=True, chunk_chars=4)
    handler = _sse_in_pieces(payload, piece_bytes=piece_bytes, gap_seconds=0.0005)

    async with serving(handler) as api_base:
        events = await _stream(api_base)

    final = events[-1]
    assert isinstance(final, LLMResponse)
    deltas = [e.text for e in events[:-1] if isinstance(e, TextDelta)]
    assert "".join(deltas) == final.content == "Let me check the weather."
    assert final.tool_calls == (
        ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"}),
    )
    assert (final.usage.input_tokens, final.usage.output_tokens) == (11, 7)
    assert final.finish_reason == "tool_calls"


async def test_a_slow_stream_that_keeps_coming_is_not_cut_off() -> None:
    # Each gap is within the timeout; the whole stream takes longer than it.
    payload = wire.stream_body(
        ScriptedReply(content="slow"), "m", include_usage=True, chunk_chars=4
    )
    pieces = len(payload) // 200 + 1
    handler = _sse_in_pieces(payload, piece_bytes=200, gap_seconds=0.6 / pieces)

    async with serving(handler) as api_base:
        events = await _stream(api_base, timeout_seconds=0.4)

    assert isinstance(events[-1], LLMResponse)
    assert events[-1].content == "slow"


async def test_a_stream_that_stalls_after_text_times_out_without_a_retry() -> None:
    requests = 0

    async def stalls(request: web.Request) -> web.StreamResponse:
        nonlocal requests
        requests += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n')
        await asyncio.sleep(5)
        return response

    client = OpenAICompatClient(timeout_seconds=0.3, max_retries=2, backoff_base_seconds=0.01)
    async with serving(stalls) as api_base:
        request = LLMRequest(model="openai/m", messages=_REQUEST.messages, api_base=api_base)
        received: list[str] = []
        with pytest.raises(LLMTimeoutError, match=r"timed out after 0\.3 s"):
            await _texts_into(received, client.stream(request))
        await client.aclose()

    assert received == ["Hel"]
    assert requests == 1, "text went out; a retry would repeat it"


async def _texts_into(received: list[str], stream: AsyncIterator[LLMStreamEvent]) -> None:
    async for event in stream:
        assert isinstance(event, TextDelta)
        received.append(event.text)


def _sse(*events: bytes) -> Handler:
    return _sse_in_pieces(
        b"".join(b"data: " + e + b"\n\n" for e in events), piece_bytes=1 << 16, gap_seconds=0
    )


_TEXT_CHUNK = json.dumps({"choices": [{"index": 0, "delta": {"content": "Hi"}}]}).encode()
_STOP_CHUNK = json.dumps({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}).encode()


async def test_an_error_event_mid_stream_is_a_service_error() -> None:
    error_event = json.dumps({"error": {"message": "out of KV cache", "code": 500}}).encode()

    async with serving(_sse(_TEXT_CHUNK, error_event)) as api_base:
        with pytest.raises(LLMServiceError, match="failed mid-stream: out of KV cache"):
            await _stream(api_base)


async def test_an_event_that_is_not_json_is_a_service_error() -> None:
    async with serving(_sse(b"{not json")) as api_base:
        with pytest.raises(LLMServiceError, match="not a chat completion chunk"):
            await _stream(api_base)


async def test_a_stream_cut_short_is_a_connection_error() -> None:
    async with serving(_sse(_TEXT_CHUNK)) as api_base:
        with pytest.raises(LLMConnectionError, match="closed the stream before the answer"):
            await _stream(api_base)


async def test_a_finished_stream_without_done_is_accepted() -> None:
    async with serving(_sse(_TEXT_CHUNK, _STOP_CHUNK)) as api_base:
        events = await _stream(api_base)

    assert isinstance(events[-1], LLMResponse)
    assert (events[-1].content, events[-1].finish_reason) == ("Hi", "stop")


async def test_each_delta_lets_the_event_loop_run_before_the_next_one() -> None:
    # The whole stream in one write: every event is parsed from one read of the socket, so
    # nothing but the client itself would yield between two deltas.
    payload = wire.stream_body(
        ScriptedReply(content="one two three four"), "m", include_usage=True, chunk_chars=4
    )
    client = OpenAICompatClient(max_retries=0)
    seen: list[str] = []
    loop = asyncio.get_running_loop()
    async with serving(_sse_in_pieces(payload, piece_bytes=1 << 16, gap_seconds=0)) as api_base:
        request = LLMRequest(model="openai/m", messages=_REQUEST.messages, api_base=api_base)
        async for event in client.stream(request):
            if isinstance(event, TextDelta):
                seen.append("delta")
                # What a waiting SSE writer is: a callback that runs on the next loop turn.
                loop.call_soon(seen.append, "other task")
        await client.aclose()

    assert seen.count("delta") > 2
    assert seen == ["delta", "other task"] * seen.count("delta")
