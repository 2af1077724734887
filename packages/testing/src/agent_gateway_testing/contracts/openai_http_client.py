"""Suite for LLMClients that call an OpenAI-compatible server: what they send, how they retry.

:class:`~agent_gateway_testing.contracts.llm_client.LLMClientContract` checks what any client
promises its caller. A client that talks HTTP to an OpenAI-compatible ``api_base`` promises
more, and the fake server sees it: the request body and headers as sent, each retry counted,
backoff and ``Retry-After`` timed, a cancelled call seen as an abandoned request.

Subclass :class:`OpenAIHTTPClientContract` and override ``client_factory`` with a callable
that builds the client from these keyword options (the ones both shipped adapters take):
``api_base``, ``api_key``, ``timeout_seconds``, ``max_retries``, ``backoff_base_seconds``,
``backoff_max_seconds``::

    class TestMyClientOverHTTP(OpenAIHTTPClientContract):
        @pytest.fixture
        def client_factory(self) -> ClientFactory:
            return MyLLMClient

The suite sends model ``openai/fake-model`` and expects ``fake-model`` on the wire.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.errors import (
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_core.ports.llm_client import LLMClient, LLMRequest, LLMResponse, TextDelta
from agent_gateway_core.testing.scripted_llm import ScriptedReply
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.fake_openai import FakeOpenAIServer

ClientT = TypeVar("ClientT", bound=LLMClient)
ClientFactory = Callable[..., LLMClient]
MakeClient = Callable[..., LLMClient]

_MODEL = "openai/fake-model"
_HI = (Message.user("hi"),)
_REQUEST = LLMRequest(model=_MODEL, messages=_HI)
_WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather in a city.",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
)


@asynccontextmanager
async def fast_retrying_clients(
    factory: Callable[..., ClientT], server: FakeOpenAIServer
) -> AsyncIterator[Callable[..., ClientT]]:
    """``make(**options)`` builds clients for ``server`` with quick retries; all close on exit.

    Defaults: key ``sk-test``, 5 s timeout, 2 retries, backoff 0.01 s doubling up to 0.05 s.
    """
    clients: list[ClientT] = []

    def make(**options: Any) -> ClientT:
        settings: dict[str, Any] = {
            "api_base": server.base_url,
            "api_key": "sk-test",
            "timeout_seconds": 5.0,
            "max_retries": 2,
            "backoff_base_seconds": 0.01,
            "backoff_max_seconds": 0.05,
        }
        settings.update(options)
        client = factory(**settings)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            await client.aclose()


async def _collect(client: LLMClient, request: LLMRequest) -> list[TextDelta | LLMResponse]:
    return [event async for event in client.stream(request)]


class OpenAIHTTPClientContract:
    """What an LLMClient for OpenAI-compatible servers sends and how it retries."""

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def client_factory(self) -> ClientFactory:
        fixture_required(self, "client_factory")

    @pytest.fixture
    async def server(self) -> AsyncIterator[FakeOpenAIServer]:
        async with FakeOpenAIServer() as running:
            yield running

    @pytest.fixture
    async def make_client(
        self, server: FakeOpenAIServer, client_factory: ClientFactory
    ) -> AsyncIterator[MakeClient]:
        async with fast_retrying_clients(client_factory, server) as make:
            yield make

    # ------------------------------------------------------------------ the request

    async def test_model_options_tools_and_key_are_sent(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(content="ok"))

        await make_client().complete(
            LLMRequest(
                model=_MODEL,
                messages=(Message.system("Be brief."), Message.user("Weather in Paris?")),
                tools=(_WEATHER,),
                temperature=0.3,
                max_tokens=64,
            )
        )

        (sent,) = server.requests
        assert sent.headers["Authorization"] == "Bearer sk-test"
        assert sent.body["model"] == "fake-model"
        assert (sent.body["temperature"], sent.body["max_tokens"]) == (0.3, 64)
        assert sent.body["messages"] == [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
        ]
        assert sent.body["tools"] == [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather in a city.",
                    "parameters": _WEATHER.parameters,
                },
            }
        ]
        assert not sent.body.get("stream")

    async def test_unset_options_are_not_sent(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        await make_client().complete(_REQUEST)

        (sent,) = server.requests
        for absent in ("temperature", "max_tokens", "tools", "response_format"):
            assert absent not in sent.body

    async def test_tool_conversation_is_sent_in_the_openai_shape(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"})

        await make_client().complete(
            LLMRequest(
                model=_MODEL,
                messages=(
                    Message.user("Weather in Paris?"),
                    Message.assistant("Checking.", (call,)),
                    Message.tool("call_1", "get_weather", '{"sky": "clear"}'),
                ),
            )
        )

        assistant, tool = server.requests[0].body["messages"][1:]
        assert (assistant["role"], assistant["content"]) == ("assistant", "Checking.")
        (sent_call,) = assistant["tool_calls"]
        assert (sent_call["id"], sent_call["type"]) == ("call_1", "function")
        assert sent_call["function"]["name"] == "get_weather"
        assert json.loads(sent_call["function"]["arguments"]) == {"city": "Paris"}
        assert tool == {"role": "tool", "tool_call_id": "call_1", "content": '{"sky": "clear"}'}

    async def test_response_schema_becomes_a_json_schema_response_format(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        schema = {"type": "object", "properties": {"answer": {"type": "string"}}}

        await make_client().complete(
            LLMRequest(
                model=_MODEL, messages=_HI, response_schema=schema, response_schema_name="verdict"
            )
        )

        assert server.requests[0].body["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "verdict", "schema": schema, "strict": False},
        }

    async def test_extra_options_are_passed_through(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        await make_client().complete(
            LLMRequest(model=_MODEL, messages=_HI, extra={"seed": 7, "top_p": 0.5})
        )

        body = server.requests[0].body
        assert (body["seed"], body["top_p"]) == (7, 0.5)

    async def test_request_api_base_and_key_override_the_client(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        async with FakeOpenAIServer() as other:
            await make_client().complete(
                LLMRequest(
                    model=_MODEL, messages=_HI, api_base=other.base_url, api_key="sk-request"
                )
            )

        assert server.requests == []
        (sent,) = other.requests
        assert sent.headers["Authorization"] == "Bearer sk-request"

    async def test_stream_asks_for_usage(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(content="streamed", input_tokens=3, output_tokens=2))

        events = await _collect(make_client(), _REQUEST)

        body = server.requests[0].body
        assert body["stream"] is True
        assert body["stream_options"] == {"include_usage": True}
        final = events[-1]
        assert isinstance(final, LLMResponse)
        assert (final.usage.input_tokens, final.usage.output_tokens) == (3, 2)

    # ------------------------------------------------------------------ retries

    @pytest.mark.parametrize("status", [429, 500, 502, 503])
    async def test_retryable_status_is_retried_then_succeeds(
        self, server: FakeOpenAIServer, make_client: MakeClient, status: int
    ) -> None:
        server.push(ScriptedReply(status=status), ScriptedReply(content="second time lucky"))

        response = await make_client().complete(_REQUEST)

        assert response.content == "second time lucky"
        assert len(server.requests) == 2

    async def test_retries_stop_after_max_retries(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(*[ScriptedReply(status=500, error_message="backend down")] * 5)

        with pytest.raises(LLMServiceError, match="backend down") as caught:
            await make_client(max_retries=2).complete(_REQUEST)

        assert len(server.requests) == 3
        assert caught.value.status_code == 500

    async def test_zero_retries_makes_one_attempt(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(status=429), ScriptedReply(content="unused"))

        with pytest.raises(LLMRateLimitError):
            await make_client(max_retries=0).complete(_REQUEST)

        assert len(server.requests) == 1

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
    async def test_client_errors_are_not_retried(
        self, server: FakeOpenAIServer, make_client: MakeClient, status: int
    ) -> None:
        server.push(ScriptedReply(status=status), ScriptedReply(content="unused"))

        with pytest.raises(LLMError):  # which subclass is LLMClientContract's business
            await make_client().complete(_REQUEST)

        assert len(server.requests) == 1

    async def test_retry_after_is_honoured(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(status=429, retry_after=0.3), ScriptedReply(content="ok"))
        client = make_client(backoff_base_seconds=0.0, backoff_max_seconds=5.0)

        started = time.monotonic()
        response = await client.complete(_REQUEST)
        elapsed = time.monotonic() - started

        assert response.content == "ok"
        assert 0.3 <= elapsed < 0.8

    async def test_retry_after_is_capped_by_backoff_max(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(status=503, retry_after=30), ScriptedReply(content="ok"))
        client = make_client(backoff_base_seconds=0.0, backoff_max_seconds=0.1)

        started = time.monotonic()
        await client.complete(_REQUEST)

        assert time.monotonic() - started < 0.6

    async def test_backoff_grows_between_attempts(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(
            ScriptedReply(status=500), ScriptedReply(status=500), ScriptedReply(content="ok")
        )
        client = make_client(backoff_base_seconds=0.1, backoff_max_seconds=1.0)

        started = time.monotonic()
        await client.complete(_REQUEST)

        # Equal jitter: at least half of 0.1 s, then half of 0.2 s.
        assert time.monotonic() - started >= 0.15

    async def test_a_timed_out_attempt_is_retried(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(hang=True), ScriptedReply(content="fast enough"))

        response = await make_client(timeout_seconds=0.3).complete(_REQUEST)

        assert response.content == "fast enough"
        assert len(server.requests) == 2

    async def test_per_request_timeout_overrides_the_client_default(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(hang=True))
        request = LLMRequest(model=_MODEL, messages=_HI, timeout_seconds=0.2)

        started = time.monotonic()
        with pytest.raises(LLMTimeoutError, match="timed out"):
            await make_client(timeout_seconds=30, max_retries=0).complete(request)

        assert time.monotonic() - started < 1.5

    async def test_stream_is_retried_before_any_text(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(status=503), ScriptedReply(content="streamed"))

        events = await _collect(make_client(), _REQUEST)

        assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "streamed"
        assert isinstance(events[-1], LLMResponse)
        assert len(server.requests) == 2

    # ------------------------------------------------------------------ failures, lifecycle

    async def test_unreachable_server_is_a_connection_error(self, make_client: MakeClient) -> None:
        async with FakeOpenAIServer() as gone:  # a port that was just free: nothing listens
            dead_base = gone.base_url
        client = make_client(api_base=dead_base, max_retries=1)

        with pytest.raises(LLMConnectionError) as caught:
            await client.complete(_REQUEST)

        assert caught.value.model == _MODEL

    async def test_bad_request_carries_status_and_model(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        server.push(ScriptedReply(status=400, error_message="context length exceeded"))

        with pytest.raises(LLMBadRequestError, match="context length exceeded") as caught:
            await make_client().complete(_REQUEST)

        assert (caught.value.status_code, caught.value.model) == (400, _MODEL)

    async def test_cancelling_closes_the_http_request(
        self, server: FakeOpenAIServer, make_client: MakeClient
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

    async def test_a_closed_client_refuses_calls(self, make_client: MakeClient) -> None:
        client = make_client()
        await client.aclose()

        with pytest.raises(RuntimeError, match="is closed"):
            await client.complete(_REQUEST)
        with pytest.raises(RuntimeError, match="is closed"):
            await anext(aiter(client.stream(_REQUEST)))

    async def test_closing_one_client_leaves_another_working(
        self, server: FakeOpenAIServer, make_client: MakeClient
    ) -> None:
        first, second = make_client(), make_client()
        server.push(ScriptedReply(content="one"), ScriptedReply(content="two"))
        await first.complete(_REQUEST)

        await first.aclose()
        response = await second.complete(_REQUEST)

        assert response.content == "two"

    @pytest.mark.parametrize(
        ("options", "problem"),
        [
            ({"timeout_seconds": 0}, "timeout_seconds must be positive"),
            ({"max_retries": -1}, "max_retries must be 0 or more"),
            ({"backoff_base_seconds": -0.1}, "backoff_base_seconds"),
            ({"backoff_max_seconds": -1}, "backoff_max_seconds"),
        ],
    )
    async def test_invalid_options_are_rejected(
        self, make_client: MakeClient, options: dict[str, float], problem: str
    ) -> None:
        with pytest.raises(ValueError, match=problem):
            make_client(**options)
