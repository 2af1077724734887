"""ExecutionQueue port: background executions across processes."""

from __future__ import annotations

import json
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

    def to_json(self) -> str:
        """The job as a broker carries it: ``execution_id``, ``agent_id``, ``enqueued_at``
        (ISO 8601), ``attempt`` and ``payload``. ``ValueError`` if the payload is not JSON."""
        try:
            return json.dumps(
                {
                    "execution_id": self.execution_id,
                    "agent_id": self.agent_id,
                    "enqueued_at": self.enqueued_at.isoformat(),
                    "attempt": self.attempt,
                    "payload": self.payload,
                },
                separators=(",", ":"),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"the payload of execution {self.execution_id!r} is not JSON-serialisable: {exc}"
            ) from exc

    @classmethod
    def from_json(cls, raw: str | bytes) -> ExecutionJob:
        """The job :meth:`to_json` wrote; ``ValueError`` if ``raw`` is not one."""
        try:
            data: dict[str, Any] = json.loads(raw)
            return cls(
                execution_id=str(data["execution_id"]),
                agent_id=str(data["agent_id"]),
                enqueued_at=datetime.fromisoformat(data["enqueued_at"]),
                attempt=int(data.get("attempt", 1)),
                payload=dict(data.get("payload") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an execution job: {raw[:200]!r}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A job handed to one consumer. ``receipt`` identifies this hand-over for ack/retry."""

    job: ExecutionJob
    receipt: str
    attempt: int


def check_queue_settings(max_attempts: int, **positive_seconds: float) -> None:
    """``ValueError`` naming the setting when ``max_attempts`` is below 1 or any of
    ``positive_seconds`` is not above 0: what every ExecutionQueue is built with."""
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
    for name, value in positive_seconds.items():
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")


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
    - ``release(delivery)`` gives the job back now, on the same attempt, for work its consumer
      stops for its own reasons (a worker shutting down), not because the job failed: it
      counts no attempt against ``max_attempts``, and it is again a job not yet received, so
      a consumer waiting in ``receive`` (this one or another) gets it at once, with no
      visibility timeout to wait out, and a cancellation requested for it drops it. It stays
      pending meanwhile. Releasing an acked, retried, released or superseded delivery (its
      visibility timeout passed) is harmless: it changes nothing.
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

    async def release(self, delivery: Delivery) -> None: ...

    async def dead_letters(self) -> list[ExecutionJob]: ...

    async def request_cancel(self, execution_id: str) -> None: ...

    async def is_cancel_requested(self, execution_id: str) -> bool: ...

    async def pending_count(self) -> int: ...

    async def aclose(self) -> None: ...
