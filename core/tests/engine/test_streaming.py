"""ExecutionEngine.stream: deltas and tool events as they happen, then the result."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.domain.agent import ModelConfig
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus
from agent_gateway_core.engine.request import (
    ExecutionRequest,
    StreamDelta,
    StreamStarted,
    StreamToolCall,
    StreamToolResult,
)
from agent_gateway_core.errors import AgentNotFoundError, LLMServiceError
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse, LLMStreamEvent, TextDelta
from agent_gateway_core.testing import ScriptedReply, reply, tool_call

pytestmark = pytest.mark.unit


async def collect(engine, **request) -> list[object]:
    request.setdefault("agent_id", "helper")
    request.setdefault("message", "hello")
    return [item async for item in engine.stream(ExecutionRequest(**request))]


async def test_stream_yields_started_then_deltas_then_the_result(harness) -> None:
    harness.llm.push(reply("The quick brown fox."))

    items = await collect(harness.engine(), session_id="sess_1")

    started, *deltas, result = items
    assert isinstance(started, StreamStarted)
    assert started.session_id == "sess_1"
    assert len(deltas) > 1
    assert all(isinstance(d, StreamDelta) for d in deltas)
    assert "".join(d.text for d in deltas) == "The quick brown fox."
    assert isinstance(result, ExecutionResult)
    assert result.execution_id == started.execution_id
    assert result.raw_text == "The quick brown fox."
    events = await harness.persistence.executions.list_events(result.execution_id)
    assert EventType.MODEL_DELTA not in [e.type for e in events]


async def test_stream_reports_tool_calls_and_results(harness) -> None:
    @harness.tools.tool
    def ping() -> str:
        return "pong"

    harness.llm.push(tool_call("ping"), reply("ok"))

    items = await collect(harness.engine(harness.agent(tools=("ping",))))

    kinds = [type(item).__name__ for item in items]
    assert kinds[:3] == ["StreamStarted", "StreamToolCall", "StreamToolResult"]
    assert kinds[-1] == "ExecutionResult"
    assert isinstance(items[1], StreamToolCall)
    assert items[1].call.name == "ping"
    assert isinstance(items[2], StreamToolResult)
    assert items[2].result.output == "pong"


async def test_stream_falls_back_when_the_first_model_fails_before_any_text(harness) -> None:
    harness.llm.push(ScriptedReply(status=503), reply("backup answer"))
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/backup",)))

    items = await collect(harness.engine(agent))

    assert items[-1].raw_text == "backup answer"


async def test_unknown_agent_raises_from_the_stream(harness) -> None:
    with pytest.raises(AgentNotFoundError):
        await collect(harness.engine(), agent_id="ghost")


async def test_abandoning_the_stream_cancels_the_execution(harness) -> None:
    harness.llm.push(ScriptedReply(hang=True))
    engine = harness.engine()
    request = ExecutionRequest(agent_id="helper", message="hi")

    stream = engine.stream(request)
    first = await anext(stream)
    assert isinstance(first, StreamStarted)
    await asyncio.sleep(0.01)
    await stream.aclose()

    record = await harness.persistence.executions.get(request.execution_id)
    assert record.status is ExecutionStatus.CANCELLED


class FailsMidStreamLLM:
    """Streams some text from the primary model, then fails; any other model would answer."""

    def __init__(self) -> None:
        self.models: list[str] = []

    async def complete(self, request: LLMRequest) -> LLMResponse:
        raise AssertionError("streaming executions must use stream()")

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        self.models.append(request.model)
        if request.model != "test/primary":
            yield LLMResponse(content="from backup")
            return
        yield TextDelta("partial ")
        raise LLMServiceError("connection dropped mid-stream", model=request.model)

    async def aclose(self) -> None:
        return None


async def test_no_fallback_once_text_was_streamed(harness) -> None:
    harness.llm = FailsMidStreamLLM()
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/backup",)))

    items = await collect(harness.engine(agent))

    result = items[-1]
    assert [type(i).__name__ for i in items] == ["StreamStarted", "StreamDelta", "ExecutionResult"]
    assert result.status is ExecutionStatus.FAILED
    assert (
        result.error == "model call failed: service error (provider 'test', model 'test/primary')"
    )
    assert harness.llm.models == ["test/primary"]
