"""In-memory InstanceStore: leases in a dict, executions in the in-memory ExecutionStore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from agent_gateway_core.domain.events import NewEvent
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.errors import InvalidTransitionError
from agent_gateway_core.in_memory.health import BackendHealth
from agent_gateway_core.in_memory.stores.executions import InMemoryExecutionStore
from agent_gateway_core.ports.persistence.instances import InstanceStore, Takeover, check_takeover

_UNFINISHED = (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING)


class InMemoryInstanceStore(InstanceStore):
    """Leases by instance id; the executions they own are those of ``executions``."""

    def __init__(
        self, executions: InMemoryExecutionStore, health: BackendHealth | None = None
    ) -> None:
        self._executions = executions
        self._health = health or BackendHealth("in-memory instance store")
        self._leases: dict[str, datetime] = {}

    async def heartbeat(self, instance_id: str, expires_at: datetime) -> None:
        await self._health.round_trip()
        self._leases[instance_id] = expires_at

    async def release(self, instance_id: str) -> None:
        await self._health.round_trip()
        self._leases.pop(instance_id, None)

    async def live(self, now: datetime) -> list[str]:
        await self._health.round_trip()
        return sorted(i for i in self._leases if self._is_live(i, now))

    async def orphans(self, now: datetime, limit: int = 100) -> list[ExecutionRecord]:
        found = await self._executions.select(
            lambda r: (
                r.status in _UNFINISHED and r.owner is not None and not self._is_live(r.owner, now)
            )
        )
        found.sort(key=lambda r: (r.created_at, r.id))
        return found[:limit]

    async def take_over(
        self, execution_id: str, takeover: Takeover, events: Sequence[NewEvent] = ()
    ) -> ExecutionRecord:
        check_takeover(takeover)

        def still_orphaned(record: ExecutionRecord) -> bool:
            return (
                record.owner == takeover.owner
                and record.status is takeover.from_status
                and not self._is_live(takeover.owner, takeover.at)
            )

        updated = await self._executions.change_if(
            execution_id, still_orphaned, _changes(takeover), events
        )
        if updated is None:
            raise InvalidTransitionError(
                f"execution {execution_id!r} is no longer {takeover.from_status.value!r} under "
                f"the dead instance {takeover.owner!r}: not taken over"
            )
        return updated

    def _is_live(self, instance_id: str, now: datetime) -> bool:
        expires_at = self._leases.get(instance_id)
        return expires_at is not None and expires_at > now


def _changes(takeover: Takeover) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": takeover.status}
    if takeover.status is not ExecutionStatus.QUEUED:
        changes["finished_at"] = takeover.at
    optional = {
        "owner": takeover.new_owner,
        "error": takeover.error,
        "stop_reason": takeover.stop_reason,
        "usage": takeover.usage,
        "raw_text": takeover.raw_text,
    }
    changes.update({name: value for name, value in optional.items() if value is not None})
    return changes
