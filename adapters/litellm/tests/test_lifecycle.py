"""aclose: litellm's process-wide HTTP pool is released by the last client, never under another.

(A closed client refusing calls, and one closing under another: OpenAIHTTPClientContract.)
"""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration

_REQUEST = LLMRequest(model="openai/fake-model", messages=(Message.user("hi"),))


async def test_a_new_client_works_after_the_last_one_closed(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(content="before"), ScriptedReply(content="after"))
    first = make_client()
    await first.complete(_REQUEST)
    await first.aclose()  # the last open client: litellm's pooled clients are closed

    response = await make_client().complete(_REQUEST)

    assert response.content == "after"
