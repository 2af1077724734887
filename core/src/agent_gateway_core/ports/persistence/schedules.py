"""ScheduleStore: workspace and admin schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.schedule import ScheduleRecord


@runtime_checkable
class ScheduleStore(Protocol):
    """Schedule records keyed by id, shared by every gateway process on the store.

    - ``create(schedule)`` stores a new record and returns ``True`` when no live (not
      deleted) record has its id; a deleted record with that id is replaced. When a live one
      exists it writes nothing and returns ``False``. Of concurrent creates of one id, exactly
      one returns ``True``.
    - ``save(schedule)`` creates the record, or replaces the stored one's definition and
      state; an existing record keeps its stored ``created_at`` and run fields
      (``last_run_at``, ``last_execution_id``, ``last_status``).
    - Each ``create``, ``save`` and ``soft_delete`` that writes sets the record's
      ``revision``: 1 for an id never stored, else one more than the stored revision. The
      ``revision`` passed in is ignored.
    - ``get`` returns the record (deleted ones included) or ``None``.
    - ``list_all(agent_id=None, include_deleted=False)`` returns records ordered by id.
    - ``soft_delete(id)`` marks it deleted and returns ``True``; ``False`` if it does not
      exist or is already deleted.
    - ``record_run(id, run_at=, execution_id=, status=)`` sets the run fields and returns
      ``True``; ``False`` for an unknown id. It changes neither ``revision`` nor
      ``updated_at``.
    - ``revision()`` returns a number that grows with every write that sets a record's
      revision, made by any process sharing the store, and that ``record_run`` leaves alone:
      a scheduler polls it to notice changes made elsewhere. It is 0 for an empty store.
    """

    async def create(self, schedule: ScheduleRecord) -> bool: ...

    async def save(self, schedule: ScheduleRecord) -> None: ...

    async def get(self, schedule_id: str) -> ScheduleRecord | None: ...

    async def list_all(
        self, agent_id: str | None = None, include_deleted: bool = False
    ) -> list[ScheduleRecord]: ...

    async def soft_delete(self, schedule_id: str) -> bool: ...

    async def record_run(
        self, schedule_id: str, *, run_at: datetime, execution_id: str, status: str
    ) -> bool: ...

    async def revision(self) -> int: ...
