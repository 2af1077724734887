"""What goes into a queue job, and the request rebuilt from it in whichever process runs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_gateway_core.domain.execution import ExecutionOptions, ExecutionRecord
from agent_gateway_core.domain.messages import Message
from agent_gateway_core.engine.request import ExecutionRequest, job_payload
from agent_gateway_core.ports.execution_queue import ExecutionJob


def job_for(request: ExecutionRequest, enqueued_at: datetime) -> ExecutionJob:
    """The job that runs a stored ``queued`` execution.

    The record holds the message, input and identities; the payload carries only what the
    record does not (see :func:`~agent_gateway_core.engine.request.job_payload`).
    """
    return ExecutionJob(
        execution_id=request.execution_id,
        agent_id=request.agent_id,
        enqueued_at=enqueued_at,
        payload=job_payload(request),
    )


def request_from_record(
    record: ExecutionRecord, payload: dict[str, Any], *, never_started: bool = False
) -> ExecutionRequest:
    """The request of a stored ``queued`` execution, to be run under the record's id;
    ``never_started`` when no run of it ever started (nothing to replay: see
    :class:`~agent_gateway_core.engine.request.ExecutionRequest`)."""
    return ExecutionRequest(
        agent_id=record.agent_id,
        message=record.message,
        input=dict(record.input),
        options=ExecutionOptions(**payload.get("options", {})),
        user_id=record.user_id,
        session_id=record.session_id,
        execution_id=record.id,
        kind=record.kind,
        parent_execution_id=record.parent_execution_id,
        schedule_id=record.schedule_id,
        idempotency_key=record.idempotency_key,
        tracking=record.tracking,
        instructions=payload.get("instructions"),
        history=tuple(Message.model_validate(m) for m in payload.get("history", ())),
        record_created=True,
        never_started=never_started,
    )
