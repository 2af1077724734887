"""A workspace on disk, run by Runtime through the litellm adapter over real HTTP.

The fake OpenAI-compatible server first asks for the workspace's file tool, then answers from
its result; the test checks what the caller gets, what the model was sent, and what was stored.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_gateway_core import ExecutionStatus, Runtime, StopReason
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.testing.scripted_llm import reply, tool_call
from agent_gateway_litellm import LiteLLMClient
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.e2e

AGENT_MD = """\
---
description: Answers questions about stock levels.
tools: [stock-level]
model:
  name: openai/gpt-4o-mini
  temperature: 0.1
---
You answer questions about stock levels. Always use the stock-level tool.
"""

TOOL_MD = """\
---
name: stock-level
description: Units in stock for a product SKU.
parameters:
  sku:
    type: string
    description: The product SKU
---
"""

HANDLER_PY = """\
calls = []

async def handler(sku: str) -> dict:
    calls.append(sku)
    return {"sku": sku, "units": 42}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "agents" / "stock").mkdir(parents=True)
    (tmp_path / "agents" / "stock" / "AGENT.md").write_text(AGENT_MD)
    (tmp_path / "tools" / "stock-level").mkdir(parents=True)
    (tmp_path / "tools" / "stock-level" / "TOOL.md").write_text(TOOL_MD)
    (tmp_path / "tools" / "stock-level" / "handler.py").write_text(HANDLER_PY)
    return tmp_path


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


async def test_invoke_runs_a_file_tool_through_the_litellm_adapter(
    workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(
        tool_call("stock-level", {"sku": "AB-12"}, input_tokens=30, output_tokens=7),
        reply("There are 42 units of AB-12 in stock.", input_tokens=50, output_tokens=11),
    )
    llm = LiteLLMClient(api_base=server.base_url, api_key="sk-test")
    runtime = await Runtime.embedded(workspace, llm=llm)
    async with runtime:
        result = await runtime.invoke("stock", "How many AB-12 do we have?")
        record = await runtime.persistence.executions.get(result.execution_id)
        events = await runtime.persistence.executions.list_events(result.execution_id)

    # What the caller gets.
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.stop_reason is StopReason.COMPLETED
    assert result.raw_text == "There are 42 units of AB-12 in stock."
    assert result.usage.input_tokens == 80
    assert result.usage.output_tokens == 18
    assert result.usage.llm_calls == 2
    assert result.usage.tool_calls == 1
    assert result.usage.cost_usd > 0  # gpt-4o-mini has a known price in litellm's local map
    assert result.duration_ms >= 0

    # What the model was sent, over HTTP.
    first, second = (r.body for r in server.requests)
    assert first["model"] == "gpt-4o-mini"
    assert first["temperature"] == 0.1
    assert first["messages"][0]["role"] == "system"
    assert "stock levels" in first["messages"][0]["content"]
    assert first["messages"][-1] == {"role": "user", "content": "How many AB-12 do we have?"}
    [tool] = first["tools"]
    assert tool["function"]["name"] == "stock-level"
    assert tool["function"]["parameters"]["required"] == ["sku"]
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"]) == {"sku": "AB-12", "units": 42}
    assert server.requests[0].headers["Authorization"] == "Bearer sk-test"

    # What was stored.
    assert record is not None
    assert record.status is ExecutionStatus.SUCCEEDED
    assert record.agent_id == "stock"
    assert record.message == "How many AB-12 do we have?"
    assert record.raw_text == result.raw_text
    assert record.usage == result.usage
    assert record.created_at <= record.started_at <= record.finished_at  # type: ignore[operator]
    types = [e.type for e in events]
    assert types[0] is EventType.STARTED
    assert types[-1] is EventType.COMPLETED
    assert EventType.TOOL_CALL in types
    assert EventType.TOOL_RESULT in types
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    tool_result = next(e for e in events if e.type is EventType.TOOL_RESULT)
    assert tool_result.data["name"] == "stock-level"
    assert tool_result.data["success"] is True


async def test_a_provider_outage_is_a_failed_execution_not_an_exception(
    workspace: Path, server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    from agent_gateway_core.testing.scripted_llm import ScriptedReply

    server.push(*[ScriptedReply(status=503, error_message="upstream down")] * 2)
    llm = LiteLLMClient(api_base=server.base_url, api_key="sk-test", max_retries=1,
                        backoff_base_seconds=0.01)  # fmt: skip
    runtime = await Runtime.embedded(workspace, llm=llm)
    async with runtime:
        result = await runtime.invoke("stock", "How many AB-12 do we have?")
        record = await runtime.persistence.executions.get(result.execution_id)

    assert result.status is ExecutionStatus.FAILED
    assert result.error_code == "llm_service_error"
    # The record says what kind of failure it was; the provider's own text is in the log only.
    assert result.error == (
        "model call failed: service error (provider 'openai', model 'openai/gpt-4o-mini', HTTP 503)"
    )
    assert any("upstream down" in r.getMessage() for r in caplog.records)
    assert record is not None
    assert record.status is ExecutionStatus.FAILED
    assert len(server.requests) == 2  # the first try and one retry


async def test_streaming_chat_over_http_yields_deltas_then_the_result(
    workspace: Path, server: FakeOpenAIServer
) -> None:
    from agent_gateway_core import StreamDelta

    server.push(reply("Forty-two units are in stock."))
    llm = LiteLLMClient(api_base=server.base_url, api_key="sk-test")
    runtime = await Runtime.embedded(workspace, llm=llm)
    async with runtime:
        items = [item async for item in runtime.stream_chat("stock", "How many?")]
    deltas = "".join(i.text for i in items if isinstance(i, StreamDelta))
    final = items[-1]
    assert deltas == "Forty-two units are in stock."
    assert getattr(final, "raw_text", None) == deltas
    assert server.requests[0].body["stream"] is True
