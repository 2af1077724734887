"""What reaches a receiver: signatures, ids, payloads, templates, filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent_gateway_core.domain.notification import NotificationEvent
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_testing.webhook_receiver import WebhookReceiver
from agent_gateway_webhooks import WebhookEndpoint

from .conftest import SECRET, MakeBackend, make_notification

pytestmark = pytest.mark.integration


async def test_a_whsec_secret_signs_per_standard_webhooks(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    await backend.send(make_notification())
    [received] = receiver.requests
    assert received.verified is True
    assert received.headers["webhook-signature"].startswith("v1,")
    assert received.headers["webhook-timestamp"].isdigit()


async def test_a_plain_secret_is_the_raw_key(make_backend: MakeBackend) -> None:
    plain = "correct horse battery staple"
    receiver = WebhookReceiver(secret=plain)  # verifies with whsec_ + base64(plain)
    await receiver.start()
    try:
        backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=plain))
        await backend.send(make_notification())
    finally:
        await receiver.stop()
    [received] = receiver.requests
    assert received.verified is True


async def test_the_default_secret_signs_endpoints_without_one(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url), default_secret=SECRET)
    await backend.send(make_notification())
    assert receiver.requests[0].verified is True


async def test_an_endpoint_secret_wins_over_the_default(make_backend: MakeBackend) -> None:
    receiver = WebhookReceiver(secret="endpoint-secret")
    await receiver.start()
    try:
        backend = make_backend(
            WebhookEndpoint("hooks", receiver.url, secret="endpoint-secret"),
            default_secret=SECRET,
        )
        await backend.send(make_notification())
    finally:
        await receiver.stop()
    assert receiver.requests[0].verified is True


async def test_no_secret_sends_unsigned(make_backend: MakeBackend) -> None:
    receiver = WebhookReceiver()  # no verification
    await receiver.start()
    try:
        backend = make_backend(WebhookEndpoint("hooks", receiver.url))
        await backend.send(make_notification())
    finally:
        await receiver.stop()
    [received] = receiver.requests
    assert "webhook-signature" not in received.headers
    assert "webhook-timestamp" not in received.headers
    assert received.headers["webhook-id"] == "dlv_abc"


async def test_webhook_id_is_the_delivery_id_on_every_attempt(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    notification = make_notification(delivery_id="dlv_same")
    await backend.send(notification)
    await backend.send(notification)
    assert [r.headers["webhook-id"] for r in receiver.requests] == ["dlv_same", "dlv_same"]
    assert all(r.verified for r in receiver.requests)


async def test_without_a_delivery_id_each_send_gets_a_fresh_id(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    notification = make_notification(delivery_id="")
    await backend.send(notification)
    await backend.send(notification)
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert all(i.startswith("msg_") for i in ids)
    assert ids[0] != ids[1]
    assert all(r.verified for r in receiver.requests)


async def test_the_default_payload_has_exactly_the_documented_keys(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    await backend.send(make_notification(event=NotificationEvent.ON_ERROR, error="boom"))
    [received] = receiver.requests
    assert received.json == {
        "event": "execution.failed",
        "execution_id": "exec_123",
        "agent_id": "assistant",
        "status": "succeeded",
        "message": "Summarise the news",
        "output": {"summary": "All quiet."},
        "duration_ms": 1234,
        "error": "boom",
    }
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("agent-gateway-webhooks/")


async def test_the_message_is_cut_to_4096_characters(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    await backend.send(make_notification(message="x" * 5000))
    assert receiver.requests[0].json["message"] == "x" * 4096


async def test_events_filter_skips_other_event_types_without_error(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(
        WebhookEndpoint("hooks", receiver.url, secret=SECRET, events=("execution.failed",))
    )
    await backend.send(make_notification(event=NotificationEvent.ON_COMPLETE))
    assert receiver.requests == []
    await backend.send(make_notification(event=NotificationEvent.ON_ERROR))
    assert [r.json["event"] for r in receiver.requests] == ["execution.failed"]


async def test_an_inline_url_with_a_payload_template(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(default_secret=SECRET)  # no named endpoints at all
    template = (
        '{"text": "{{ event.agent_id }}: {{ event.type }}", "out": {{ event.output | tojson }},'
        ' "when": "{{ event.occurred_at }}", "team": "{{ event.data.team }}",'
        ' "result": {{ event.result_text | tojson }}}'
    )
    await backend.send(make_notification(target="", url=receiver.url, payload_template=template))
    [received] = receiver.requests
    assert received.verified is True
    assert received.json == {
        "text": "assistant: execution.completed",
        "out": {"summary": "All quiet."},
        "when": "2025-01-02T03:04:05+00:00",
        "team": "news",
        "result": "All quiet.",
    }


async def test_an_endpoint_template_and_the_targets_own_template(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(
        WebhookEndpoint(
            "hooks", receiver.url, secret=SECRET, payload_template='{"from": "endpoint"}'
        )
    )
    await backend.send(make_notification())
    await backend.send(make_notification(payload_template='{"from": "agent"}'))
    assert [r.json for r in receiver.requests] == [{"from": "endpoint"}, {"from": "agent"}]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ ''.__class__.__mro__ }}", "SecurityError"),
        ('{"x": "{{ event.__class__ }}"}', "SecurityError"),
        ('{"x": "{{ event.nope }}"}', "UndefinedError"),
        ('{"x": {% if %}}', "TemplateSyntaxError"),
        ("hello {{ event.agent_id }}", "did not render JSON"),
    ],
)
async def test_a_bad_or_unsafe_template_is_a_permanent_failure_and_sends_nothing(
    make_backend: MakeBackend, receiver: WebhookReceiver, template: str, problem: str
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, payload_template=template))
    with pytest.raises(NotificationDeliveryError, match=problem) as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is True
    assert "webhook 'hooks'" in str(raised.value)
    assert receiver.requests == []


async def test_a_template_cannot_change_the_notification(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(
        WebhookEndpoint(
            "hooks", receiver.url, payload_template='{"x": "{{ event.data.update(team=1) }}"}'
        )
    )
    notification = make_notification()
    with pytest.raises(NotificationDeliveryError, match="SecurityError"):
        await backend.send(notification)
    assert notification.data == {"team": "news"}


async def test_an_unknown_webhook_names_the_known_ones(make_backend: MakeBackend) -> None:
    backend = make_backend(
        WebhookEndpoint("crm", "http://127.0.0.1:9/"), WebhookEndpoint("ops", "http://127.0.0.1:9/")
    )
    with pytest.raises(NotificationDeliveryError, match=r"'nowhere'.*'crm', 'ops'") as raised:
        await backend.send(make_notification(target="nowhere"))
    assert raised.value.permanent is True


async def test_output_json_cannot_hold_is_sent_as_text(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    await backend.send(make_notification(output={"when": when, "price": Decimal("1.50")}))
    assert json.loads(receiver.requests[0].body)["output"] == {
        "when": "2025-01-02T03:04:05+00:00",
        "price": "1.50",
    }
