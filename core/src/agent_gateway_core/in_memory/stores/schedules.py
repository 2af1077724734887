"""In-memory ScheduleStore."""

from __future__ import annotations

import asyncio

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.ports.persistence.schedules import ScheduleStore


class InMemoryScheduleStore(ScheduleStore):
    """Schedule records in a dict; deletion only sets ``deleted``."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory schedule store")
        self._lock = asyncio.Lock()
        self._schedules: dict[str, ScheduleRecord] = {}

    async def upsert(self, schedule: ScheduleRecord) -> None:
        await self._health.round_trip()
        self._schedules[schedule.id] = schedule.model_copy(deep=True)

    async def get(self, schedule_id: str) -> ScheduleRecord | None:
        await self._health.round_trip()
        found = self._schedules.get(schedule_id)
        return found.model_copy(deep=True) if found else None

    async def list_all(
        self, agent_id: str | None = None, include_deleted: bool = False
    ) -> list[ScheduleRecord]:
        await self._health.round_trip()
        return [
            s.model_copy(deep=True)
            for s in sorted(self._schedules.values(), key=lambda s: s.id)
            if (agent_id is None or s.agent_id == agent_id) and (include_deleted or not s.deleted)
        ]

    async def soft_delete(self, schedule_id: str) -> bool:
        async with self._lock:
            found = self._schedules.get(schedule_id)
            await self._health.round_trip()
            if found is None or found.deleted:
                return False
            self._schedules[schedule_id] = found.model_copy(update={"deleted": True})
            return True
