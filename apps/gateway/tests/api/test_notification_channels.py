"""Notifications through the real adapters from gateway.yaml: Slack (slack-sdk against a
Slack-compatible server on 127.0.0.1) and signed webhooks (a receiver that verifies each
signature with the Standard Webhooks reference verifier), retried until delivered or failed."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_testing.fake_slack import FakeSlackServer
from agent_gateway_testing.webhook_receiver import WebhookReceiver

from .conftest import ALICE, Eventually, NewGateway, WriteFiles

pytestmark = pytest.mark.integration

SECRET = "whsec_" + "c2VjcmV0LWZvci10ZXN0cy0xMjM0NTY3ODkwMTIz"  # base64 of a test key

AGENT = """\
    ---
    description: Reports and tells.
    notifications:
      on_complete:
        - {channel: slack, target: "#general"}
        - {channel: webhook, target: crm}
    ---
    You report.
    """


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(token="xoxb-test") as server:
        yield server


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    hook = WebhookReceiver(secret=SECRET)
    await hook.start()
    yield hook
    await hook.stop()


@pytest.fixture
def configure(
    workspace: Path, write_files: WriteFiles, slack: FakeSlackServer, receiver: WebhookReceiver
) -> Callable[..., None]:
    """Append the notifications section to gateway.yaml, with ``extra`` keys."""

    def write(**extra: Any) -> None:
        write_files({"agents/reporter/AGENT.md": AGENT})
        settings = {
            "max_attempts": 3,
            "retry_base_seconds": 0.05,
            "allow_private_targets": True,  # the receiver is on 127.0.0.1
            **extra,
        }
        lines = "".join(f"  {key}: {value}\n" for key, value in settings.items())
        yaml = (workspace / "gateway.yaml").read_text()
        (workspace / "gateway.yaml").write_text(
            yaml
            + "notifications:\n"
            + lines
            + textwrap.indent(
                "slack:\n"
                "  enabled: true\n"
                "  bot_token: xoxb-test\n"
                f"  base_url: {slack.base_url}\n"
                f"webhook_secret: {SECRET}\n"
                "webhooks:\n"
                f"  - {{name: crm, url: '{receiver.url}'}}\n",
                "  ",
            )
        )

    return write


async def invoke_and_settle(gw: Gateway, eventually: Eventually) -> list[Any]:
    """Invoke the reporter once; its two deliveries, once neither is pending."""
    transport = httpx.ASGITransport(app=gw)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway", headers=ALICE, timeout=30
    ) as http:
        response = await http.post("/v1/agents/reporter/invoke", json={"message": "Report"})
        assert response.status_code == 200, response.text

        async def done() -> list[Any] | None:
            items: list[Any] = (await http.get("/v1/notifications")).json()["items"]
            finished = all(item["status"] != "pending" for item in items)
            return items if len(items) == 2 and finished else None

        found: list[Any] = await eventually(done)
    return found


async def test_slack_and_a_signed_webhook_are_delivered(
    configure: Callable[..., None],
    new_gateway: NewGateway,
    slack: FakeSlackServer,
    receiver: WebhookReceiver,
    eventually: Eventually,
) -> None:
    configure()
    async with new_gateway() as gw:
        items = await invoke_and_settle(gw, eventually)
    assert {(i["channel"], i["status"], i["attempts"]) for i in items} == {
        ("slack", "delivered", 1),
        ("webhook", "delivered", 1),
    }
    [message] = slack.messages
    assert message.channel == "#general"
    assert "reporter" in (message.text or "")
    [request] = receiver.requests
    assert request.verified is True  # the Standard Webhooks reference verifier accepted it
    body = request.json
    assert (body["event"], body["agent_id"], body["status"]) == (
        "execution.completed",
        "reporter",
        "succeeded",
    )
    webhook_item = next(i for i in items if i["channel"] == "webhook")
    assert request.headers["webhook-id"] == webhook_item["id"]


async def test_a_receiver_down_for_the_first_attempts_gets_it_later(
    configure: Callable[..., None],
    new_gateway: NewGateway,
    receiver: WebhookReceiver,
    eventually: Eventually,
) -> None:
    configure()
    receiver.answer(503, times=2)
    async with new_gateway() as gw:
        items = await invoke_and_settle(gw, eventually)
    hook = next(i for i in items if i["channel"] == "webhook")
    assert (hook["status"], hook["attempts"], hook["last_error"]) == ("delivered", 3, None)
    assert [r.verified for r in receiver.requests] == [True, True, True]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one delivery


async def test_a_receiver_down_for_good_ends_failed(
    configure: Callable[..., None],
    new_gateway: NewGateway,
    slack: FakeSlackServer,
    receiver: WebhookReceiver,
    eventually: Eventually,
) -> None:
    configure()
    receiver.answer(500, times=10)
    slack.fail_next("channel_not_found")
    async with new_gateway() as gw:
        items = await invoke_and_settle(gw, eventually)
    by_channel = {i["channel"]: i for i in items}
    assert (by_channel["webhook"]["status"], by_channel["webhook"]["attempts"]) == ("failed", 3)
    assert "500" in by_channel["webhook"]["last_error"]
    assert len(receiver.requests) == 3
    assert (by_channel["slack"]["status"], by_channel["slack"]["attempts"]) == ("failed", 1)
    assert "channel_not_found" in by_channel["slack"]["last_error"]


async def test_without_the_opt_in_a_private_target_is_refused_and_logged(
    configure: Callable[..., None],
    new_gateway: NewGateway,
    receiver: WebhookReceiver,
    eventually: Eventually,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(allow_private_targets="false")
    async with new_gateway() as gw:
        assert "webhook 'crm'" in caplog.text  # said at startup
        items = await invoke_and_settle(gw, eventually)
    hook = next(i for i in items if i["channel"] == "webhook")
    assert (hook["status"], hook["attempts"]) == ("failed", 1)
    assert "127.0.0.1" in hook["last_error"]
    assert "allow_private_targets" in hook["last_error"]
    assert receiver.requests == []


async def test_slack_rate_limiting_is_waited_out_then_delivered(
    configure: Callable[..., None],
    new_gateway: NewGateway,
    slack: FakeSlackServer,
    eventually: Eventually,
) -> None:
    configure()
    slack.rate_limit_next(1, retry_after=1)
    async with new_gateway() as gw:
        items = await invoke_and_settle(gw, eventually)
    hook = next(i for i in items if i["channel"] == "slack")
    assert (hook["status"], hook["attempts"]) == ("delivered", 2)
    assert [request.ok for request in slack.requests] == [False, True]
    created, delivered = (datetime.fromisoformat(hook[k]) for k in ("created_at", "delivered_at"))
    assert (delivered - created).total_seconds() >= 1.0  # Slack's Retry-After was honoured
