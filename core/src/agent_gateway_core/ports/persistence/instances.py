"""InstanceStore: the leases of the gateway instances sharing a store, and their executions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.events import NewEvent
from agent_gateway_core.domain.execution import (
    ExecutionRecord,
    ExecutionStatus,
    StopReason,
    can_transition,
)
from agent_gateway_core.domain.usage import Usage


@dataclass(frozen=True, slots=True, kw_only=True)
class Takeover:
    """Ending, or taking on, an execution whose owner died.

    Applied only while the record still has ``owner`` and ``from_status``, and ``owner`` is
    not live at ``at``. ``status`` is ``queued`` (handed back, to run again) or a terminal
    status; ``new_owner`` becomes the owner (``None`` keeps the dead one, who ran it). The
    other fields are set when given, as by a transition.
    """

    owner: str
    from_status: ExecutionStatus
    status: ExecutionStatus
    at: datetime
    new_owner: str | None = None
    error: str | None = None
    stop_reason: StopReason | None = None
    usage: Usage | None = None
    raw_text: str | None = None


@runtime_checkable
class InstanceStore(Protocol):
    """Leases of the gateway instances (one per process start) that share the store, and the
    executions they own (``ExecutionRecord.owner``).

    An instance is *live* at time ``t`` while its lease exists with ``expires_at > t``; an
    owner with no lease (expired, released, or never written) is dead.

    - ``heartbeat(instance_id, expires_at)`` creates the lease or moves its expiry to
      ``expires_at`` (later or earlier). Durable on return.
    - ``release(instance_id)`` removes the lease; an unknown id is a no-op.
    - ``live(now)`` returns the ids of the instances live at ``now``, sorted.
    - ``orphans(now, limit)`` returns the executions ``queued`` or ``running`` whose owner is
      set and not live at ``now``, oldest first (``created_at`` then ``id``), at most
      ``limit``. An execution without an owner is never an orphan.
    - ``take_over(id, takeover, events)`` applies ``takeover`` atomically and returns the new
      record: status, ``finished_at = at`` for a terminal status (``started_at`` is kept,
      for ``queued`` too: it tells a re-run that an earlier run started), the new owner and
      the given fields; ``events`` are appended in the same
      step. The moves: to a terminal status the state machine allows from ``from_status``, or
      back to ``queued`` from ``queued`` or ``running``; any other raises ``ValueError``. When the record no
      longer has ``owner`` and ``from_status``, or ``owner`` is live at ``at``, it raises
      :class:`~agent_gateway_core.errors.InvalidTransitionError` and changes nothing; an
      unknown id raises :class:`~agent_gateway_core.errors.ExecutionNotFoundError`. Of two
      concurrent take-overs of one execution exactly one wins.
    """

    async def heartbeat(self, instance_id: str, expires_at: datetime) -> None: ...

    async def release(self, instance_id: str) -> None: ...

    async def live(self, now: datetime) -> list[str]: ...

    async def orphans(self, now: datetime, limit: int = 100) -> list[ExecutionRecord]: ...

    async def take_over(
        self, execution_id: str, takeover: Takeover, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord: ...


def check_takeover(takeover: Takeover) -> None:
    """Raise ValueError for a move no take-over makes (see :class:`InstanceStore`)."""
    source, target = takeover.from_status, takeover.status
    handed_back = target is ExecutionStatus.QUEUED and source in _HANDED_BACK_FROM
    if not handed_back and not (target.is_terminal and can_transition(source, target)):
        raise ValueError(
            f"a take-over cannot move an execution from {source.value!r} to {target.value!r}"
        )


_HANDED_BACK_FROM = (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING)
