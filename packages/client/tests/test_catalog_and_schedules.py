"""``tools``, ``skills`` and ``schedules`` against the real gateway."""

from __future__ import annotations

import uuid

import pytest

from agent_gateway_client import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    ScheduleDetail,
    SkillDetail,
    ToolDetail,
    ValidationError,
)

from ._flavours import Both

pytestmark = pytest.mark.integration


async def test_tools_are_listed_and_described(client: Both) -> None:
    tools = await client.tools.list()
    tool = await client.tools.get("stock-level")

    assert "stock-level" in [t.name for t in tools]
    assert isinstance(tool, ToolDetail)
    assert tool.parameters["properties"]["sku"]["type"] == "string"
    with pytest.raises(NotFoundError) as caught:
        await client.tools.get("no-such-tool")
    assert caught.value.code == "tool_not_found"


async def test_skills_are_listed_and_described(client: Both) -> None:
    skills = await client.skills.list()
    skill = await client.skills.get("lookup")

    assert "lookup" in [s.id for s in skills]
    assert isinstance(skill, SkillDetail)
    assert skill.tools == ["stock-level"]
    assert "stock-level" in skill.instructions
    with pytest.raises(NotFoundError):
        await client.skills.get("no-such-skill")


async def test_a_schedule_is_created_changed_run_and_deleted(client: Both) -> None:
    name = f"nightly-{uuid.uuid4().hex[:8]}"

    created = await client.schedules.create(
        "assistant", name, "0 2 * * *", "Nightly report", timezone="Europe/London"
    )
    schedule_id = created.schedule_id
    listed = await client.schedules.list()
    detail = await client.schedules.get(schedule_id)
    updated = await client.schedules.update(schedule_id, cron_expr="30 3 * * *", message="Later")
    paused = await client.schedules.pause(schedule_id)
    resumed = await client.schedules.resume(schedule_id)
    triggered = await client.schedules.trigger(schedule_id)
    run = await client.executions.wait(triggered.execution_id, timeout=20, poll_interval=0.05)
    deleted = await client.schedules.delete(schedule_id)

    assert created.status == "created"
    assert schedule_id == f"admin:assistant:{name}"
    assert schedule_id in [s.id for s in listed]
    assert "assistant:daily" in [s.id for s in listed]
    assert isinstance(detail, ScheduleDetail)
    assert (detail.cron_expr, detail.message, detail.timezone) == (
        "0 2 * * *",
        "Nightly report",
        "Europe/London",
    )
    assert (updated.cron_expr, updated.message) == ("30 3 * * *", "Later")
    assert (paused.status, resumed.status, deleted.status) == ("paused", "resumed", "deleted")
    assert run.raw_text == "echo: Later"
    with pytest.raises(NotFoundError):
        await client.schedules.get(schedule_id)


async def test_schedule_errors_map_to_their_classes(client: Both) -> None:
    name = f"dup-{uuid.uuid4().hex[:8]}"
    await client.schedules.create("assistant", name, "0 2 * * *", "x")

    with pytest.raises(ConflictError):
        await client.schedules.create("assistant", name, "0 2 * * *", "x")
    with pytest.raises(ValidationError) as invalid:
        await client.schedules.create("assistant", f"{name}-bad", "not a cron", "x")
    with pytest.raises(BadRequestError) as workspace_schedule:
        await client.schedules.delete("assistant:daily")

    assert invalid.value.status_code == 422
    assert workspace_schedule.value.code == "cannot_delete_workspace_schedule"
    await client.schedules.delete(f"admin:assistant:{name}")
