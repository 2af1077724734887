"""Keep the store's workspace schedules in line with what the AGENT.md files declare."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.schedule import ScheduleSource
from agent_gateway_core.ports.persistence.schedules import ScheduleStore
from agent_gateway_core.scheduling.records import workspace_records

logger = logging.getLogger("agent_gateway.scheduler")


async def sync_workspace_schedules(
    store: ScheduleStore,
    agents: Iterable[AgentDefinition],
    *,
    default_timezone: str,
    now: datetime,
) -> None:
    """A declaration new to the store, or changed since it was stored (its hash differs),
    is saved, replacing what a pause or an update changed; an unchanged one is left as it
    stands, so those changes survive restarts. A stored workspace schedule that no file
    declares any more is deleted. Replicas starting together write the same records."""
    declared = workspace_records(agents, default_timezone=default_timezone, now=now)
    stored = {
        record.id: record
        for record in await store.list_all(include_deleted=True)
        if record.source is ScheduleSource.WORKSPACE
    }
    for schedule_id, record in declared.items():
        known = stored.get(schedule_id)
        if known is None or known.deleted or known.spec_hash != record.spec_hash:
            await store.save(record)
    for schedule_id, known in stored.items():
        if schedule_id not in declared and not known.deleted:
            logger.info("schedule %s is no longer declared in AGENT.md: removed", schedule_id)
            await store.soft_delete(schedule_id)
