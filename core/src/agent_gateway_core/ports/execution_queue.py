"""ExecutionQueue port: background executions across processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionJob:
    """A request to run a persisted execution. The execution record holds everything else."""

    execution_id: str
    agent_id: str
    enqueued_at: datetime
    attempt: int = 1
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A job handed to one consumer. ``receipt`` identifies this hand-over for ack/retry."""

    job: ExecutionJob
    receipt: str
    attempt: int


@runtime_checkable
class ExecutionQueue(Protocol):
    """At-least-once delivery of execution jobs, with retries, dead letters and cancellation.

    - ``enqueue`` makes the job durable (as durable as the backend) before returning.
      Enqueueing a job whose ``execution_id`` is already pending is a no-op.
    - ``receive(timeout_seconds)`` hands out one job, oldest first, or returns ``None`` after
      the timeout. A received job is invisible to other consumers until acked, retried, or
      its visibility timeout passes (then it is delivered again, ``attempt`` + 1).
    - ``extend(delivery)`` restarts the visibility timeout of a job still being worked on, so
      a long run is not delivered to another consumer while its consumer keeps extending it
      (consumers extend every third of ``visibility_timeout_seconds``). Extending an acked,
      retried or unknown delivery is harmless.
    - ``ack(delivery)`` removes the job for good. Acking twice is harmless.
    - ``retry(delivery, error)`` puts the job back with ``attempt`` + 1, or moves it to the
      dead letters when ``max_attempts`` is reached; returns ``True`` if it will be retried.
    - ``dead_letters()`` lists jobs that exhausted their attempts, oldest first.
    - ``request_cancel(execution_id)`` records a cancellation visible to every process
      sharing the backend; ``is_cancel_requested`` reads it. A cancelled job that was not yet
      received is dropped when received (``receive`` skips it). Requests expire after
      ``cancel_ttl_seconds``.
    - ``pending_count()`` counts jobs not yet acked (in flight included).
    - ``aclose`` releases connections; calling it twice is harmless.
    """

    max_attempts: int

    @property
    def visibility_timeout_seconds(self) -> float:
        """How long a received job stays invisible before it is delivered again."""
        ...

    async def enqueue(self, job: ExecutionJob) -> None: ...

    async def receive(self, timeout_seconds: float) -> Delivery | None: ...

    async def extend(self, delivery: Delivery) -> None: ...

    async def ack(self, delivery: Delivery) -> None: ...

    async def retry(self, delivery: Delivery, error: str) -> bool: ...

    async def dead_letters(self) -> list[ExecutionJob]: ...

    async def request_cancel(self, execution_id: str) -> None: ...

    async def is_cancel_requested(self, execution_id: str) -> bool: ...

    async def pending_count(self) -> int: ...

    async def aclose(self) -> None: ...
