"""ExecutionStore: execution records and their event logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from agent_gateway_core.domain.events import ExecutionEvent, NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus, StopReason
from agent_gateway_core.domain.usage import Usage
from agent_gateway_core.ports.persistence.paging import Page


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionUpdate:
    """A state change. Fields left ``None`` are not changed.

    ``only_from`` makes the change conditional: it is refused (InvalidTransitionError) unless
    the record is in exactly that status, even where the state machine would allow it.
    ``owner`` records the gateway instance taking the execution on (as it starts running).
    """

    status: ExecutionStatus
    at: datetime
    result: Any = None
    raw_text: str | None = None
    stop_reason: StopReason | None = None
    error: str | None = None
    usage: Usage | None = None
    only_from: ExecutionStatus | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionQuery:
    agent_id: str | None = None
    status: ExecutionStatus | None = None
    user_id: str | None = None
    session_id: str | None = None
    tracking: str | None = None  # exactly this tracking label
    since: datetime | None = None  # created_at >= since
    limit: int = 50
    offset: int = 0


@runtime_checkable
class ExecutionStore(Protocol):
    """Durable execution records with an append-only event log each.

    - ``create(record, events=())`` stores a new record; an existing ``id`` raises
      :class:`~agent_gateway_core.errors.DuplicateError` and stores nothing. ``events`` become
      its first events (``seq`` 1, 2, ...) in the same atomic step. The record is durable on
      return. Every field is kept as given, ``tracking`` (up to 255 characters) included, and
      no transition changes ``tracking``.
    - ``get`` returns the record or ``None``.
    - ``transition(id, update)`` applies a state change atomically and returns the new record.
      It sets ``started_at`` on ``running`` and ``finished_at`` on a terminal status (both from
      ``update.at``; a ``running`` execution handed back to ``queued`` keeps its
      ``started_at``), and ``owner`` when the update names one. A change the state machine forbids (see ``ALLOWED_TRANSITIONS``) raises
      :class:`~agent_gateway_core.errors.InvalidTransitionError` and changes nothing, and so
      does one whose ``update.only_from`` is not the record's status; an unknown id raises
      :class:`~agent_gateway_core.errors.ExecutionNotFoundError`. Two concurrent
      transitions from the same state: exactly one wins. ``events`` given with a transition
      are appended (as by ``append_events``) in the same atomic step: both happen or neither,
      so a final status is never stored without its terminal event.
    - ``query(query)`` filters by every set field (``tracking`` by exact, case-sensitive
      equality; records without one never match it), newest first (``created_at`` then ``id``
      descending, a stable order), paginated by ``limit``/``offset``.
    - ``append_events(id, events)`` appends in order, assigning ``seq`` 1, 2, ... per execution
      with no gaps, and returns the stored events. Unknown id raises ``ExecutionNotFoundError``.
    - ``list_events(id, after_seq=0)`` returns events with ``seq > after_seq`` in ``seq``
      order (``[]`` for an unknown id), so a reader can resume from the last seq it saw.
    """

    async def create(self, record: ExecutionRecord, events: Sequence[NewEvent] = ()) -> None: ...

    async def get(self, execution_id: str) -> ExecutionRecord | None: ...

    async def transition(
        self, execution_id: str, update: ExecutionUpdate, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord: ...

    async def query(self, query: ExecutionQuery) -> Page[ExecutionRecord]: ...

    async def append_events(
        self, execution_id: str, events: list[NewEvent]
    ) -> list[ExecutionEvent]: ...

    async def list_events(self, execution_id: str, after_seq: int = 0) -> list[ExecutionEvent]: ...
