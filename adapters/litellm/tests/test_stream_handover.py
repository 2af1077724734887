"""A delta reaches the caller's other tasks before the rest of a buffered stream is parsed."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.ports.llm_client import LLMRequest, TextDelta
from agent_gateway_core.testing.scripted_llm import reply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration


async def test_each_delta_lets_the_event_loop_run_before_the_next_one(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    # The fake server writes the whole stream at once, so every chunk is already buffered
    # when the first delta comes out: nothing but the adapter itself would yield in between.
    server.push(reply("one two three four"))
    client = make_client()
    request = LLMRequest(model="openai/gpt-4o-mini", messages=(Message.user("hi"),))
    seen: list[str] = []
    loop = asyncio.get_running_loop()
    async for event in client.stream(request):
        if isinstance(event, TextDelta):
            seen.append("delta")
            # What a waiting SSE writer is: a callback that runs on the next loop turn.
            loop.call_soon(seen.append, "other task")
    assert seen.count("delta") > 2
    assert seen == ["delta", "other task"] * seen.count("delta")
