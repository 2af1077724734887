"""ScheduleStore: workspace and admin schedules."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.schedule import ScheduleRecord


@runtime_checkable
class ScheduleStore(Protocol):
    """Schedule records keyed by id.

    - ``upsert`` creates or fully replaces the record with that id.
    - ``get`` returns the record (deleted ones included) or ``None``.
    - ``list_all(agent_id=None, include_deleted=False)`` returns records ordered by id.
    - ``soft_delete(id)`` marks it deleted and returns ``True``; ``False`` if it does not
      exist or is already deleted.
    """

    async def upsert(self, schedule: ScheduleRecord) -> None: ...

    async def get(self, schedule_id: str) -> ScheduleRecord | None: ...

    async def list_all(
        self, agent_id: str | None = None, include_deleted: bool = False
    ) -> list[ScheduleRecord]: ...

    async def soft_delete(self, schedule_id: str) -> bool: ...
