"""Answers that are not what an OpenAI server sends: odd error bodies, broken completions."""

from __future__ import annotations

import pytest
from aiohttp import web

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.errors import LLMBadRequestError, LLMServiceError
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_openai_compat import OpenAICompatClient

from .raw_server import serving

pytestmark = pytest.mark.integration

_HI = (Message.user("hi"),)


def _answer(status: int, body: bytes, content_type: str = "application/json") -> web.Response:
    return web.Response(status=status, body=body, content_type=content_type)


async def _complete(response: web.Response) -> None:
    async def handler(request: web.Request) -> web.Response:
        return response

    client = OpenAICompatClient(max_retries=0)
    try:
        async with serving(handler) as api_base:
            await client.complete(LLMRequest(model="openai/m", messages=_HI, api_base=api_base))
    finally:
        await client.aclose()


async def test_a_plain_text_error_from_a_proxy_is_quoted() -> None:
    with pytest.raises(LLMServiceError, match="502: upstream connect error") as caught:
        await _complete(_answer(502, b"upstream connect error\n", "text/plain"))

    assert caught.value.status_code == 502


async def test_a_vllm_style_error_object_is_read() -> None:
    body = b'{"object": "error", "message": "model not found", "type": "NotFoundError"}'

    with pytest.raises(LLMBadRequestError, match="404: model not found"):
        await _complete(_answer(404, body))


async def test_an_error_given_as_a_string_is_read() -> None:
    with pytest.raises(LLMBadRequestError, match="400: bad prompt"):
        await _complete(_answer(400, b'{"error": "bad prompt"}'))


async def test_an_empty_error_body_says_so() -> None:
    with pytest.raises(LLMServiceError, match=r"503: \(empty body\)"):
        await _complete(_answer(503, b""))


@pytest.mark.parametrize(
    "body", [b"<html>hello</html>", b'{"choices": []}', b'{"choices": [{"message": 3}]}', b"[]"]
)
async def test_a_success_that_is_not_a_chat_completion_is_a_service_error(body: bytes) -> None:
    with pytest.raises(LLMServiceError, match="not a chat completion"):
        await _complete(_answer(200, body))


async def test_a_minimal_completion_is_enough() -> None:
    async def handler(request: web.Request) -> web.Response:
        return _answer(200, b'{"choices": [{"message": {"content": "bare"}}]}')

    client = OpenAICompatClient(max_retries=0)
    async with serving(handler) as api_base:
        response = await client.complete(
            LLMRequest(model="openai/m", messages=_HI, api_base=api_base)
        )
    await client.aclose()

    assert response.content == "bare"
    assert (response.usage.input_tokens, response.usage.output_tokens) == (0, 0)
    assert response.finish_reason is None
