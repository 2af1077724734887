# Generated from _async/resources/executions.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``client.executions``: the caller's executions, their event logs, cancelling and waiting."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator
from datetime import datetime

import httpx

from agent_gateway_client._errors import (
    ExecutionFailedError,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
)
from agent_gateway_client._sse import (
    EVENT_STREAM,
    LAST_EVENT_ID_HEADER,
    ServerSentEvent,
    SSEDecoder,
    is_event_stream,
)
from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.resources._base import Resource, segment
from agent_gateway_client.models.executions import CancelResult, Execution, ExecutionEvent


class Executions(Resource):
    """Every invoke, chat turn and scheduled run is an execution, stored with its result."""

    def list(
        self,
        *,
        agent_id: str | None = None,
        status: str | None = None,
        since: datetime | str | None = None,
        tracking: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page[Execution]:
        """The caller's executions, newest first (``limit`` 1 to 200, 50 by default);
        ``since`` is a datetime or ISO 8601 text (UTC when it has no offset); ``tracking``
        keeps those created inside ``client.tracking(label)`` blocks of that label."""
        params = {
            "agent_id": agent_id,
            "status": status,
            "since": since,
            "tracking": tracking,
            "limit": limit,
            "offset": offset,
        }
        return self._page(Execution, "/v1/executions", params=params)

    def get(self, execution_id: str) -> Execution:
        """An execution with its status, result and usage."""
        return self._get(Execution, f"/v1/executions/{segment(execution_id)}")

    def cancel(self, execution_id: str) -> CancelResult:
        """Ask a queued or running execution to stop; :class:`ConflictError` if it has
        already finished."""
        return self._call(CancelResult, "POST", f"/v1/executions/{segment(execution_id)}/cancel")

    def wait(
        self,
        execution_id: str,
        *,
        timeout: float | None = 300.0,
        poll_interval: float = 0.5,
    ) -> Execution:
        """Poll until the execution ends and return it if it succeeded.

        An execution that ended ``failed``, ``cancelled`` or ``timed_out`` raises
        :class:`ExecutionFailedError` (its record in ``execution``); one still running after
        ``timeout`` seconds (``None``: no limit) raises :class:`GatewayTimeoutError`.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            execution = self.get(execution_id)
            if execution.is_terminal:
                if execution.status != "succeeded":
                    raise ExecutionFailedError(execution)
                return execution
            pause = poll_interval
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GatewayTimeoutError(
                        f"execution {execution_id} is still {execution.status} after {timeout} s",
                        execution_id=execution_id,
                    )
                pause = min(pause, left)  # one last look at the deadline, not a poll early
            time.sleep(pause)

    def events(
        self,
        execution_id: str,
        *,
        after: int = 0,
        follow: bool = True,
        poll_interval: float = 0.5,
    ) -> Iterator[ExecutionEvent]:
        """The execution's events in order (``seq`` from 1), those after ``after`` only.

        Without ``follow`` it ends with the events logged so far. With ``follow`` (the
        default) it reads the gateway's event stream (Server-Sent Events) as the events are
        logged, and ends after the last (``execution.completed``, ``.failed``,
        ``.cancelled`` or ``.timed_out``). A stream that breaks is reopened with
        ``Last-Event-ID`` (waiting as between retries, ``max_retries`` times in a row at
        most), so it resumes right after the last event received: none is missed or
        repeated. A gateway that answers the stream with JSON is polled instead, every
        ``poll_interval`` seconds.
        """
        path = f"/v1/executions/{segment(execution_id)}/events"
        last = after
        failures = 0
        streaming = follow
        answered: builtins.list[ExecutionEvent] | None = None  # a JSON answer to a stream
        while True:
            if not streaming:  # one read, or polling a gateway that does not stream
                events = answered if answered is not None else self._logged(path, last)
                answered = None
                for event in events:
                    last = event.seq
                    yield event
                    if event.is_terminal:
                        return
                if not follow:
                    return
                time.sleep(poll_interval)
                continue
            headers = {"Accept": EVENT_STREAM}
            if last > after:
                headers[LAST_EVENT_ID_HEADER] = str(last)
            error: GatewayError | None = None
            try:
                with self._pipeline.stream(
                    "GET", path, params={"after": after}, headers=headers
                ) as response:
                    if not is_event_stream(response):
                        response.read()
                        answered = _parsed(response)
                        streaming = False
                        continue
                    decoder = SSEDecoder()
                    for line in response.iter_lines():
                        streamed = _event_of(decoder.decode(line))
                        if streamed is None or streamed.seq <= last:
                            continue
                        last, failures = streamed.seq, 0
                        yield streamed
                        if streamed.is_terminal:
                            return
            except (GatewayConnectionError, GatewayTimeoutError) as exc:
                error = exc
            # The stream broke (or ended before the terminal event); an event cut short is
            # dropped, and sent again after Last-Event-ID.
            if error is None and (self.get(execution_id)).is_terminal:
                # It ended cleanly without a terminal event after ``last``: the execution
                # ended all the same (recovered, or ``after`` was past its end).
                streaming = follow = False
                continue
            delay = self._pipeline.reconnect_delay(failures)
            if delay is None:
                raise error or GatewayConnectionError(
                    f"the event stream of execution {execution_id} kept ending early",
                    execution_id=execution_id,
                )
            failures += 1
            time.sleep(delay)

    def _logged(self, path: str, after: int) -> builtins.list[ExecutionEvent]:
        response = self._pipeline.send(
            "GET", path, params={"after": after}, headers={"Accept": "application/json"}
        )
        return _parsed(response)


def _parsed(response: httpx.Response) -> list[ExecutionEvent]:
    return [ExecutionEvent.model_validate(item) for item in response.json()]


def _event_of(sse: ServerSentEvent | None) -> ExecutionEvent | None:
    """An execution event; ``None`` for nothing yet, or an ``error`` event (the stream is
    about to end)."""
    if sse is None or sse.event == "error":
        return None
    return ExecutionEvent.model_validate(sse.json())
