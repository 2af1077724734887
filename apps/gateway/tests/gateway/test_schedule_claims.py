"""Where replicas claim cron occurrences, as gateway.yaml chooses it; and that a started
gateway holds the Redis lock it chose (against the real Redis)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway.composition.scheduler import claims_redis_url, scheduler_config
from agent_gateway.reference_sections import SchedulerSettings
from agent_gateway.settings import QueueSettings
from agent_gateway_core.scheduling import SchedulerConfig

pytestmark = pytest.mark.unit


def url(lock: dict[str, object], queue: dict[str, object] | None = None) -> str | None:
    return claims_redis_url(
        SchedulerSettings.model_validate({"distributed_lock": lock}),
        QueueSettings.model_validate(queue or {}),
    )


def test_the_database_holds_the_claims_unless_redis_is_asked_for() -> None:
    assert url({}) is None  # the default: enabled false
    assert url({"enabled": True}) is None  # auto without a Redis queue or URL
    assert url({"backend": "postgres", "enabled": True}) is None
    assert url({"backend": "none"}) is None


def test_redis_takes_the_locks_url_else_the_queues() -> None:
    assert url({"backend": "redis", "redis_url": "redis://locks:6379/1"}) == "redis://locks:6379/1"
    redis_queue = {"backend": "redis", "url": "redis://queue:6379/2"}
    assert url({"backend": "redis"}, redis_queue) == "redis://queue:6379/2"
    assert url({"enabled": True}, redis_queue) == "redis://queue:6379/2"  # auto
    assert url({"enabled": False}, redis_queue) is None  # auto needs enabled: true
    # A RabbitMQ queue's url is not a Redis URL: queue.redis_url is the fallback.
    rabbit = {"backend": "rabbitmq", "url": "amqp://rabbit/", "redis_url": "redis://r:6379/3"}
    assert url({"backend": "redis"}, rabbit) == "redis://r:6379/3"


def test_unknown_backends_and_bad_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="backend"):
        SchedulerSettings.model_validate({"distributed_lock": {"backend": "zookeeper"}})
    with pytest.raises(ValueError, match="max_instances"):
        SchedulerSettings.model_validate({"max_instances": 0})


def test_the_core_config_follows_the_settings() -> None:
    settings = SchedulerSettings.model_validate(
        {
            "misfire_grace_seconds": 30,
            "coalesce": False,
            "max_instances": 2,
            "sync_interval_seconds": 2,
            "distributed_lock": {"lock_ttl_seconds": 600},
        }
    )
    assert scheduler_config(settings) == SchedulerConfig(
        misfire_grace_seconds=30,
        coalesce=False,
        max_instances=2,
        claim_ttl_seconds=600,
        sync_interval_seconds=2,
    )


@pytest.mark.integration
async def test_a_gateway_with_redis_claims_opens_and_closes_the_lock(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "agents" / "a").mkdir(parents=True)
    (workspace / "agents" / "a" / "AGENT.md").write_text("---\ndescription: A.\n---\nHi.\n")
    (workspace / "gateway.yaml").write_text(
        "persistence: {backend: memory}\n"
        "scheduler:\n  distributed_lock:\n    backend: redis\n"
        "    redis_url: redis://127.0.0.1:6379/13\n    key_prefix: 'claims-test:'\n"
    )
    gw = Gateway(workspace=workspace, auth=False)
    async with gw:
        lock = await gw.container.schedule_lock()
        assert type(lock).__name__ == "RedisScheduleLock"
        lease = await lock.acquire("probe", 5)
        assert lease is not None
        assert await lock.release(lease) is True
