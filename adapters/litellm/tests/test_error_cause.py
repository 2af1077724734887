"""A translated error keeps litellm's exception as its cause, for the logs and for debugging."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.errors import LLMServiceError
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_litellm.litellm_loader import load_litellm
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import MakeClient

pytestmark = pytest.mark.integration


async def test_a_raised_error_is_raised_from_litellms_exception(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.push(ScriptedReply(status=500, error_message="backend down"))

    with pytest.raises(LLMServiceError, match="backend down") as caught:
        await make_client(max_retries=0).complete(
            LLMRequest(model="openai/fake-model", messages=(Message.user("hi"),))
        )

    assert isinstance(caught.value.__cause__, tuple(load_litellm().LITELLM_EXCEPTION_TYPES))
