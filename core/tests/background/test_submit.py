"""Runtime.submit: checked, stored as queued, then run in this process or handed to the queue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from agent_gateway_core.background import job_for, request_from_record
from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.execution import (
    ExecutionKind,
    ExecutionOptions,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.messages import Message, Role
from agent_gateway_core.errors import (
    AgentDisabledError,
    AgentNotFoundError,
    BackendUnavailableError,
    ConfigError,
    InputValidationError,
)
from agent_gateway_core.testing import reply

pytestmark = pytest.mark.unit

ENQUEUED_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def system_prompt(bg: Any, index: int = 0) -> str:
    messages = bg.llm.requests[index].messages
    return next(m.content for m in messages if m.role is Role.SYSTEM)


# ---------------------------------------------------------------- without a queue


async def test_without_a_queue_it_is_stored_as_queued_then_runs_in_this_process(bg) -> None:
    runtime = bg.runtime()
    bg.llm.push(reply("done"))

    execution_id = await runtime.submit(bg.request("work", user_id="u1"))

    # Stored before submit returned; the detached task has not had a turn to start it yet.
    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.QUEUED
    assert (record.agent_id, record.message, record.user_id) == ("helper", "work", "u1")
    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    assert record.raw_text == "done"
    assert record.started_at is not None
    assert record.finished_at is not None
    assert await bg.event_types(execution_id) == [
        EventType.QUEUED,
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]
    assert len(bg.llm.requests) == 1


async def test_the_returned_id_is_the_requests_own(bg) -> None:
    runtime = bg.runtime()
    request = bg.request()

    execution_id = await runtime.submit(request)

    assert execution_id == request.execution_id
    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)


async def test_without_a_queue_options_and_instructions_reach_the_model(bg) -> None:
    runtime = bg.runtime()
    options = ExecutionOptions(temperature=0.25, max_tokens=64, instructions="Answer in French.")

    execution_id = await runtime.submit(
        bg.request(options=options, instructions="Daily digest.", kind=ExecutionKind.SCHEDULE)
    )

    await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    sent = bg.llm.requests[0]
    assert (sent.temperature, sent.max_tokens) == (0.25, 64)
    assert "Answer in French." in system_prompt(bg)
    assert "Daily digest." in system_prompt(bg)


async def test_a_failed_model_call_is_recorded_not_raised(bg) -> None:
    runtime = bg.runtime()
    bg.llm.push(reply("", status=500, error_message="provider down"))

    execution_id = await runtime.submit(bg.request())

    record = await bg.wait_for_status(execution_id, ExecutionStatus.FAILED)
    assert record.error is not None
    assert record.error.startswith("model call failed: service error")


CANNOT_RUN = [
    pytest.param({"agent_id": "ghost"}, AgentNotFoundError, "'ghost'", id="unknown-agent"),
    pytest.param({"agent_id": "off"}, AgentDisabledError, "'off'", id="disabled-agent"),
    pytest.param(
        {"agent_id": "strict", "input": {"city": 3}},
        InputValidationError,
        "input schema",
        id="invalid-input",
    ),
    pytest.param({"agent_id": "nomodel"}, ConfigError, "no model", id="no-model"),
]


@pytest.mark.parametrize(("fields", "error", "match"), CANNOT_RUN)
@pytest.mark.parametrize("with_queue", [False, True], ids=["no-queue", "queue"])
async def test_what_cannot_run_raises_before_anything_is_stored(
    bg, fields: dict[str, Any], error: type[Exception], match: str, with_queue: bool
) -> None:
    runtime = bg.runtime(with_queue=with_queue)

    with pytest.raises(error, match=match):
        await runtime.submit(bg.request(**fields))

    await asyncio.sleep(0.02)  # a detached task, had one been started, would have run by now
    assert await bg.stored() == []
    assert await bg.queue.pending_count() == 0
    assert bg.llm.requests == []


async def test_an_unknown_agent_is_a_value_error_too(bg) -> None:
    runtime = bg.runtime()

    with pytest.raises(ValueError, match="'ghost'"):
        await runtime.submit(bg.request(agent_id="ghost"))


# ---------------------------------------------------------------- with a queue


async def test_with_a_queue_the_job_waits_for_a_worker(bg) -> None:
    runtime = bg.runtime(with_queue=True)

    execution_id = await runtime.submit(bg.request("later"))

    assert runtime.queue is bg.queue
    assert await bg.queue.pending_count() == 1
    await asyncio.sleep(0.05)
    assert await bg.status(execution_id) is ExecutionStatus.QUEUED
    assert await bg.event_types(execution_id) == [EventType.QUEUED]
    assert bg.llm.requests == []


async def test_a_worker_runs_the_submitted_job_to_success(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    bg.llm.push(reply("background answer"))
    execution_id = await runtime.submit(bg.request("later"))

    runtime.start_worker(receive_timeout_seconds=bg.receive_timeout)

    record = await bg.wait_for_status(execution_id, ExecutionStatus.SUCCEEDED)
    assert record.raw_text == "background answer"
    await bg.wait_for_pending(0)
    assert await bg.event_types(execution_id) == [
        EventType.QUEUED,
        EventType.STARTED,
        EventType.MODEL_RESPONSE,
        EventType.COMPLETED,
    ]


async def test_the_job_carries_the_options_and_instructions_the_record_does_not(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    options = ExecutionOptions(
        temperature=0.3,
        max_tokens=50,
        instructions="Use metric units.",
        guardrails=Guardrails(max_iterations=3),
        output_schema={"type": "object", "properties": {"ok": {"type": "boolean"}}},
    )
    request = bg.request(
        "report",
        options=options,
        instructions="Daily report.",
        kind=ExecutionKind.SCHEDULE,
        schedule_id="daily",
        user_id="u1",
    )

    execution_id = await runtime.submit(request)

    delivery = await bg.receive()
    job = delivery.job
    assert (job.execution_id, job.agent_id, job.attempt) == (execution_id, "helper", 1)
    assert job.payload == {
        "options": options.model_dump(mode="json", exclude_none=True),
        "instructions": "Daily report.",
    }
    assert job.payload["options"]["temperature"] == 0.3
    rebuilt = request_from_record(await bg.record(execution_id), job.payload)
    assert rebuilt.options == options
    assert rebuilt.instructions == "Daily report."
    assert (rebuilt.kind, rebuilt.schedule_id, rebuilt.user_id) == (
        ExecutionKind.SCHEDULE,
        "daily",
        "u1",
    )

    bg.llm.push(reply('{"ok": true}'))
    await runtime.run_job(delivery)

    record = await bg.record(execution_id)
    assert record.status is ExecutionStatus.SUCCEEDED
    assert record.result == {"ok": True}
    sent = bg.llm.requests[0]
    assert (sent.temperature, sent.max_tokens) == (0.3, 50)
    assert "Use metric units." in system_prompt(bg)
    assert "Daily report." in system_prompt(bg)


async def test_the_job_payload_omits_what_was_not_set(bg) -> None:
    runtime = bg.runtime(with_queue=True)

    await runtime.submit(bg.request())

    assert (await bg.receive()).job.payload == {"options": {}}


async def test_job_for_and_request_from_record_round_trip(bg) -> None:
    runtime = bg.runtime()
    request = bg.request(
        "hi",
        input={"city": "Rome"},
        options=ExecutionOptions(model="other/model", timeout_ms=5000, instructions="Be short."),
        user_id="u1",
        session_id="s1",
        parent_execution_id="parent",
        schedule_id="sched",
        idempotency_key="key-1",
        instructions="Scheduled.",
        kind=ExecutionKind.DELEGATION,
    )
    accepted = await runtime.engine.accept(request)  # stored as queued, nothing enqueued

    job = job_for(accepted, ENQUEUED_AT)
    rebuilt = request_from_record(await bg.record(request.execution_id), job.payload)

    assert (job.execution_id, job.agent_id, job.enqueued_at) == (
        request.execution_id,
        "helper",
        ENQUEUED_AT,
    )
    assert rebuilt == accepted
    assert rebuilt.record_created is True


async def test_request_from_record_without_a_payload_uses_default_options(bg) -> None:
    runtime = bg.runtime()
    accepted = await runtime.engine.accept(bg.request())

    rebuilt = request_from_record(await bg.record(accepted.execution_id), {})

    assert rebuilt.options == ExecutionOptions()
    assert rebuilt.instructions is None


# ---------------------------------------------------------------- a queue that cannot take it


async def test_a_queue_that_refuses_the_job_fails_the_execution_and_raises(bg) -> None:
    queue = bg.double_queue(enqueue_down=True)
    runtime = bg.runtime(queue=queue)

    with pytest.raises(BackendUnavailableError, match="enqueue refused"):
        await runtime.submit(bg.request("lost?"))

    [record] = await bg.stored()
    assert record.status is ExecutionStatus.FAILED
    assert record.stop_reason is StopReason.ERROR
    assert record.error == "test queue is unavailable (enqueue refused)"
    assert record.finished_at is not None
    events = await bg.events(record.id)
    assert [e.type for e in events] == [EventType.QUEUED, EventType.FAILED]
    assert events[-1].data == {
        "status": "failed",
        "error": "test queue is unavailable (enqueue refused)",
        "error_code": "backend_unavailable",
    }
    assert await bg.queue.pending_count() == 0
    assert bg.llm.requests == []


async def test_a_pydantic_output_schema_is_never_left_queued_with_a_queue(bg) -> None:
    class Answer(BaseModel):
        ok: bool

    runtime = bg.runtime(with_queue=True)
    request = bg.request(options=ExecutionOptions(output_schema=Answer))

    try:
        execution_id = await runtime.submit(request)
    except Exception:
        # Refusing it is fine, as long as it is refused before anything is stored.
        assert await bg.stored() == []
    else:
        assert execution_id == request.execution_id
        assert await bg.queue.pending_count() == 1


async def test_prior_messages_travel_with_the_job_and_reach_the_model(bg) -> None:
    runtime = bg.runtime(with_queue=True)
    history = (Message.user("My name is Ada."), Message.assistant("Hello Ada."))
    execution_id = await runtime.submit(bg.request("What is my name?", history=history))

    delivery = await bg.receive()
    rebuilt = request_from_record(await bg.record(execution_id), delivery.job.payload)
    assert rebuilt.history == history

    await runtime.run_job(delivery)
    sent = [(m.role, m.content) for m in bg.llm.requests[0].messages[1:]]
    assert sent == [
        (Role.USER, "My name is Ada."),
        (Role.ASSISTANT, "Hello Ada."),
        (Role.USER, "What is my name?"),
    ]


async def test_a_pydantic_output_schema_travels_as_its_json_schema(bg) -> None:
    class Answer(BaseModel):
        ok: bool

    runtime = bg.runtime(with_queue=True)
    execution_id = await runtime.submit(bg.request(options=ExecutionOptions(output_schema=Answer)))

    delivery = await bg.receive()
    assert delivery.job.payload["options"]["output_schema"] == Answer.model_json_schema()
    bg.llm.push(reply('{"ok": true}'))
    await runtime.run_job(delivery)
    record = await bg.record(execution_id)
    assert (record.status, record.result) == (ExecutionStatus.SUCCEEDED, {"ok": True})
