"""Retries, backoff and Retry-After, counted on the fake server."""

from __future__ import annotations

import asyncio
import time

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.errors import (
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse, TextDelta
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration

_REQUEST = LLMRequest(model="openai/fake-model", messages=(Message.user("hi"),))


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_retryable_status_is_retried_then_succeeds(
    server: FakeOpenAIServer, make_client: MakeClient, status: int
) -> None:
    server.push(ScriptedReply(status=status), ScriptedReply(content="second time lucky"))

    response = await make_client().complete(_REQUEST)

    assert response.content == "second time lucky"
    assert len(server.requests) == 2


async def test_retries_stop_after_max_retries(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(*[ScriptedReply(status=500, error_message="backend down")] * 5)

    with pytest.raises(LLMServiceError, match="backend down") as caught:
        await make_client(max_retries=2).complete(_REQUEST)

    assert len(server.requests) == 3
    assert caught.value.status_code == 500
    assert isinstance(caught.value.__cause__, Exception), "raised from the litellm error"


async def test_zero_retries_makes_one_attempt(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=429), ScriptedReply(content="unused"))

    with pytest.raises(LLMRateLimitError):
        await make_client(max_retries=0).complete(_REQUEST)

    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(
    server: FakeOpenAIServer, make_client: MakeClient, status: int
) -> None:
    server.push(ScriptedReply(status=status), ScriptedReply(content="unused"))

    with pytest.raises(LLMError):  # which subclass is the contract suite's business
        await make_client().complete(_REQUEST)

    assert len(server.requests) == 1


async def test_retry_after_is_honoured(server: FakeOpenAIServer, make_client: MakeClient) -> None:
    server.push(ScriptedReply(status=429, retry_after=0.3), ScriptedReply(content="ok"))
    client = make_client(backoff_base_seconds=0.0, backoff_max_seconds=5.0)

    started = time.monotonic()
    response = await client.complete(_REQUEST)
    elapsed = time.monotonic() - started

    assert response.content == "ok"
    assert 0.3 <= elapsed < 0.8


async def test_retry_after_is_capped_by_backoff_max(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=503, retry_after=30), ScriptedReply(content="ok"))
    client = make_client(backoff_base_seconds=0.0, backoff_max_seconds=0.1)

    started = time.monotonic()
    await client.complete(_REQUEST)

    assert time.monotonic() - started < 0.6


async def test_backoff_grows_between_attempts(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=500), ScriptedReply(status=500), ScriptedReply(content="ok"))
    client = make_client(backoff_base_seconds=0.1, backoff_max_seconds=1.0)

    started = time.monotonic()
    await client.complete(_REQUEST)

    # Equal jitter: at least half of 0.1 s, then half of 0.2 s.
    assert time.monotonic() - started >= 0.15


async def test_a_timed_out_attempt_is_retried(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(hang=True), ScriptedReply(content="fast enough"))

    response = await make_client(timeout_seconds=0.3).complete(_REQUEST)

    assert response.content == "fast enough"
    assert len(server.requests) == 2


async def test_per_request_timeout_overrides_the_client_default(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(hang=True))
    request = LLMRequest(
        model="openai/fake-model", messages=(Message.user("hi"),), timeout_seconds=0.2
    )

    started = time.monotonic()
    with pytest.raises(LLMTimeoutError, match="timed out"):
        await make_client(timeout_seconds=30, max_retries=0).complete(request)

    assert time.monotonic() - started < 1.5


async def test_stream_is_retried_before_any_text(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=503), ScriptedReply(content="streamed"))

    events = [event async for event in make_client().stream(_REQUEST)]

    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "streamed"
    assert isinstance(events[-1], LLMResponse)
    assert len(server.requests) == 2


async def test_unreachable_server_is_a_connection_error(make_client: MakeClient) -> None:
    # A port that was just free: nothing listens there.
    async with FakeOpenAIServer() as gone:
        dead_base = gone.base_url
    client = make_client(api_base=dead_base, max_retries=1)

    with pytest.raises(LLMConnectionError) as caught:
        await client.complete(_REQUEST)

    assert caught.value.model == "openai/fake-model"


async def test_cancelling_closes_the_http_request(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(hang=True))
    task = asyncio.create_task(make_client().complete(_REQUEST))
    await asyncio.sleep(0.2)

    task.cancel()
    await asyncio.wait({task}, timeout=1.0)
    for _ in range(50):
        if server.abandoned_requests:
            break
        await asyncio.sleep(0.02)

    assert task.cancelled()
    assert server.abandoned_requests == 1


async def test_bad_request_carries_status_and_model(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=400, error_message="context length exceeded"))

    with pytest.raises(LLMBadRequestError, match="context length exceeded") as caught:
        await make_client().complete(_REQUEST)

    assert (caught.value.status_code, caught.value.model) == (400, "openai/fake-model")
