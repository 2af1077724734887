"""Invoke over HTTP: sync or background, idempotent on request, with the id known up front.

The execution id is chosen before anything runs and sent back in ``X-Execution-Id`` on every
response of an invoke, success or failure, so a caller can always look the execution up.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from agent_gateway.api.errors import (
    domain_error_response,
    error_response,
    status_for,
    status_for_error_code,
)
from agent_gateway.api.idempotency import claim_key, request_fingerprint
from agent_gateway.api.model_overrides import check_model_override
from agent_gateway.api.safe_json import dump_json
from agent_gateway.api.schemas import AcceptedResponse, InvokeRequest, InvokeResponse
from agent_gateway.request_ids import request_log_tag
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.agent import ExecutionMode
from agent_gateway_core.domain.events import ExecutionEvent
from agent_gateway_core.domain.execution import (
    ExecutionRecord,
    ExecutionResult,
    ExecutionStatus,
    StopReason,
)
from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.engine.request import ExecutionRequest
from agent_gateway_core.errors import AgentGatewayError, DuplicateError

logger = logging.getLogger("agent_gateway.api")

EXECUTION_ID_HEADER = "X-Execution-Id"
SESSION_ID_HEADER = "X-Session-Id"
REPLAYED_HEADER = "Idempotent-Replayed"


async def invoke_agent(
    services: GatewayServices,
    agent_id: str,
    body: InvokeRequest,
    *,
    user_id: str | None,
    idempotency_key: str | None,
    tracking: str | None = None,
) -> Response:
    """Answer an invoke: 200 with the result, 202 when it runs in the background, else the
    standard error body (with ``execution_id`` once the execution exists). ``tracking`` is
    recorded on the execution."""
    request = ExecutionRequest(
        agent_id=agent_id,
        message=body.message,
        input=body.input,
        options=body.execution_options(),
        user_id=user_id,
        execution_id=new_execution_id(),
        idempotency_key=idempotency_key,
        tracking=tracking,
    )
    try:
        check_model_override(services.runtime.workspace, body.options)
        if idempotency_key is not None:
            earlier = await claim_key(
                services,
                key=idempotency_key,
                user_id=user_id,
                execution_id=request.execution_id,
                fingerprint=request_fingerprint(agent_id, body),
            )
            if earlier is not None:
                record = await services.persistence.executions.get(earlier)
                if record is not None:
                    return await _replay(services, record)
                # The first request failed before its execution was stored (say, invalid
                # input): nothing was accepted, so this one runs under the id the key holds.
                # (Or it is being stored right now: then storing this one fails, below.)
                request = dataclasses.replace(request, execution_id=earlier)
        return await _run(services, request, run_async=body.wants_async)
    except DuplicateError as exc:
        # Two requests with one key at once, and the other one stored the execution first.
        winner = None
        if idempotency_key is not None:
            winner = await services.persistence.executions.get(request.execution_id)
        if winner is None:
            return domain_error_response(exc, headers=id_header(request.execution_id))
        return await _replay(services, winner)
    except AgentGatewayError as exc:
        if status_for(exc) >= 500:
            logger.error("invoke of %r failed: %s%s", agent_id, exc, request_log_tag())
        return domain_error_response(exc, headers=id_header(request.execution_id))


async def _run(
    services: GatewayServices, request: ExecutionRequest, *, run_async: bool
) -> Response:
    agent = services.runtime.workspace.agents.get(request.agent_id)
    if run_async or (agent is not None and agent.execution_mode is ExecutionMode.ASYNC):
        return await _accept(services, request)
    result = await services.runtime.execute(request)
    return result_response(request.agent_id, result)


async def _accept(services: GatewayServices, request: ExecutionRequest) -> Response:
    """Store the execution as queued and hand it on (queue or this process), answer 202."""
    # Checked and stored as queued before the 202: nothing accepted is lost.
    execution_id = await services.runtime.submit(request)
    return accepted_response(execution_id, ExecutionStatus.QUEUED)


async def _replay(services: GatewayServices, record: ExecutionRecord) -> Response:
    """The answer the first request with this Idempotency-Key got (or will get)."""
    if not record.status.is_terminal:
        response = accepted_response(record.id, record.status)
    else:
        response = result_response(record.agent_id, await stored_result(services, record))
    response.headers[REPLAYED_HEADER] = "true"
    return response


async def stored_result(
    services: GatewayServices, record: ExecutionRecord, events: list[ExecutionEvent] | None = None
) -> ExecutionResult:
    """The result of a finished execution as its run returned it, from its record and (for
    a failure's error code) its event log; ``events`` when the caller has read the log."""
    ending: dict[str, Any] = {}
    if record.status is not ExecutionStatus.SUCCEEDED:
        if events is None:
            events = await services.persistence.executions.list_events(record.id)
        ending = next((e.data for e in reversed(events) if "error_code" in e.data), {})
    return _result_of(record, ending)


def result_response(agent_id: str, result: ExecutionResult) -> Response:
    """200 with the result if it succeeded, else the error its code maps to."""
    headers = id_header(result.execution_id)
    if not result.succeeded:
        return failure_response(result, headers)
    body = InvokeResponse.from_result(agent_id, result)
    return json_model_response(body, headers=headers)


def failure_response(result: ExecutionResult, headers: dict[str, str]) -> JSONResponse:
    """The standard error body for an execution that ended without success."""
    return error_response(
        status_for_error_code(result.error_code),
        result.error_code or "execution_failed",
        result.error or f"execution {result.status.value}",
        details=result.validation_errors,
        execution_id=result.execution_id,
        headers=headers,
    )


def accepted_response(
    execution_id: str, status: ExecutionStatus, headers: dict[str, str] | None = None
) -> Response:
    """202 naming the execution, with ``Location`` to poll; ``headers`` are added."""
    poll_url = f"/v1/executions/{execution_id}"
    body = AcceptedResponse(execution_id=execution_id, status=status, poll_url=poll_url)
    all_headers = {**(headers or {}), **id_header(execution_id), "Location": poll_url}
    return json_model_response(body, status_code=202, headers=all_headers)


def _result_of(record: ExecutionRecord, ending: dict[str, Any]) -> ExecutionResult:
    """The result of a finished execution; ``ending`` is its terminal event's data."""
    duration_ms = 0
    if record.started_at is not None and record.finished_at is not None:
        duration_ms = int((record.finished_at - record.started_at).total_seconds() * 1000)
    return ExecutionResult(
        execution_id=record.id,
        status=record.status,
        output=record.result,
        raw_text=record.raw_text or "",
        stop_reason=record.stop_reason or StopReason.COMPLETED,
        usage=record.usage,
        error=record.error,
        error_code=ending.get("error_code"),
        validation_errors=ending.get("validation_errors"),
        duration_ms=duration_ms,
    )


JSON = "application/json"


def json_model_response(
    model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """``model`` as a JSON answer, serialized by pydantic-core in one pass (``JSONResponse``
    would build the Python dicts first, then encode them with ``json``)."""
    return Response(dump_json(model), status_code=status_code, headers=headers, media_type=JSON)


def id_header(execution_id: str) -> dict[str, str]:
    return {EXECUTION_ID_HEADER: execution_id}
