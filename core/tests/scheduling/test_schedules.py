"""The SchedulerEngine's management methods and what a firing records, on one runtime."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.agent import AgentScope, ScheduleSpec
from agent_gateway_core.domain.execution import ExecutionKind, ExecutionStatus
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.domain.schedule import ScheduleSource
from agent_gateway_core.errors import (
    AgentDisabledError,
    ScheduleConflictError,
    ScheduleValidationError,
)
from agent_gateway_core.scheduling import SchedulerConfig
from agent_gateway_core.testing import InMemoryExecutionQueue, ScriptedLLM, ScriptedReply

from .conftest import agent, scheduler_of, settle, workspace

pytestmark = pytest.mark.unit

START = datetime(2026, 5, 4, 8, 0, 30, tzinfo=UTC)  # a Monday
DAILY = ScheduleSpec(
    name="daily",
    cron="0 9 * * *",
    message="Daily summary",
    instructions="Mention revenue first.",
    input={"region": "EU"},
)


async def test_a_workspace_schedule_is_listed_with_its_next_fire_time(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter", DAILY))))
    [view] = await scheduler.list_schedules()
    assert view.summary() == {
        "id": "reporter:daily",
        "agent_id": "reporter",
        "name": "daily",
        "cron_expr": "0 9 * * *",
        "enabled": True,
        "timezone": "UTC",
        "source": ScheduleSource.WORKSPACE,
        "next_run_at": datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        "last_run_at": None,
        "created_at": START,
        "last_execution_id": None,
        "last_status": None,
    }
    detail = await scheduler.get_schedule("reporter:daily")
    assert detail is not None
    assert (detail.message, detail.instructions, detail.input) == (
        "Daily summary",
        "Mention revenue first.",
        {"region": "EU"},
    )
    assert await scheduler.get_schedule("reporter:nothing") is None


async def test_a_firing_records_the_schedule_and_injects_its_instructions(
    cluster_at: Any,
) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter", DAILY))))
    await cluster.run_until(datetime(2026, 5, 4, 9, 0, 5, tzinfo=UTC))
    [run] = await cluster.executions("reporter:daily")
    assert (run.kind, run.message, run.input) == (
        ExecutionKind.SCHEDULE,
        "Daily summary",
        {"region": "EU"},
    )
    assert run.created_at == datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    await settle()
    assert (await cluster.persistence.executions.get(run.id)).status is ExecutionStatus.SUCCEEDED
    system = next(m.content for m in cluster.llm.requests[0].messages if m.role is Role.SYSTEM)
    assert "Mention revenue first." in system
    view = await scheduler.get_schedule("reporter:daily")
    assert view is not None
    assert (view.last_run_at, view.last_execution_id, view.last_status) == (
        run.created_at,
        run.id,
        "succeeded",
    )
    assert view.next_run_at == datetime(2026, 5, 5, 9, 0, tzinfo=UTC)


async def test_pause_stops_firing_and_resume_starts_again(cluster_at: Any) -> None:
    every_minute = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter", every_minute))))
    assert await scheduler.pause("reporter:tick") is True
    await cluster.run_for(300)
    assert await cluster.executions() == []
    view = await scheduler.get_schedule("reporter:tick")
    assert view is not None
    assert (view.enabled, view.next_run_at) == (False, None)
    assert await scheduler.resume("reporter:tick") is True
    await cluster.run_for(180)
    assert len(await cluster.executions()) == 3
    assert await scheduler.pause("reporter:nothing") is False
    assert await scheduler.resume("reporter:nothing") is False


async def test_pause_of_a_workspace_schedule_survives_a_restart(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter", DAILY)))
    await scheduler_of(first).pause("reporter:daily")
    await first.aclose()
    second = await cluster.replica(workspace(agent("reporter", DAILY)))
    view = await scheduler_of(second).get_schedule("reporter:daily")
    assert view is not None
    assert view.enabled is False
    await cluster.run_for(2 * 3600)
    assert await cluster.executions() == []


async def test_a_changed_declaration_wins_over_runtime_changes(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter", DAILY)))
    await scheduler_of(first).pause("reporter:daily")
    await first.aclose()
    edited = DAILY.model_copy(update={"cron": "0 10 * * *"})
    second = await cluster.replica(workspace(agent("reporter", edited)))
    view = await scheduler_of(second).get_schedule("reporter:daily")
    assert view is not None
    assert (view.enabled, view.cron_expr) == (True, "0 10 * * *")


async def test_a_schedule_no_longer_declared_is_removed(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter", DAILY)))
    await first.aclose()
    second = await cluster.replica(workspace(agent("reporter")))
    assert await scheduler_of(second).list_schedules() == []


async def test_a_reload_brings_the_new_declarations(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    runtime = await cluster.replica(workspace(agent("reporter")))
    runtime.reload(workspace(agent("reporter", DAILY)))
    await settle()
    assert [v.id for v in await scheduler_of(runtime).list_schedules()] == ["reporter:daily"]
    await cluster.run_until(datetime(2026, 5, 4, 9, 0, 1, tzinfo=UTC))
    assert len(await cluster.executions("reporter:daily")) == 1


async def test_update_changes_only_the_given_fields(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter", DAILY))))
    assert await scheduler.update("reporter:daily", cron_expr="30 8 * * *") is True
    view = await scheduler.get_schedule("reporter:daily")
    assert view is not None
    assert (view.cron_expr, view.message, view.timezone, view.enabled) == (
        "30 8 * * *",
        "Daily summary",
        "UTC",
        True,
    )
    assert view.next_run_at == datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
    await cluster.run_until(datetime(2026, 5, 4, 9, 30, tzinfo=UTC))
    assert await cluster.fire_times("reporter:daily") == [datetime(2026, 5, 4, 8, 30, tzinfo=UTC)]
    assert await scheduler.update("reporter:daily", timezone="Europe/Paris", message="Hi")
    view = await scheduler.get_schedule("reporter:daily")
    assert view is not None
    assert (view.cron_expr, view.message, view.timezone) == ("30 8 * * *", "Hi", "Europe/Paris")
    assert await scheduler.update("reporter:nothing", message="x") is False
    with pytest.raises(ScheduleValidationError, match="cron"):
        await scheduler.update("reporter:daily", cron_expr="61 * * * *")
    with pytest.raises(ScheduleValidationError, match="time zone"):
        await scheduler.update("reporter:daily", timezone="Mars/Olympus")


async def test_trigger_runs_now_even_when_paused(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter", DAILY))))
    await scheduler.pause("reporter:daily")
    execution_id = await scheduler.trigger("reporter:daily")
    assert execution_id is not None
    record = await cluster.persistence.executions.get(execution_id)
    assert record is not None
    assert (record.schedule_id, record.kind) == ("reporter:daily", ExecutionKind.SCHEDULE)
    assert await scheduler.trigger("reporter:nothing") is None


async def test_trigger_of_a_disabled_agents_schedule_raises(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(
        await cluster.replica(workspace(agent("reporter", DAILY, enabled=False)))
    )
    view = await scheduler.get_schedule("reporter:daily")
    assert view is not None
    assert view.next_run_at is None  # never fires while its agent is disabled
    with pytest.raises(AgentDisabledError):
        await scheduler.trigger("reporter:daily")


async def test_create_admin_schedule_and_its_errors(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter"))))
    schedule_id = await scheduler.create_admin_schedule(
        "reporter",
        "weekly-summary",
        "0 10 * * 1",
        "Generate the weekly executive summary",
        instructions="Keep it under 500 words.",
        timezone="Europe/London",
    )
    assert schedule_id == "admin:reporter:weekly-summary"
    view = await scheduler.get_schedule(schedule_id)
    assert view is not None
    assert (view.source, view.next_run_at) == (
        ScheduleSource.ADMIN,
        datetime(2026, 5, 4, 9, 0, tzinfo=UTC),  # 10:00 BST
    )
    with pytest.raises(ScheduleConflictError, match="weekly-summary"):
        await scheduler.create_admin_schedule("reporter", "weekly-summary", "0 9 * * *", "x")
    with pytest.raises(ScheduleValidationError, match="unknown agent 'ghost'"):
        await scheduler.create_admin_schedule("ghost", "n", "0 9 * * *", "x")
    with pytest.raises(ScheduleValidationError, match="cron"):
        await scheduler.create_admin_schedule("reporter", "n", "0 9 * *", "x")
    with pytest.raises(ScheduleValidationError, match="name"):
        await scheduler.create_admin_schedule("reporter", "has space", "0 9 * * *", "x")
    with pytest.raises(ScheduleValidationError, match="time zone"):
        await scheduler.create_admin_schedule("reporter", "n", "0 9 * * *", "x", timezone="X/Y")
    assert [v.id for v in await scheduler.list_schedules()] == [schedule_id]


async def test_a_disabled_admin_schedule_does_not_fire(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    scheduler = scheduler_of(await cluster.replica(workspace(agent("reporter"))))
    await scheduler.create_admin_schedule("reporter", "off", "* * * * *", "x", enabled=False)
    await cluster.run_for(180)
    assert await cluster.executions() == []


async def test_delete_admin_schedule_is_soft_and_final(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter", DAILY)))
    scheduler = scheduler_of(first)
    schedule_id = await scheduler.create_admin_schedule("reporter", "tick", "* * * * *", "tick")
    assert await scheduler.delete_admin_schedule("reporter:daily") is False  # workspace
    assert await scheduler.delete_admin_schedule(schedule_id) is True
    assert await scheduler.delete_admin_schedule(schedule_id) is False
    assert await scheduler.delete_admin_schedule("admin:reporter:nothing") is False
    assert await scheduler.get_schedule(schedule_id) is None
    stored = await cluster.persistence.schedules.get(schedule_id)
    assert stored is not None
    assert stored.deleted is True
    await cluster.run_for(180)
    assert await cluster.executions(schedule_id) == []
    await first.aclose()
    second = await cluster.replica(workspace(agent("reporter", DAILY)))
    assert [v.id for v in await scheduler_of(second).list_schedules()] == ["reporter:daily"]
    await cluster.run_for(180)
    assert await cluster.executions(schedule_id) == []
    # The name is free again.
    again = await scheduler_of(second).create_admin_schedule("reporter", "tick", "0 * * * *", "x")
    assert again == schedule_id


async def test_an_admin_schedule_survives_a_restart(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    first = await cluster.replica(workspace(agent("reporter")))
    await scheduler_of(first).create_admin_schedule("reporter", "tick", "* * * * *", "tick")
    await first.aclose()
    await cluster.replica(workspace(agent("reporter")))
    await cluster.run_for(120)
    assert len(await cluster.executions("admin:reporter:tick")) == 2


async def test_max_instances_1_skips_a_firing_while_the_last_run_is_unfinished(
    cluster_at: Any,
) -> None:
    cluster = cluster_at(START)
    cluster.llm = ScriptedLLM(default=lambda _: ScriptedReply(hang=True))  # runs never end
    every_minute = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
    await cluster.replica(workspace(agent("reporter", every_minute)))
    await cluster.run_for(185)
    assert len(await cluster.executions("reporter:tick")) == 1


async def test_max_instances_above_1_lets_runs_overlap(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    cluster.llm = ScriptedLLM(default=lambda _: ScriptedReply(hang=True))
    every_minute = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
    config = SchedulerConfig(sync_interval_seconds=3600.0, max_instances=3)
    await cluster.replica(workspace(agent("reporter", every_minute)), config)
    await cluster.run_for(185)
    assert len(await cluster.executions("reporter:tick")) == 3


async def test_a_late_occurrence_within_the_grace_fires_and_an_older_one_is_skipped(
    cluster_at: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = cluster_at(START)
    hourly = ScheduleSpec(name="hourly", cron="0 * * * *", message="x")
    await cluster.replica(workspace(agent("reporter", hourly)))
    await cluster.run_until(datetime(2026, 5, 4, 8, 59, 50, tzinfo=UTC))
    cluster.clock.advance(40)  # the loop stalls past 09:00: 30 s late, within 60 s
    await cluster.run_until(datetime(2026, 5, 4, 9, 59, 50, tzinfo=UTC))
    cluster.clock.advance(100)  # 90 s late: skipped
    await cluster.run_until(datetime(2026, 5, 4, 10, 30, tzinfo=UTC))
    assert await cluster.fire_times("reporter:hourly") == [
        datetime(2026, 5, 4, 9, 0, 30, tzinfo=UTC)
    ]
    assert "more than 60 s late" in caplog.text


async def test_coalesce_fires_once_for_several_due_occurrences(cluster_at: Any) -> None:
    every_minute = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
    for coalesce, expected in ((True, 1), (False, 3)):
        cluster = cluster_at(START)
        config = SchedulerConfig(
            sync_interval_seconds=3600.0,
            misfire_grace_seconds=300,
            coalesce=coalesce,
            max_instances=3,  # the runs fired together overlap
        )
        await cluster.replica(workspace(agent("reporter", every_minute)), config)
        await settle()
        cluster.clock.advance(200)  # 08:01, 08:02 and 08:03 become due at once
        await settle()
        assert len(await cluster.executions()) == expected, f"coalesce={coalesce}"


async def test_an_admin_schedule_fires_again_once_its_agent_is_back(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    runtime = await cluster.replica(workspace(agent("reporter")))
    await scheduler_of(runtime).create_admin_schedule("reporter", "tick", "* * * * *", "tick")
    runtime.reload(workspace(agent("reporter", enabled=False)))
    await cluster.run_for(120)
    assert await cluster.executions() == []
    runtime.reload(workspace(agent("reporter")))
    await cluster.run_for(120)
    assert len(await cluster.executions("admin:reporter:tick")) == 2


async def test_a_firing_goes_through_the_queue_and_a_worker_runs_it(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    queue = InMemoryExecutionQueue()  # on real time: its worker polls while the test waits
    runtime = await cluster.replica(workspace(agent("reporter", DAILY)), queue=queue)
    await cluster.run_until(datetime(2026, 5, 4, 9, 0, 1, tzinfo=UTC))
    [run] = await cluster.executions("reporter:daily")
    assert run.status is ExecutionStatus.QUEUED
    assert run.job_payload == {"options": {}, "instructions": "Mention revenue first."}
    runtime.start_worker(concurrency=1, receive_timeout_seconds=0.05)
    async with asyncio.timeout(5):
        while True:
            record = await cluster.persistence.executions.get(run.id)
            if record is not None and record.status is ExecutionStatus.SUCCEEDED:
                break
            await asyncio.sleep(0.01)
    system = next(m.content for m in cluster.llm.requests[0].messages if m.role is Role.SYSTEM)
    assert "Mention revenue first." in system  # carried by the job to the worker


async def test_a_personal_agents_schedule_is_listed_but_not_fired(cluster_at: Any) -> None:
    cluster = cluster_at(START)
    tick = ScheduleSpec(name="tick", cron="* * * * *", message="tick")
    scheduler = scheduler_of(
        await cluster.replica(workspace(agent("mine", tick, scope=AgentScope.PERSONAL)))
    )
    await cluster.run_for(180)
    assert await cluster.executions() == []
    view = await scheduler.get_schedule("mine:tick")
    assert view is not None
    assert (view.enabled, view.next_run_at) == (True, None)
