"""The scheduler's settings as the core takes them, and where replicas claim occurrences."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from agent_gateway.composition.extras import import_adapter
from agent_gateway.reference_sections import SchedulerSettings
from agent_gateway.settings import QueueSettings
from agent_gateway_core.ports.schedule_lock import ScheduleLock
from agent_gateway_core.scheduling import SchedulerConfig

logger = logging.getLogger("agent_gateway.scheduler")


def scheduler_config(settings: SchedulerSettings) -> SchedulerConfig:
    return SchedulerConfig(
        misfire_grace_seconds=settings.misfire_grace_seconds,
        coalesce=settings.coalesce,
        max_instances=settings.max_instances,
        claim_ttl_seconds=settings.distributed_lock.lock_ttl_seconds,
        sync_interval_seconds=settings.sync_interval_seconds,
    )


def claims_redis_url(scheduler: SchedulerSettings, queue: QueueSettings) -> str | None:
    """The Redis that holds the claims, or ``None`` for the database (or none at all).

    ``backend: redis`` takes ``distributed_lock.redis_url``, else the queue's Redis URL
    (``queue.url`` when the queue is on Redis, else ``queue.redis_url``);
    ``auto`` with ``enabled: true`` takes the lock's URL if given, else the queue's when the
    queue is on Redis.
    """
    lock = scheduler.distributed_lock
    queue_url = queue.url if queue.backend == "redis" and queue.url else queue.redis_url
    if lock.backend == "redis":
        return lock.redis_url or queue_url
    if lock.backend == "auto" and lock.enabled:
        if lock.redis_url:
            return lock.redis_url
        if queue.backend == "redis":
            return queue_url
    return None


async def open_schedule_lock(
    scheduler: Mapping[str, Any], queue: Mapping[str, Any]
) -> AsyncIterator[ScheduleLock | None]:
    """A Redis lock when the settings put the claims on Redis, closed at shutdown; ``None``
    when they are in the database (the store's ``schedule_locks``) or off."""
    settings = SchedulerSettings.model_validate(scheduler)
    url = claims_redis_url(settings, QueueSettings.model_validate(queue))
    if url is None:
        yield None
        return
    module = import_adapter(
        "agent_gateway_redis", feature="schedule claims on Redis", extra="redis"
    )
    lock = module.RedisScheduleLock(url=url, key_prefix=settings.distributed_lock.key_prefix)
    try:
        yield lock
    finally:
        await lock.aclose()


def claims_described(settings: SchedulerSettings, lock: ScheduleLock | None) -> str:
    if settings.distributed_lock.backend == "none":
        return "no claims: every replica fires every occurrence (distributed_lock.backend: none)"
    return "claims on Redis" if lock is not None else "claims in the database"
