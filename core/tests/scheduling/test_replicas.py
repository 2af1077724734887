"""Replicas sharing one store: each occurrence fires once, changes reach every replica."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.agent import ScheduleSpec
from agent_gateway_core.scheduling import SchedulerConfig

from .conftest import agent, scheduler_of, workspace

pytestmark = pytest.mark.unit

START = datetime(2026, 5, 4, 8, 0, 30, tzinfo=UTC)
TICK = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
FIVE_SECONDS = SchedulerConfig(sync_interval_seconds=5.0)


async def test_three_replicas_fire_each_occurrence_once(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    for _ in range(3):
        await cluster.replica(workspace(agent("reporter", TICK)))
    await cluster.run_for(180)
    assert await cluster.fire_times("reporter:tick") == [
        datetime(2026, 5, 4, 8, minute, tzinfo=UTC) for minute in (1, 2, 3)
    ]
    owners = {r.owner for r in await cluster.executions()}
    assert owners <= {runtime.instance_id for runtime in cluster.runtimes}


async def test_when_a_replica_stops_the_others_keep_firing_once(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    replicas = [await cluster.replica(workspace(agent("reporter", TICK))) for _ in range(3)]
    await cluster.run_for(90)
    await replicas[0].aclose()
    await cluster.run_for(120)
    assert await cluster.fire_times("reporter:tick") == [
        datetime(2026, 5, 4, 8, minute, tzinfo=UTC) for minute in (1, 2, 3, 4)
    ]


async def test_without_claims_every_replica_fires(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    config = SchedulerConfig(sync_interval_seconds=3600.0)
    for _ in range(2):
        await cluster.replica(workspace(agent("reporter", TICK)), config, exclusive=False)
    await cluster.run_for(60)
    assert len(await cluster.executions("reporter:tick")) == 2


async def test_an_admin_schedule_made_on_one_replica_fires_from_the_others(
    cluster_at: Any,
) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter")), FIVE_SECONDS)
    second = await cluster.replica(workspace(agent("reporter")), FIVE_SECONDS)
    await scheduler_of(first).create_admin_schedule("reporter", "tick", "* * * * *", "tick")
    await first.aclose()  # only the other replica is left to fire it
    await cluster.run_for(120)
    assert len(await cluster.executions("admin:reporter:tick")) == 2
    assert [v.id for v in await scheduler_of(second).list_schedules()] == ["admin:reporter:tick"]


@pytest.mark.parametrize("change", ["pause", "delete", "update"])
async def test_a_change_on_one_replica_reaches_the_others_within_the_sync_interval(
    cluster_at: Any, change: str
) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter")), FIVE_SECONDS)
    await scheduler_of(first).create_admin_schedule("reporter", "tick", "* * * * *", "tick")
    await cluster.replica(workspace(agent("reporter")), FIVE_SECONDS)
    await cluster.run_until(datetime(2026, 5, 4, 8, 1, 50, tzinfo=UTC))
    assert len(await cluster.executions()) == 1
    scheduler = scheduler_of(first)
    await first.aclose()  # its own view changes at once; the point is the other one
    if change == "pause":
        assert await scheduler.pause("admin:reporter:tick")
    elif change == "delete":
        assert await scheduler.delete_admin_schedule("admin:reporter:tick")
    else:
        assert await scheduler.update("admin:reporter:tick", cron_expr="0 9 * * *")
    await cluster.run_for(5.0 + 1)  # the other replica looked at the store since
    await cluster.run_until(datetime(2026, 5, 4, 8, 10, tzinfo=UTC))
    assert len(await cluster.executions()) == 1


async def test_a_store_outage_delays_firings_within_the_grace_period(
    cluster_at: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = cluster_at(START)
    other = ScheduleSpec(name="other", cron="* * * * *", message="other")
    await cluster.replica(workspace(agent("reporter", TICK, other)))
    await cluster.run_until(datetime(2026, 5, 4, 8, 0, 59, tzinfo=UTC))
    cluster.persistence.available = False
    await cluster.run_for(10)
    cluster.persistence.available = True
    await cluster.run_for(10)
    for schedule_id in ("reporter:tick", "reporter:other"):  # both retried, once each
        [fired] = await cluster.fire_times(schedule_id)
        assert (
            datetime(2026, 5, 4, 8, 1, 9, tzinfo=UTC)
            <= fired
            <= datetime(2026, 5, 4, 8, 1, 11, tzinfo=UTC)
        )
    assert "unavailable (simulated outage); retrying" in caplog.text


async def test_an_outage_longer_than_the_grace_period_skips_the_occurrence(
    cluster_at: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = cluster_at(START)
    # Without coalescing, so 08:01 is not merged into 08:02 once both are due.
    config = SchedulerConfig(sync_interval_seconds=3600.0, coalesce=False)
    await cluster.replica(workspace(agent("reporter", TICK)), config)
    await cluster.run_until(datetime(2026, 5, 4, 8, 0, 59, tzinfo=UTC))
    cluster.persistence.available = False
    await cluster.run_for(75)  # back at 08:02:14: 08:01 is 74 s late, 08:02 only 14 s
    cluster.persistence.available = True
    await cluster.run_for(50)
    assert await cluster.fire_times("reporter:tick") == [
        datetime(2026, 5, 4, 8, 2, 15, tzinfo=UTC),  # at the first retry after the outage
        datetime(2026, 5, 4, 8, 3, tzinfo=UTC),
    ]
    assert "occurrences from 2026-05-04T08:01:00+00:00 were more than 60 s late" in caplog.text
