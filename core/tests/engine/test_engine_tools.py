"""Tool calls inside an execution: concurrency, failures fed back to the model, guardrails."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionStatus, StopReason
from agent_gateway_core.domain.messages import Role, ToolCall
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.ports.llm_client import LLMRequest, LLMResponse, LLMStreamEvent
from agent_gateway_core.testing import (
    ScriptedLLM,
    ScriptedReply,
    ScriptedToolCall,
    reply,
    tool_call,
)

pytestmark = pytest.mark.unit


def tool_messages(harness, request_index: int) -> list[str]:
    messages = harness.llm.requests[request_index].messages
    return [m.content for m in messages if m.role is Role.TOOL]


def error_of(content: str) -> str:
    return json.loads(content)["error"]


async def test_parallel_tool_calls_run_concurrently(harness) -> None:
    @harness.tools.tool
    async def slow_a() -> str:
        await asyncio.sleep(0.2)
        return "a"

    @harness.tools.tool
    def slow_b() -> str:
        time.sleep(0.2)  # a blocking handler: it must run in a thread, off the loop
        return "b"

    harness.llm.push(
        ScriptedReply(
            tool_calls=(ScriptedToolCall(name="slow-a"), ScriptedToolCall(name="slow-b"))
        ),
        reply("both done"),
    )
    engine = harness.engine(harness.agent(tools=("slow-a", "slow-b")))

    started = time.monotonic()
    result = await harness.run(engine)
    elapsed = time.monotonic() - started

    assert result.status is ExecutionStatus.SUCCEEDED
    assert elapsed < 0.35
    assert tool_messages(harness, 1) == ["a", "b"]
    assert result.usage.tool_calls == 2


async def test_tool_that_raises_is_reported_to_the_model(harness) -> None:
    @harness.tools.tool
    def explode(reason: str) -> str:
        raise RuntimeError(f"cannot: {reason}")

    harness.llm.push(tool_call("explode", {"reason": "disk full"}), reply("Sorry, it failed."))
    engine = harness.engine(harness.agent(tools=("explode",)))

    result = await harness.run(engine)

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Sorry, it failed."
    [content] = tool_messages(harness, 1)
    assert error_of(content) == "tool 'explode' failed: RuntimeError: cannot: disk full"
    events = await harness.persistence.executions.list_events(result.execution_id)
    [tool_result] = [e for e in events if e.type is EventType.TOOL_RESULT]
    assert tool_result.data["success"] is False
    assert "disk full" in tool_result.data["error"]


async def test_tool_timeout_is_reported_to_the_model(harness) -> None:
    @harness.tools.tool
    async def stuck() -> str:
        await asyncio.sleep(10)
        return "never"

    harness.llm.push(tool_call("stuck"), reply("It timed out."))
    engine = harness.engine(
        harness.agent(tools=("stuck",), guardrails=Guardrails(tool_timeout_seconds=0.05))
    )

    started = time.monotonic()
    result = await harness.run(engine)

    assert time.monotonic() - started < 1
    assert result.status is ExecutionStatus.SUCCEEDED
    [content] = tool_messages(harness, 1)
    assert error_of(content) == "tool 'stuck' timed out after 0.05 s"


async def test_a_timeout_error_raised_by_the_handler_is_a_failure_not_our_timeout(harness) -> None:
    @harness.tools.tool
    async def upstream() -> str:
        raise TimeoutError("upstream API took too long")

    harness.llm.push(tool_call("upstream"), reply("ok"))
    engine = harness.engine(harness.agent(tools=("upstream",)))

    await harness.run(engine)

    [content] = tool_messages(harness, 1)
    assert error_of(content) == "tool 'upstream' failed: TimeoutError: upstream API took too long"


async def test_arguments_not_matching_the_schema_are_reported(harness) -> None:
    calls: list[int] = []

    @harness.tools.tool
    def double(n: int) -> int:
        calls.append(n)
        return n * 2

    harness.llm.push(tool_call("double", {"n": "seven"}), reply("fixed"))
    engine = harness.engine(harness.agent(tools=("double",)))

    await harness.run(engine)

    assert calls == []
    [content] = tool_messages(harness, 1)
    assert (
        error_of(content)
        == "invalid arguments for tool 'double': n: 'seven' is not of type 'integer'"
    )


async def test_missing_required_argument_is_reported(harness) -> None:
    @harness.tools.tool
    def double(n: int) -> int:
        return n * 2

    harness.llm.push(tool_call("double", {}), reply("fixed"))
    await harness.run(harness.engine(harness.agent(tools=("double",))))

    [content] = tool_messages(harness, 1)
    assert (
        error_of(content)
        == "invalid arguments for tool 'double': (root): 'n' is a required property"
    )


class MalformedArgumentsLLM:
    """An LLMClient whose first answer is a tool call with arguments that were not JSON."""

    def __init__(self) -> None:
        self.requests: list[LLMRequest] = []

    async def complete(self, request: LLMRequest) -> LLMResponse:
        self.requests.append(request)
        if len(self.requests) > 1:
            return LLMResponse(content="ok")
        bad = ToolCall(id="c1", name="echo", arguments_error="Expecting value: line 1 column 1")
        return LLMResponse(content=None, tool_calls=(bad,))

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        yield await self.complete(request)

    async def aclose(self) -> None:
        return None


async def test_unparseable_arguments_from_the_model_are_reported(harness) -> None:
    @harness.tools.tool
    def echo(text: str) -> str:
        return text

    harness.llm = MalformedArgumentsLLM()
    await harness.run(harness.engine(harness.agent(tools=("echo",))))

    [content] = tool_messages(harness, 1)
    assert (
        error_of(content) == "invalid arguments for tool 'echo': Expecting value: line 1 column 1"
    )


async def test_unknown_tool_requested_by_the_model_is_reported(harness) -> None:
    @harness.tools.tool
    def known() -> str:
        return "k"

    harness.llm.push(tool_call("made-up"), reply("ok"))
    result = await harness.run(harness.engine(harness.agent(tools=("known",))))

    assert result.status is ExecutionStatus.SUCCEEDED
    [content] = tool_messages(harness, 1)
    assert error_of(content) == "unknown tool 'made-up'; available tools: known"


async def test_tool_not_granted_to_the_agent_cannot_be_called(harness) -> None:
    @harness.tools.tool
    def secret() -> str:
        return "classified"

    harness.llm.push(tool_call("secret"), reply("ok"))
    await harness.run(harness.engine(harness.agent()))

    [content] = tool_messages(harness, 1)
    assert error_of(content) == "unknown tool 'secret'; available tools: none"


async def test_max_iterations_stops_the_loop(harness) -> None:
    @harness.tools.tool
    def again() -> str:
        return "more"

    harness.llm = ScriptedLLM(default=lambda _request: tool_call("again"))
    engine = harness.engine(
        harness.agent(tools=("again",), guardrails=Guardrails(max_iterations=3))
    )

    result = await harness.run(engine)

    assert result.status is ExecutionStatus.FAILED
    assert result.stop_reason is StopReason.MAX_ITERATIONS
    assert result.error_code == "guardrail_triggered"
    assert result.error == "guardrail triggered: max_iterations (limit 3)"
    assert len(harness.llm.requests) == 3
    assert result.usage.tool_calls == 2
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.stop_reason is StopReason.MAX_ITERATIONS


async def test_max_tool_calls_stops_the_loop(harness) -> None:
    ran: list[str] = []

    @harness.tools.tool
    def work(step: str) -> str:
        ran.append(step)
        return "done"

    two_calls = ScriptedReply(
        tool_calls=(
            ScriptedToolCall(name="work", arguments={"step": "1"}),
            ScriptedToolCall(name="work", arguments={"step": "2"}),
        )
    )
    harness.llm.push(two_calls, two_calls)
    engine = harness.engine(harness.agent(tools=("work",), guardrails=Guardrails(max_tool_calls=3)))

    result = await engine.run(ExecutionRequest(agent_id="helper", message="go"))

    assert result.status is ExecutionStatus.FAILED
    assert result.stop_reason is StopReason.MAX_TOOL_CALLS
    assert result.error == "guardrail triggered: max_tool_calls (limit 3)"
    assert ran == ["1", "2"]  # the batch that would exceed the limit is not run


async def test_tool_calls_are_stored_before_they_run_and_results_per_round(harness) -> None:
    @harness.tools.tool
    def ping() -> str:
        return "pong"

    harness.llm.push(tool_call("ping"), reply("done"))
    await harness.run(harness.engine(harness.agent(tools=("ping",))))

    event_writes = [w[1] for w in harness.persistence.executions.writes if w[0] == "events"]
    assert event_writes == [
        [EventType.STARTED, EventType.MODEL_RESPONSE, EventType.TOOL_CALL],  # before it runs
        [EventType.TOOL_RESULT],
        [EventType.MODEL_RESPONSE, EventType.COMPLETED],
    ]
