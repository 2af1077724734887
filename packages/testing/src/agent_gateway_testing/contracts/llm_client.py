"""Contract suite for the LLMClient port: every sentence of its docstring, as a test.

Subclass :class:`LLMClientContract` and override the ``llm_harness`` fixture with an
:class:`LLMHarness` whose ``push`` scripts the model behind ``client``. For a client that
speaks HTTP, point it at ``FakeOpenAIServer`` and push to the server::

    class TestMyLLMClient(LLMClientContract):
        @pytest.fixture
        async def llm_harness(self) -> AsyncIterator[LLMHarness]:
            async with FakeOpenAIServer() as server:
                client = MyLLMClient(api_base=server.base_url, max_retries=1)
                yield LLMHarness(client=client, model="openai/fake", push=server.push,
                                 max_attempts=2)
                await client.aclose()
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Protocol

import pytest

from agent_gateway_core.domain.messages import Message, ToolCall
from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_core.ports.llm_client import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    TextDelta,
)
from agent_gateway_core.testing.scripted_llm import ScriptedReply, ScriptedToolCall
from agent_gateway_testing.contracts._required import fixture_required


class PushReplies(Protocol):
    def __call__(self, *replies: ScriptedReply) -> None: ...


@dataclass(frozen=True, slots=True)
class LLMHarness:
    """What a contract test needs: the client under test and a way to script its model.

    ``max_attempts`` is how many times the client tries a retryable failure before raising
    (1 for a client without retries); the suite scripts that many failures to exhaust them.
    ``model`` should be one whose price is unknown to the client, so its cost is 0.
    """

    client: LLMClient
    model: str
    push: PushReplies
    max_attempts: int = 1


_TIMEOUT = 0.5  # request timeout for the hang tests: small, so the suite stays fast
_PROMPT = (Message.system("You are terse."), Message.user("hello"))

_WEATHER = ScriptedToolCall(
    name="get_weather", arguments={"city": "Paris", "days": 2}, id="call_weather"
)
_TIME = ScriptedToolCall(name="get_time", arguments={"zone": "UTC"}, id="call_time")


def _request(harness: LLMHarness, *, timeout_seconds: float | None = None) -> LLMRequest:
    return LLMRequest(model=harness.model, messages=_PROMPT, timeout_seconds=timeout_seconds)


async def _collect(harness: LLMHarness, request: LLMRequest) -> list[LLMStreamEvent]:
    return [event async for event in harness.client.stream(request)]


def _split(events: list[LLMStreamEvent]) -> tuple[list[str], LLMResponse]:
    """Check the stream's shape (deltas, then exactly one response, last) and split it."""
    responses = [e for e in events if isinstance(e, LLMResponse)]
    assert len(responses) == 1, f"expected exactly one final LLMResponse, got {len(responses)}"
    assert events[-1] is responses[0], "the LLMResponse must be the last event"
    deltas = [e.text for e in events[:-1] if isinstance(e, TextDelta)]
    assert len(deltas) == len(events) - 1, "only TextDelta items may precede the response"
    return deltas, responses[0]


_STATUS_ERRORS: list[tuple[int, type[LLMError]]] = [
    (400, LLMBadRequestError),
    (401, LLMAuthenticationError),
    (403, LLMAuthenticationError),
    (404, LLMBadRequestError),
    (422, LLMBadRequestError),
    (500, LLMServiceError),
    (503, LLMServiceError),
]


class LLMClientContract:
    """The behaviour every :class:`LLMClient` promises. Subclasses override ``llm_harness``."""

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def llm_harness(self) -> LLMHarness:
        fixture_required(self, "llm_harness")

    # ------------------------------------------------------------------ complete

    async def test_complete_returns_text_and_usage_of_one_call(
        self, llm_harness: LLMHarness
    ) -> None:
        llm_harness.push(ScriptedReply(content="Hi there.", input_tokens=12, output_tokens=3))

        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.content == "Hi there."
        assert response.tool_calls == ()
        assert response.finish_reason == "stop"
        assert response.usage.llm_calls == 1
        assert response.usage.input_tokens == 12
        assert response.usage.output_tokens == 3
        assert response.usage.models_used == (llm_harness.model,)

    async def test_cost_is_zero_when_the_price_is_unknown(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(content="ok"))

        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.usage.cost_usd == 0.0

    async def test_complete_returns_tool_calls_with_parsed_arguments(
        self, llm_harness: LLMHarness
    ) -> None:
        llm_harness.push(ScriptedReply(tool_calls=(_WEATHER, _TIME)))

        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.tool_calls == (
            ToolCall(id="call_weather", name="get_weather", arguments={"city": "Paris", "days": 2}),
            ToolCall(id="call_time", name="get_time", arguments={"zone": "UTC"}),
        )
        assert response.finish_reason == "tool_calls"

    @pytest.mark.parametrize(
        ("raw_arguments", "problem"),
        [('{"city": "Par', "JSON"), ("[1, 2]", "object"), ('"Paris"', "object")],
    )
    async def test_arguments_that_are_not_a_json_object_are_reported_not_raised(
        self, llm_harness: LLMHarness, raw_arguments: str, problem: str
    ) -> None:
        llm_harness.push(
            ScriptedReply(
                tool_calls=(ScriptedToolCall(name="get_weather", raw_arguments=raw_arguments),)
            )
        )

        response = await llm_harness.client.complete(_request(llm_harness))

        (call,) = response.tool_calls
        assert call.name == "get_weather"
        assert call.arguments == {}
        assert call.arguments_error is not None
        assert problem in call.arguments_error

    async def test_a_whole_tool_conversation_is_accepted(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(content="It is sunny in Paris."))
        call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"})
        messages = (
            *_PROMPT,
            Message.assistant(None, (call,)),
            Message.tool("call_1", "get_weather", '{"sky": "clear"}'),
        )

        response = await llm_harness.client.complete(
            LLMRequest(model=llm_harness.model, messages=messages, temperature=0.0, max_tokens=50)
        )

        assert response.content == "It is sunny in Paris."

    # ------------------------------------------------------------------ stream

    async def test_stream_yields_deltas_then_one_final_response(
        self, llm_harness: LLMHarness
    ) -> None:
        text = "The quick brown fox jumps over the lazy dog."
        llm_harness.push(ScriptedReply(content=text, input_tokens=20, output_tokens=9))

        deltas, final = _split(await _collect(llm_harness, _request(llm_harness)))

        assert len(deltas) > 1, "a long answer should arrive in more than one delta"
        assert "".join(deltas) == text
        assert final.content == text
        assert final.finish_reason == "stop"
        assert final.usage.llm_calls == 1
        assert final.usage.input_tokens == 20
        assert final.usage.output_tokens == 9

    async def test_stream_assembles_tool_calls(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(tool_calls=(_WEATHER, _TIME)))

        deltas, final = _split(await _collect(llm_harness, _request(llm_harness)))

        assert "".join(deltas) == (final.content or "")
        assert final.tool_calls == (
            ToolCall(id="call_weather", name="get_weather", arguments={"city": "Paris", "days": 2}),
            ToolCall(id="call_time", name="get_time", arguments={"zone": "UTC"}),
        )
        assert final.finish_reason == "tool_calls"
        assert final.usage.llm_calls == 1

    async def test_stream_with_text_and_a_tool_call(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(content="Let me check.", tool_calls=(_WEATHER,)))

        deltas, final = _split(await _collect(llm_harness, _request(llm_harness)))

        assert "".join(deltas) == final.content == "Let me check."
        assert [c.name for c in final.tool_calls] == ["get_weather"]

    async def test_stream_reports_invalid_arguments_not_raised(
        self, llm_harness: LLMHarness
    ) -> None:
        llm_harness.push(
            ScriptedReply(tool_calls=(ScriptedToolCall(name="get_weather", raw_arguments="{oops"),))
        )

        _, final = _split(await _collect(llm_harness, _request(llm_harness)))

        (call,) = final.tool_calls
        assert call.arguments == {}
        assert call.arguments_error is not None
        assert "JSON" in call.arguments_error

    # ------------------------------------------------------------------ failures

    async def test_rate_limit_after_retries_raises_with_retry_after(
        self, llm_harness: LLMHarness
    ) -> None:
        failure = ScriptedReply(status=429, retry_after=0.05, error_message="tokens per minute")
        llm_harness.push(*[failure] * llm_harness.max_attempts)

        with pytest.raises(LLMRateLimitError) as caught:
            await llm_harness.client.complete(_request(llm_harness))

        assert caught.value.status_code == 429
        assert caught.value.retry_after == pytest.approx(0.05)
        assert caught.value.model == llm_harness.model
        assert "tokens per minute" in str(caught.value)

    @pytest.mark.parametrize(("status", "error_type"), _STATUS_ERRORS)
    async def test_http_failures_map_to_llm_errors(
        self, llm_harness: LLMHarness, status: int, error_type: type[LLMError]
    ) -> None:
        failure = ScriptedReply(status=status, error_message=f"scripted status {status}")
        llm_harness.push(*[failure] * llm_harness.max_attempts)

        with pytest.raises(error_type) as caught:
            await llm_harness.client.complete(_request(llm_harness))

        assert caught.value.status_code == status
        assert caught.value.model == llm_harness.model
        assert f"scripted status {status}" in str(caught.value)

    @pytest.mark.parametrize(
        ("status", "error_type"),
        [(400, LLMBadRequestError), (401, LLMAuthenticationError), (500, LLMServiceError)],
    )
    async def test_stream_failures_map_to_llm_errors(
        self, llm_harness: LLMHarness, status: int, error_type: type[LLMError]
    ) -> None:
        failure = ScriptedReply(status=status, error_message="refused by provider")
        llm_harness.push(*[failure] * llm_harness.max_attempts)

        with pytest.raises(error_type, match="refused by provider"):
            await _collect(llm_harness, _request(llm_harness))

    async def test_a_hanging_model_raises_timeout(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(*[ScriptedReply(hang=True)] * llm_harness.max_attempts)
        started = time.monotonic()

        with pytest.raises(LLMTimeoutError) as caught:
            await llm_harness.client.complete(_request(llm_harness, timeout_seconds=_TIMEOUT))

        assert time.monotonic() - started < llm_harness.max_attempts * (_TIMEOUT + 1.0)
        assert caught.value.model == llm_harness.model
        assert "timed out" in str(caught.value).lower()

    async def test_a_hanging_stream_raises_timeout(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(*[ScriptedReply(hang=True)] * llm_harness.max_attempts)

        with pytest.raises(LLMTimeoutError):
            await _collect(llm_harness, _request(llm_harness, timeout_seconds=_TIMEOUT))

    async def test_retryable_failures_are_retried_inside_the_client(
        self, llm_harness: LLMHarness
    ) -> None:
        if llm_harness.max_attempts < 2:
            pytest.skip("this client does not retry")
        llm_harness.push(ScriptedReply(status=503), ScriptedReply(content="recovered"))

        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.content == "recovered"
        assert response.usage.llm_calls == 1

    async def test_non_retryable_failures_are_not_retried(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(status=401), ScriptedReply(content="next call's reply"))

        with pytest.raises(LLMAuthenticationError):
            await llm_harness.client.complete(_request(llm_harness))
        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.content == "next call's reply", "the 401 was retried"

    # ------------------------------------------------------------------ cancellation, close

    async def test_cancelling_the_caller_cancels_the_call_promptly(
        self, llm_harness: LLMHarness
    ) -> None:
        llm_harness.push(ScriptedReply(hang=True))
        task = asyncio.create_task(llm_harness.client.complete(_request(llm_harness)))
        await asyncio.sleep(0.2)

        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1.0)

        assert task in done, "complete() did not stop within 1 s of being cancelled"
        assert task.cancelled()

    async def test_cancelling_a_stream_consumer_cancels_the_call_promptly(
        self, llm_harness: LLMHarness
    ) -> None:
        llm_harness.push(ScriptedReply(hang=True))
        task = asyncio.create_task(_collect(llm_harness, _request(llm_harness)))
        await asyncio.sleep(0.2)

        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1.0)

        assert task in done, "stream() did not stop within 1 s of being cancelled"
        assert task.cancelled()

    async def test_the_client_works_after_a_cancelled_call(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(hang=True), ScriptedReply(content="still here"))
        task = asyncio.create_task(llm_harness.client.complete(_request(llm_harness)))
        await asyncio.sleep(0.2)
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)

        response = await llm_harness.client.complete(_request(llm_harness))

        assert response.content == "still here"

    async def test_aclose_twice_is_harmless(self, llm_harness: LLMHarness) -> None:
        llm_harness.push(ScriptedReply(content="ok"))
        await llm_harness.client.complete(_request(llm_harness))

        await llm_harness.client.aclose()
        await llm_harness.client.aclose()
