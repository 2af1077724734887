"""How receiver answers and network failures become NotificationDeliveryErrors."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_testing.webhook_receiver import WebhookReceiver
from agent_gateway_webhooks import WebhookBackend, WebhookEndpoint

from .conftest import SECRET, MakeBackend, make_notification

pytestmark = pytest.mark.integration


@pytest.fixture
def backend(make_backend: MakeBackend, receiver: WebhookReceiver) -> WebhookBackend:
    return make_backend(WebhookEndpoint("hooks", receiver.url + "?token=s3cr3t", secret=SECRET))


@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_2xx_is_delivered(
    backend: WebhookBackend, receiver: WebhookReceiver, status: int
) -> None:
    receiver.answer(status)
    await backend.send(make_notification())
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
async def test_rejections_are_permanent_and_name_the_status(
    backend: WebhookBackend, receiver: WebhookReceiver, status: int
) -> None:
    receiver.answer(status)
    with pytest.raises(NotificationDeliveryError, match=f"answered {status}") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is True
    assert raised.value.retry_after is None
    assert len(receiver.requests) == 1  # not retried


async def test_a_redirect_is_not_followed(
    backend: WebhookBackend, receiver: WebhookReceiver
) -> None:
    receiver.answer(302, headers={"Location": "http://169.254.169.254/"})
    with pytest.raises(NotificationDeliveryError, match=r"302.*not followed") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is True
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_in_seconds(
    backend: WebhookBackend, receiver: WebhookReceiver, status: int
) -> None:
    receiver.answer(status, headers={"Retry-After": "7"})
    with pytest.raises(NotificationDeliveryError, match=f"answered {status}") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False
    assert raised.value.retry_after == 7.0


async def test_retry_after_as_an_http_date(
    backend: WebhookBackend, receiver: WebhookReceiver
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    receiver.answer(503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False
    assert raised.value.retry_after is not None
    assert 100 < raised.value.retry_after <= 120


@pytest.mark.parametrize("status", [429, 500, 502, 503, 408, 409])
async def test_other_failures_are_retryable_without_retry_after(
    backend: WebhookBackend, receiver: WebhookReceiver, status: int
) -> None:
    receiver.answer(status)
    with pytest.raises(NotificationDeliveryError, match=f"answered {status}") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False
    assert raised.value.retry_after is None
    assert "s3cr3t" not in str(raised.value)


async def test_a_scripted_outage_then_delivery(
    backend: WebhookBackend, receiver: WebhookReceiver
) -> None:
    receiver.answer(503, times=2, headers={"Retry-After": "1"})
    for _ in range(2):
        with pytest.raises(NotificationDeliveryError):
            await backend.send(make_notification())
    await backend.send(make_notification())
    assert len(receiver.requests) == 3
    assert {r.headers["webhook-id"] for r in receiver.requests} == {"dlv_abc"}


async def test_a_timeout_is_retryable(make_backend: MakeBackend, receiver: WebhookReceiver) -> None:
    receiver.delay_seconds = 2.0
    backend = make_backend(WebhookEndpoint("hooks", receiver.url), timeout_seconds=0.2)
    with pytest.raises(NotificationDeliveryError, match=r"timed out after 0\.2s") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_refused_connection_is_retryable_and_names_the_url_without_secrets(
    make_backend: MakeBackend,
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/hook?token=s3cr3t#frag"
    backend = make_backend(WebhookEndpoint("hooks", url))
    with pytest.raises(NotificationDeliveryError, match="cannot connect") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False
    message = str(raised.value)
    assert "127.0.0.1" in message
    assert "/hook" in message
    assert "s3cr3t" not in message


async def test_every_vetted_address_is_tried_before_giving_up(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    # ::1 is not served (the receiver listens on 127.0.0.1 only): the next address is.
    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["::1", "127.0.0.1"]

    backend = make_backend(
        WebhookEndpoint("hooks", f"http://hooks.example.test:{receiver.port}/hook", secret=SECRET),
        resolver=resolver,
    )
    await backend.send(make_notification())
    assert len(receiver.requests) == 1


async def test_an_unresolvable_host_is_retryable(make_backend: MakeBackend) -> None:
    async def resolver(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    backend = make_backend(
        WebhookEndpoint("hooks", "https://hooks.example.test/x"), resolver=resolver
    )
    with pytest.raises(NotificationDeliveryError, match=r"cannot resolve hooks\.example\.test"):
        await backend.send(make_notification())


async def test_nothing_but_delivery_errors_escape(make_backend: MakeBackend) -> None:
    async def resolver(host: str, port: int) -> Sequence[str]:
        raise RuntimeError("resolver exploded")

    backend = make_backend(
        WebhookEndpoint("hooks", "https://hooks.example.test/x"), resolver=resolver
    )
    with pytest.raises(NotificationDeliveryError, match="resolver exploded") as raised:
        await backend.send(make_notification())
    assert isinstance(raised.value.__cause__, RuntimeError)


async def test_a_closed_backend_fails_with_a_delivery_error(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    backend = make_backend(WebhookEndpoint("hooks", receiver.url))
    await backend.aclose()
    await backend.aclose()  # twice is harmless
    with pytest.raises(NotificationDeliveryError, match="closed"):
        await backend.send(make_notification())
    assert receiver.requests == []


async def test_a_slow_resolver_is_cut_off_at_the_timeout(make_backend: MakeBackend) -> None:
    async def resolver(host: str, port: int) -> Sequence[str]:
        await asyncio.sleep(5)
        return ["93.184.216.34"]

    backend = make_backend(
        WebhookEndpoint("hooks", "https://hooks.example.test/x"),
        resolver=resolver,
        timeout_seconds=0.2,
    )
    with pytest.raises(NotificationDeliveryError, match="resolving the host timed out") as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False


async def test_plain_http_keeps_its_connection_between_sends(
    backend: WebhookBackend, receiver: WebhookReceiver
) -> None:
    receiver.answer(200, body=b'{"ok": true, "padding": "' + b"x" * 10_000 + b'"}')
    await backend.send(make_notification())
    await backend.send(make_notification())
    first, second = receiver.requests
    assert first.peer == second.peer  # the answer's body was read, the connection kept


async def test_a_huge_answer_body_is_not_read(
    backend: WebhookBackend, receiver: WebhookReceiver
) -> None:
    receiver.answer(200, body=b"x" * 5_000_000)
    await backend.send(make_notification())
    await backend.send(make_notification())
    assert len(receiver.requests) == 2
