"""The schedule routes and the Gateway's schedule methods, on a started gateway."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.errors import ScheduleConflictError, ScheduleValidationError
from agent_gateway_core.testing import ScriptedLLM

from .conftest import READER, NewGateway, WaitForStatus

pytestmark = pytest.mark.integration

WEEKLY = {
    "agent_id": "assistant",
    "name": "weekly-summary",
    "cron_expr": "0 10 * * 1",
    "message": "Generate the weekly executive summary",
    "instructions": "Keep it under 500 words.",
    "input": {"region": "EU"},
    "timezone": "Europe/London",
}


async def test_the_workspace_schedule_is_listed(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/schedules")
    assert response.status_code == 200, response.text
    [daily] = response.json()
    assert set(daily) == {
        "id", "agent_id", "name", "cron_expr", "enabled", "timezone", "source", "next_run_at",
        "last_run_at", "created_at", "last_execution_id", "last_status",
    }  # fmt: skip
    assert {k: daily[k] for k in ("id", "agent_id", "cron_expr", "enabled", "source")} == {
        "id": "assistant:daily",
        "agent_id": "assistant",
        "cron_expr": "0 9 * * *",
        "enabled": True,
        "source": "workspace",
    }
    assert daily["next_run_at"].endswith("09:00:00Z") or "T09:00:00" in daily["next_run_at"]


async def test_create_read_and_delete_an_admin_schedule(client: httpx.AsyncClient) -> None:
    created = await client.post("/v1/schedules", json=WEEKLY)
    assert created.status_code == 201, created.text
    assert created.json() == {"status": "created", "schedule_id": "admin:assistant:weekly-summary"}
    assert created.headers["Location"] == "/v1/schedules/admin:assistant:weekly-summary"

    detail = (await client.get("/v1/schedules/admin:assistant:weekly-summary")).json()
    assert {k: detail[k] for k in ("source", "message", "instructions", "input", "timezone")} == {
        "source": "admin",
        "message": WEEKLY["message"],
        "instructions": WEEKLY["instructions"],
        "input": {"region": "EU"},
        "timezone": "Europe/London",
    }
    ids = [s["id"] for s in (await client.get("/v1/schedules")).json()]
    assert ids == ["admin:assistant:weekly-summary", "assistant:daily"]

    deleted = await client.delete("/v1/schedules/admin:assistant:weekly-summary")
    assert deleted.json() == {"status": "deleted", "schedule_id": "admin:assistant:weekly-summary"}
    gone = await client.get("/v1/schedules/admin:assistant:weekly-summary")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "schedule_not_found"
    again = await client.delete("/v1/schedules/admin:assistant:weekly-summary")
    assert again.status_code == 404


async def test_create_refuses_a_duplicate_a_bad_cron_an_unknown_agent_and_typos(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/v1/schedules", json=WEEKLY)).status_code == 201
    duplicate = await client.post("/v1/schedules", json=WEEKLY)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "schedule_conflict"

    cases = [
        ({**WEEKLY, "name": "b", "cron_expr": "0 25 * * *"}, "schedule_validation_error", "hour"),
        ({**WEEKLY, "name": "c", "agent_id": "ghost"}, "schedule_validation_error", "ghost"),
        ({**WEEKLY, "name": "d", "timezone": "Mars/Base"}, "schedule_validation_error", "zone"),
        ({**WEEKLY, "name": "has space"}, "request_validation_error", "name"),
        ({**WEEKLY, "name": "e", "cronexpr": "x"}, "request_validation_error", "cronexpr"),
    ]
    for body, code, mentioned in cases:
        response = await client.post("/v1/schedules", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == code
        assert mentioned in response.text


async def test_a_workspace_schedule_cannot_be_deleted(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/schedules/assistant:daily")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cannot_delete_workspace_schedule"
    assert (await client.get("/v1/schedules/assistant:daily")).status_code == 200


async def test_pause_resume_and_update(client: httpx.AsyncClient) -> None:
    paused = await client.post("/v1/schedules/assistant:daily/pause")
    assert paused.json() == {"status": "paused", "schedule_id": "assistant:daily"}
    detail = (await client.get("/v1/schedules/assistant:daily")).json()
    assert (detail["enabled"], detail["next_run_at"]) == (False, None)
    resumed = await client.post("/v1/schedules/assistant:daily/resume")
    assert resumed.json() == {"status": "resumed", "schedule_id": "assistant:daily"}

    updated = await client.patch(
        "/v1/schedules/assistant:daily",
        json={"cron_expr": "30 7 * * 1-5", "timezone": "Asia/Tokyo"},
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["cron_expr"], body["timezone"], body["message"], body["enabled"]) == (
        "30 7 * * 1-5",
        "Asia/Tokyo",
        "Good morning",
        True,
    )
    bad = await client.patch("/v1/schedules/assistant:daily", json={"cron_expr": "* * * *  x"})
    assert bad.status_code == 422
    for action in ("pause", "resume", "trigger"):
        missing = await client.post(f"/v1/schedules/assistant:nothing/{action}")
        assert missing.status_code == 404, action
        assert missing.json()["error"]["code"] == "schedule_not_found"
    assert (await client.patch("/v1/schedules/x:y", json={"message": "m"})).status_code == 404


async def test_trigger_runs_the_schedule_with_its_instructions(
    client: httpx.AsyncClient, model: ScriptedLLM, wait_for_status: WaitForStatus
) -> None:
    await client.post("/v1/schedules", json={**WEEKLY, "enabled": False})
    response = await client.post("/v1/schedules/admin:assistant:weekly-summary/trigger")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "triggered"
    assert response.headers["Location"] == f"/v1/executions/{body['execution_id']}"
    record = await wait_for_status(body["execution_id"], "succeeded")
    assert (record["schedule_id"], record["message"]) == (
        "admin:assistant:weekly-summary",
        WEEKLY["message"],
    )
    system = next(m.content for m in model.requests[-1].messages if m.role is Role.SYSTEM)
    assert "Keep it under 500 words." in system
    detail = (await client.get("/v1/schedules/admin:assistant:weekly-summary")).json()
    assert (detail["last_execution_id"], detail["last_status"]) == (
        body["execution_id"],
        "succeeded",
    )
    assert detail["last_run_at"] is not None


async def test_a_reader_may_list_but_not_change(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/schedules", headers=READER)).status_code == 200
    response = await client.post("/v1/schedules", json=WEEKLY, headers=READER)
    assert response.status_code == 403


async def test_the_gateway_methods(gateway: Gateway) -> None:
    schedule_id = await gateway.create_admin_schedule(
        agent_id="assistant",
        name="weekly-summary",
        cron_expr="0 10 * * 1",
        message="Generate the weekly executive summary",
        instructions="Focus on revenue trends.",
        timezone="Europe/London",
    )
    assert schedule_id == "admin:assistant:weekly-summary"
    with pytest.raises(ScheduleConflictError):
        await gateway.create_admin_schedule("assistant", "weekly-summary", "0 9 * * *", "x")
    with pytest.raises(ScheduleValidationError):
        await gateway.create_admin_schedule("ghost", "n", "0 9 * * *", "x")
    listed = await gateway.list_schedules()
    assert [s["id"] for s in listed] == [schedule_id, "assistant:daily"]
    detail = await gateway.get_schedule(schedule_id)
    assert detail is not None
    assert detail["instructions"] == "Focus on revenue trends."
    assert await gateway.get_schedule("nope") is None
    assert await gateway.pause_schedule(schedule_id) is True
    assert await gateway.resume_schedule(schedule_id) is True
    assert await gateway.update_schedule(schedule_id, message="New text") is True
    assert (await gateway.get_schedule(schedule_id) or {})["message"] == "New text"
    assert await gateway.update_schedule(schedule_id, instructions="Be terse.") is True
    updated = await gateway.get_schedule(schedule_id) or {}
    assert (updated["message"], updated["instructions"]) == ("New text", "Be terse.")
    assert await gateway.update_schedule("nope", message="x") is False
    execution_id = await gateway.trigger_schedule(schedule_id)
    assert isinstance(execution_id, str)
    assert await gateway.trigger_schedule("nope") is None
    assert await gateway.delete_admin_schedule("assistant:daily") is False
    assert await gateway.delete_admin_schedule(schedule_id) is True
    assert await gateway.delete_admin_schedule(schedule_id) is False


async def test_without_a_scheduler_everything_is_empty(
    new_gateway: NewGateway, workspace: Path
) -> None:
    yaml = (workspace / "gateway.yaml").read_text()
    (workspace / "gateway.yaml").write_text(yaml + "scheduler:\n  enabled: false\n")
    gw = new_gateway()
    for before_start in (True, False):
        if not before_start:
            await gw.startup()
        assert gw.scheduler is None
        assert await gw.list_schedules() == []
        assert await gw.get_schedule("assistant:daily") is None
        assert await gw.pause_schedule("assistant:daily") is False
        assert await gw.resume_schedule("assistant:daily") is False
        assert await gw.trigger_schedule("assistant:daily") is None
        assert await gw.update_schedule("assistant:daily", message="x") is False
        assert await gw.create_admin_schedule("assistant", "n", "0 9 * * *", "x") is None
        assert await gw.delete_admin_schedule("admin:assistant:n") is False
    try:
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
        ) as http:
            assert (await http.get("/v1/schedules")).json() == []
            for method, path, body in [
                ("GET", "/v1/schedules/assistant:daily", None),
                ("POST", "/v1/schedules", WEEKLY),
                ("POST", "/v1/schedules/assistant:daily/trigger", None),
            ]:
                response = await http.request(method, path, json=body)
                assert response.status_code == 404, path
                assert response.json()["error"]["code"] == "scheduler_not_active"
    finally:
        await gw.shutdown()


async def test_schedules_survive_a_restart_on_sqlite_and_deleted_ones_stay_deleted(
    new_gateway: NewGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__BACKEND", "sqlite")
    monkeypatch.setenv("AGENT_GATEWAY_PERSISTENCE__URL", f"sqlite+aiosqlite:///{tmp_path}/gw.db")
    async with new_gateway() as first:
        kept = await first.create_admin_schedule("assistant", "kept", "0 9 * * *", "Kept")
        dropped = await first.create_admin_schedule("assistant", "dropped", "0 9 * * *", "Gone")
        assert await first.delete_admin_schedule(str(dropped)) is True
        assert await first.pause_schedule("assistant:daily") is True
    async with new_gateway() as second:
        listed = {s["id"]: s for s in await second.list_schedules()}
        assert set(listed) == {str(kept), "assistant:daily"}
        assert listed["assistant:daily"]["enabled"] is False  # the pause outlived the restart
        assert await second.get_schedule(str(dropped)) is None
