"""ToolRunner on its own: results as the model sees them, per-tool caching, handler styles."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.messages import ToolCall
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition, ToolResult, ToolSpec
from agent_gateway_core.engine import tool_runner
from agent_gateway_core.engine.hooks import HookRegistry
from agent_gateway_core.engine.tool_registry import ToolRegistry
from agent_gateway_core.engine.tool_runner import ToolRunner, serialize_output, tool_message_content

pytestmark = pytest.mark.unit

CONTEXT = ToolContext(execution_id="e1", agent_id="helper", user_id="u1")


class Point(BaseModel):
    x: int
    y: int


def runner() -> ToolRunner:
    return ToolRunner(ToolRegistry(), SystemClock(), HookRegistry())


def definition(name: str, handler: Any, properties: dict[str, Any] | None = None) -> ToolDefinition:
    parameters = {"type": "object", "properties": properties or {}, "required": []}
    return ToolDefinition(spec=ToolSpec(name=name, parameters=parameters), handler=handler)


async def run(r: ToolRunner, tool: ToolDefinition, **arguments: Any) -> ToolResult:
    call = ToolCall(id="c1", name=tool.name, arguments=arguments)
    return await r.run(call, {tool.name: tool}, CONTEXT, timeout_seconds=5)


def test_outputs_are_serialised_for_the_model() -> None:
    assert serialize_output("plain text") == "plain text"
    assert serialize_output({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert serialize_output(Point(x=1, y=2)) == '{"x":1,"y":2}'
    assert serialize_output([Point(x=1, y=2)]) == '[{"x": 1, "y": 2}]'
    assert serialize_output({"when": date(2025, 1, 2)}) == '{"when": "2025-01-02"}'
    circular: list[Any] = []
    circular.append(circular)
    assert serialize_output(circular) == "[[...]]"


def test_failed_results_become_a_json_error() -> None:
    failed = ToolResult(call_id="c", name="t", success=False, error="it broke")

    assert json.loads(tool_message_content(failed)) == {"error": "it broke"}


async def test_sync_handlers_run_in_a_worker_thread() -> None:
    threads: list[str] = []

    def where() -> str:
        threads.append(threading.current_thread().name)
        return "ok"

    result = await run(runner(), definition("where", where))

    assert result.success
    assert threads[0] != threading.main_thread().name


async def test_handler_receives_the_context_when_it_asks_for_it() -> None:
    def who(context: ToolContext) -> str:
        return f"{context.agent_id}/{context.user_id}"

    result = await run(runner(), definition("who", who))

    assert result.output == "helper/u1"


async def test_sync_callable_returning_an_awaitable_is_awaited() -> None:
    async def inner() -> str:
        return "awaited"

    result = await run(runner(), definition("lazy", lambda: inner()))

    assert result.output == "awaited"


async def test_tool_without_a_handler_fails_cleanly() -> None:
    result = await run(runner(), definition("empty", None))

    assert result.success is False
    assert result.error == "tool 'empty' failed: RuntimeError: the tool has no handler"


async def test_validator_is_compiled_once_per_tool(monkeypatch) -> None:
    compiled: list[str] = []
    real = tool_runner.json_schema_validator

    def counting(schema: dict[str, Any], *, what: str) -> Any:
        compiled.append(what)
        return real(schema, what=what)

    monkeypatch.setattr(tool_runner, "json_schema_validator", counting)
    r = runner()
    tool = definition("square", lambda n: n * n, {"n": {"type": "integer"}})

    results = [await run(r, tool, n=n) for n in range(5)]

    assert [res.output for res in results] == [0, 1, 4, 9, 16]
    assert compiled == ["parameters of tool 'square'"]


async def test_a_changed_definition_under_the_same_name_is_prepared_again() -> None:
    r = runner()
    strict = definition("t", lambda **kw: "ok", {"n": {"type": "integer"}})
    loose = definition("t", lambda **kw: "ok", {"n": {"type": "string"}})

    assert (await run(r, strict, n="x")).success is False
    assert (await run(r, loose, n="x")).success is True
