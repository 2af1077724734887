"""How executions end other than with an answer, and what is refused before anything is stored."""

from __future__ import annotations

import asyncio
import time

import pytest

from agent_gateway_core.domain.agent import Guardrails, ModelConfig
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionStatus, StopReason
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import (
    AgentDisabledError,
    AgentNotFoundError,
    BackendUnavailableError,
    ConfigError,
    InputValidationError,
)
from agent_gateway_core.ports.persistence import ExecutionQuery
from agent_gateway_core.testing import ScriptedReply, reply, tool_call
from agent_gateway_core.workspace.state import ModelDefaults

pytestmark = pytest.mark.unit

HANG = ScriptedReply(hang=True)


async def stored_count(harness) -> int:
    page = await harness.persistence.executions.query(ExecutionQuery())
    return page.total


async def wait_until_running(harness, execution_id: str) -> None:
    for _ in range(200):
        if execution_id in harness.cancellations:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the execution never started")


# ---------------------------------------------------------------- timeout and cancellation


async def test_model_that_hangs_times_out(harness) -> None:
    harness.llm.push(HANG)
    engine = harness.engine(harness.agent(guardrails=Guardrails(timeout_seconds=0.1)))

    started = time.monotonic()
    result = await harness.run(engine)

    assert time.monotonic() - started < 1
    assert result.status is ExecutionStatus.TIMED_OUT
    assert result.stop_reason is StopReason.TIMEOUT
    assert result.error == "execution timed out after 0.1 s"
    assert result.error_code == "execution_timeout"
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.status is ExecutionStatus.TIMED_OUT
    events = await harness.persistence.executions.list_events(result.execution_id)
    assert events[-1].type is EventType.TIMED_OUT


async def test_options_timeout_overrides_guardrails(harness) -> None:
    harness.llm.push(HANG)
    engine = harness.engine()

    result = await harness.run(engine, options=ExecutionOptions(timeout_ms=50))

    assert result.status is ExecutionStatus.TIMED_OUT
    assert result.error == "execution timed out after 0.05 s"


async def test_cancel_during_the_model_call(harness) -> None:
    harness.llm.push(HANG)
    engine = harness.engine()
    request = ExecutionRequest(agent_id="helper", message="hi")

    task = asyncio.create_task(engine.run(request))
    await wait_until_running(harness, request.execution_id)
    await asyncio.sleep(0.02)
    assert harness.cancellations.cancel(request.execution_id) is True
    result = await asyncio.wait_for(task, timeout=1)

    assert result.status is ExecutionStatus.CANCELLED
    assert result.stop_reason is StopReason.CANCELLED
    assert result.error_code == "execution_cancelled"
    record = await harness.persistence.executions.get(request.execution_id)
    assert record.status is ExecutionStatus.CANCELLED
    assert request.execution_id not in harness.cancellations


async def test_cancel_during_a_tool_call(harness) -> None:
    tool_started = asyncio.Event()
    tool_cancelled = asyncio.Event()

    @harness.tools.tool
    async def long_job() -> str:
        tool_started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            tool_cancelled.set()
            raise
        return "finished"

    harness.llm.push(tool_call("long-job"), reply("never reached"))
    engine = harness.engine(harness.agent(tools=("long-job",)))
    request = ExecutionRequest(agent_id="helper", message="go")

    task = asyncio.create_task(engine.run(request))
    await asyncio.wait_for(tool_started.wait(), timeout=1)
    harness.cancellations.cancel(request.execution_id)
    result = await asyncio.wait_for(task, timeout=1)

    assert result.status is ExecutionStatus.CANCELLED
    assert tool_cancelled.is_set()
    assert len(harness.llm.requests) == 1
    assert result.usage.llm_calls == 1


async def test_cancel_of_an_unknown_execution_is_false(harness) -> None:
    assert harness.cancellations.cancel("no-such-execution") is False


async def test_cancelling_the_callers_task_still_ends_the_record(harness) -> None:
    harness.llm.push(HANG)
    engine = harness.engine()
    request = ExecutionRequest(agent_id="helper", message="hi")

    task = asyncio.create_task(engine.run(request))
    await wait_until_running(harness, request.execution_id)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    record = await harness.persistence.executions.get(request.execution_id)
    assert record.status is ExecutionStatus.CANCELLED


async def test_store_outage_mid_run_is_raised_not_hidden(harness) -> None:
    @harness.tools.tool
    def unplug() -> str:
        harness.persistence.available = False
        return "unplugged"

    harness.llm.push(tool_call("unplug"), reply("the end"))
    engine = harness.engine(harness.agent(tools=("unplug",)))

    # The run goes on; its end, which the store cannot take, is retried in the background.
    with pytest.raises(BackendUnavailableError, match="in-memory persistence") as caught:
        await harness.run(engine)

    harness.persistence.available = True
    execution_id = getattr(caught.value, "execution_id", None)
    assert execution_id is not None
    for _ in range(200):
        record = await harness.persistence.executions.get(execution_id)
        if record is not None and record.status.is_terminal:
            break
        await asyncio.sleep(0.01)
    assert record is not None
    assert (record.status, record.raw_text) == (ExecutionStatus.SUCCEEDED, "the end")


# ---------------------------------------------------------------- model failures and fallback


async def test_fallback_model_is_used_after_a_service_error(harness) -> None:
    harness.llm.push(ScriptedReply(status=503, error_message="overloaded"), reply("from backup"))
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/backup",)))

    result = await harness.run(harness.engine(agent))

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "from backup"
    assert [r.model for r in harness.llm.requests] == ["test/primary", "test/backup"]
    assert result.usage.models_used == ("test/backup",)


async def test_workspace_fallback_follows_the_agents(harness) -> None:
    harness.llm.push(
        ScriptedReply(status=503), ScriptedReply(status=429), reply("third time lucky")
    )
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/agent-backup",)))
    engine = harness.engine(agent, model=ModelDefaults(fallback=("test/workspace-backup",)))

    result = await harness.run(engine)

    assert result.raw_text == "third time lucky"
    assert [r.model for r in harness.llm.requests] == [
        "test/primary",
        "test/agent-backup",
        "test/workspace-backup",
    ]


async def test_later_calls_stay_on_the_model_that_worked(harness) -> None:
    @harness.tools.tool
    def ping() -> str:
        return "pong"

    harness.llm.push(ScriptedReply(status=500), tool_call("ping"), reply("done"))
    agent = harness.agent(
        tools=("ping",), model=ModelConfig(name="test/primary", fallback=("test/backup",))
    )

    await harness.run(harness.engine(agent))

    assert [r.model for r in harness.llm.requests] == ["test/primary", "test/backup", "test/backup"]


async def test_bad_request_is_not_retried_on_a_fallback(harness) -> None:
    harness.llm.push(ScriptedReply(status=400, error_message="context too long"))
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/backup",)))

    result = await harness.run(harness.engine(agent))

    assert result.status is ExecutionStatus.FAILED
    assert result.error_code == "llm_bad_request"
    # The kind of failure and where, never the provider's own text (that is logged).
    assert result.error == (
        "model call failed: bad request (provider 'test', model 'test/primary', HTTP 400)"
    )
    assert [r.model for r in harness.llm.requests] == ["test/primary"]


async def test_authentication_error_is_not_retried_on_a_fallback(harness) -> None:
    harness.llm.push(ScriptedReply(status=401, error_message="invalid api key"))
    agent = harness.agent(model=ModelConfig(name="test/primary", fallback=("test/backup",)))

    result = await harness.run(harness.engine(agent))

    assert result.error_code == "llm_authentication_error"
    assert len(harness.llm.requests) == 1


async def test_model_failure_without_fallback_fails_the_execution(harness) -> None:
    harness.llm.push(ScriptedReply(status=502, error_message="bad gateway upstream"))

    result = await harness.run(harness.engine())

    assert result.status is ExecutionStatus.FAILED
    assert result.stop_reason is StopReason.ERROR
    assert result.error_code == "llm_service_error"
    public = "model call failed: service error (provider 'test', model 'test/primary', HTTP 502)"
    assert result.error == public
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.status is ExecutionStatus.FAILED
    assert record.error == public


async def test_usage_of_earlier_calls_is_kept_when_a_later_call_fails(harness) -> None:
    @harness.tools.tool
    def ping() -> str:
        return "pong"

    harness.llm.push(tool_call("ping", input_tokens=40), ScriptedReply(status=500))
    result = await harness.run(harness.engine(harness.agent(tools=("ping",))))

    assert result.status is ExecutionStatus.FAILED
    assert result.usage.input_tokens == 40
    assert result.usage.tool_calls == 1


# ---------------------------------------------------------------- refused before storing


async def test_no_model_anywhere_is_a_config_error(harness) -> None:
    engine = harness.engine(harness.agent(model=ModelConfig()))

    with pytest.raises(ConfigError) as caught:
        await harness.run(engine)

    message = str(caught.value)
    assert "'helper'" in message
    assert "model.name" in message
    assert "model.default" in message
    assert await stored_count(harness) == 0


async def test_unknown_agent_raises_before_storing(harness) -> None:
    engine = harness.engine()

    with pytest.raises(AgentNotFoundError, match="agent not found: 'nobody'"):
        await harness.run(engine, agent_id="nobody")
    assert await stored_count(harness) == 0


async def test_unknown_agent_is_a_value_error_as_the_public_api_promises(harness) -> None:
    with pytest.raises(ValueError, match="nobody"):
        await harness.run(harness.engine(), agent_id="nobody")


async def test_disabled_agent_raises_before_storing(harness) -> None:
    engine = harness.engine(harness.agent(enabled=False))

    with pytest.raises(AgentDisabledError, match="agent is disabled: 'helper'"):
        await harness.run(engine)
    assert await stored_count(harness) == 0
    assert harness.llm.requests == []


async def test_input_failing_the_schema_raises_with_one_line_per_problem(harness) -> None:
    schema = {
        "type": "object",
        "properties": {
            "report_id": {"type": "string"},
            "period": {
                "type": "object",
                "properties": {"quarter": {"type": "integer", "maximum": 4}},
            },
        },
        "required": ["report_id"],
    }
    engine = harness.engine(harness.agent(input_schema=schema))

    with pytest.raises(InputValidationError) as caught:
        await harness.run(engine, input={"period": {"quarter": 9}})

    assert caught.value.errors == [
        "(root): 'report_id' is a required property",
        "period.quarter: 9 is greater than the maximum of 4",
    ]
    assert "input schema of agent 'helper'" in str(caught.value)
    assert "period.quarter" in str(caught.value)
    assert await stored_count(harness) == 0


async def test_valid_input_is_shown_to_the_model(harness) -> None:
    schema = {"type": "object", "properties": {"report_id": {"type": "string"}}}
    engine = harness.engine(harness.agent(input_schema=schema))

    result = await harness.run(engine, input={"report_id": "R-1"})

    assert result.status is ExecutionStatus.SUCCEEDED
    assert '{"report_id": "R-1"}' in harness.llm.requests[0].messages[0].content
    record = await harness.persistence.executions.get(result.execution_id)
    assert record.input == {"report_id": "R-1"}


async def test_unknown_tool_in_the_agent_is_a_config_error(harness) -> None:
    engine = harness.engine(harness.agent(tools=("missing-tool",)))

    with pytest.raises(ConfigError, match="'missing-tool'"):
        await harness.run(engine)
    assert await stored_count(harness) == 0
