"""GET /v1/notifications and retrying a delivery, with a custom backend; what the workspace
may ask of the notification channels."""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.errors import WorkspaceError
from agent_gateway_core.testing import RecordingNotificationBackend

from .conftest import READER, Eventually, NewGateway, WriteFiles

pytestmark = pytest.mark.integration

NOTIFIED_AGENT = """\
    ---
    description: Reports and tells.
    notifications:
      on_complete:
        - {channel: slack, target: "#ops"}
        - {channel: slack, target: "#gone"}
    ---
    You report.
    """


@pytest.fixture
def slack() -> RecordingNotificationBackend:
    return RecordingNotificationBackend("slack", failing_targets={"#gone"})


@pytest.fixture
async def notifying(
    new_gateway: NewGateway, write_files: WriteFiles, slack: RecordingNotificationBackend
) -> Any:
    write_files({"agents/reporter/AGENT.md": NOTIFIED_AGENT})
    gw = new_gateway().use_notifications(slack)
    async with gw:
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
            timeout=30,
        ) as http:
            yield http


async def test_the_log_shows_each_delivery_with_its_outcome(
    notifying: httpx.AsyncClient, slack: RecordingNotificationBackend, eventually: Eventually
) -> None:
    invoked = await notifying.post("/v1/agents/reporter/invoke", json={"message": "Report"})
    execution_id = invoked.json()["execution_id"]

    async def settled() -> dict[str, Any] | None:
        body: dict[str, Any] = (await notifying.get("/v1/notifications")).json()
        done = all(item["status"] != "pending" for item in body["items"])
        return body if body["total"] == 2 and done else None

    body = await eventually(settled)
    items = {item["target"]: item for item in body["items"]}
    assert set(items["#ops"]) == {
        "id", "execution_id", "agent_id", "event_type", "channel", "target", "status",
        "attempts", "last_error", "created_at", "delivered_at", "next_attempt_at",
    }  # fmt: skip
    assert {k: items["#ops"][k] for k in ("execution_id", "event_type", "status", "attempts")} == {
        "execution_id": execution_id,
        "event_type": "execution.completed",
        "status": "delivered",
        "attempts": 1,
    }
    assert items["#gone"]["status"] == "failed"
    assert "rejects deliveries" in items["#gone"]["last_error"]
    assert [n.target for n in slack.sent] == ["#ops"]

    failed = (await notifying.get("/v1/notifications", params={"status": "failed"})).json()
    assert [item["target"] for item in failed["items"]] == ["#gone"]
    other = (await notifying.get("/v1/notifications", params={"channel": "webhook"})).json()
    assert (other["total"], other["limit"], other["offset"]) == (0, 50, 0)
    bad = await notifying.get("/v1/notifications", params={"status": "lost"})
    assert bad.status_code == 422


async def test_a_failed_delivery_is_retried_on_request(
    notifying: httpx.AsyncClient, slack: RecordingNotificationBackend, eventually: Eventually
) -> None:
    await notifying.post("/v1/agents/reporter/invoke", json={"message": "Report"})

    async def failed() -> str | None:
        body = (await notifying.get("/v1/notifications", params={"status": "failed"})).json()
        return str(body["items"][0]["id"]) if body["items"] else None

    delivery_id = await eventually(failed)
    slack.failing_targets.clear()  # the channel exists now
    retried = await notifying.post(f"/v1/notifications/{delivery_id}/retry")
    assert retried.status_code == 202, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)

    async def delivered() -> bool:
        body = (await notifying.get("/v1/notifications", params={"status": "delivered"})).json()
        return bool(body["total"] == 2)

    await eventually(delivered)
    assert sorted(n.target for n in slack.sent) == ["#gone", "#ops"]
    again = await notifying.post(f"/v1/notifications/{delivery_id}/retry")
    assert again.status_code == 409
    missing = await notifying.post("/v1/notifications/nothing/retry")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "notification_not_found")
    reader = await notifying.post(f"/v1/notifications/{delivery_id}/retry", headers=READER)
    assert reader.status_code == 403
    assert (await notifying.get("/v1/notifications", headers=READER)).status_code == 200


async def test_an_unknown_webhook_name_is_a_workspace_error_naming_the_file(
    new_gateway: NewGateway, write_files: WriteFiles
) -> None:
    write_files(
        {
            "agents/reporter/AGENT.md": textwrap.dedent(
                """\
                ---
                description: Tells a CRM.
                notifications:
                  on_error: [{channel: webhook, target: crm}]
                ---
                You report.
                """
            )
        }
    )
    gw: Gateway = new_gateway().use_notifications(RecordingNotificationBackend("webhook"))
    with pytest.raises(WorkspaceError) as raised:
        await gw.startup()
    assert "agents/reporter/AGENT.md" in str(raised.value)
    assert "unknown webhook 'crm'" in str(raised.value)


async def test_an_inline_webhook_url_needs_no_name(
    new_gateway: NewGateway, write_files: WriteFiles
) -> None:
    write_files(
        {
            "agents/reporter/AGENT.md": textwrap.dedent(
                """\
                ---
                description: Tells a CRM.
                notifications:
                  on_error: [{channel: webhook, url: "https://crm.example/hooks"}]
                ---
                You report.
                """
            )
        }
    )
    async with new_gateway().use_notifications(RecordingNotificationBackend("webhook")) as gw:
        assert gw.started


async def test_a_channel_without_a_backend_is_logged_failed_saying_so(
    new_gateway: NewGateway, write_files: WriteFiles, eventually: Eventually
) -> None:
    write_files({"agents/reporter/AGENT.md": NOTIFIED_AGENT})  # slack, and no backend at all
    async with new_gateway() as gw:
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway",
            headers={"Authorization": "Bearer sk-alice"},
        ) as http:
            await http.post("/v1/agents/reporter/invoke", json={"message": "Report"})

            async def failed() -> list[Any] | None:
                body = (await http.get("/v1/notifications", params={"status": "failed"})).json()
                return body["items"] if body["total"] == 2 else None

            items = await eventually(failed)
    assert {item["last_error"] for item in items} == {
        "no 'slack' notification backend (configured: none)"
    }
