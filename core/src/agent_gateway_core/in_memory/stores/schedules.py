"""In-memory ScheduleStore."""

from __future__ import annotations

import asyncio
from datetime import datetime

from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.ports.persistence.schedules import ScheduleStore


class InMemoryScheduleStore(ScheduleStore):
    """Schedule records in a dict; deletion only sets ``deleted``."""

    def __init__(self, health: BackendHealth | None = None) -> None:
        self._health = health or BackendHealth("in-memory schedule store")
        self._lock = asyncio.Lock()
        self._schedules: dict[str, ScheduleRecord] = {}

    async def create(self, schedule: ScheduleRecord) -> bool:
        async with self._lock:
            await self._health.round_trip()
            stored = self._schedules.get(schedule.id)
            if stored is not None and not stored.deleted:
                return False
            self._store(schedule, stored)
            return True

    async def save(self, schedule: ScheduleRecord) -> None:
        async with self._lock:
            await self._health.round_trip()
            stored = self._schedules.get(schedule.id)
            if stored is not None:
                schedule = schedule.model_copy(
                    update={
                        "created_at": stored.created_at,
                        "last_run_at": stored.last_run_at,
                        "last_execution_id": stored.last_execution_id,
                        "last_status": stored.last_status,
                    }
                )
            self._store(schedule, stored)

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
            await self._health.round_trip()
            found = self._schedules.get(schedule_id)
            if found is None or found.deleted:
                return False
            self._store(found.model_copy(update={"deleted": True}), found)
            return True

    async def record_run(
        self, schedule_id: str, *, run_at: datetime, execution_id: str, status: str
    ) -> bool:
        async with self._lock:
            await self._health.round_trip()
            found = self._schedules.get(schedule_id)
            if found is None:
                return False
            self._schedules[schedule_id] = found.model_copy(
                update={
                    "last_run_at": run_at,
                    "last_execution_id": execution_id,
                    "last_status": status,
                }
            )
            return True

    async def revision(self) -> int:
        await self._health.round_trip()
        return sum(s.revision for s in self._schedules.values())

    def _store(self, schedule: ScheduleRecord, stored: ScheduleRecord | None) -> None:
        revision = stored.revision + 1 if stored is not None else 1
        self._schedules[schedule.id] = schedule.model_copy(update={"revision": revision}, deep=True)
