"""Slack's answers and transport failures as NotificationDeliveryError: permanent or
retryable, one HTTP request per send (slack-sdk's own retries are off)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_slack import SlackBackend
from agent_gateway_testing.fake_slack import FakeSlackServer

from .conftest import MakeBackend, MakeNotification

pytestmark = pytest.mark.integration


async def test_an_unknown_channel_is_permanent_and_sent_once(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification(target="#nowhere"))

    assert raised.value.permanent is True
    assert raised.value.retry_after is None
    assert "channel_not_found" in str(raised.value)
    assert "#nowhere" in str(raised.value)
    assert [request.outcome for request in slack.requests] == ["channel_not_found"]


async def test_ratelimited_is_retryable_after_the_header_then_the_next_send_succeeds(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    slack.rate_limit_next(retry_after=7)

    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is False
    assert raised.value.retry_after == 7
    assert "ratelimited" in str(raised.value)
    assert len(slack.requests) == 1

    await backend.send(make_notification())
    assert [request.outcome for request in slack.requests] == ["ratelimited", "ok"]


async def test_a_wrong_token_is_permanent_and_the_message_does_not_hold_it(
    make_backend: MakeBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    token = "xoxb-1234-5678-not-the-right-one"
    backend = make_backend(bot_token=token)

    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is True
    assert "invalid_auth" in str(raised.value)
    assert token not in str(raised.value)
    assert "5678" not in str(raised.value)
    assert len(slack.requests) == 1


@pytest.mark.parametrize(
    "code",
    ["not_in_channel", "is_archived", "token_revoked", "account_inactive", "msg_too_long"],
)
async def test_slack_errors_about_target_credentials_or_message_are_permanent(
    code: str, backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    slack.fail_next(code)

    with pytest.raises(NotificationDeliveryError, match=code) as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is True
    assert len(slack.requests) == 1


@pytest.mark.parametrize(
    ("code", "status"),
    [("internal_error", 200), ("fatal_error", 200), ("service_unavailable", 503)],
)
async def test_slack_errors_of_its_own_are_retryable(
    code: str,
    status: int,
    backend: SlackBackend,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    slack.fail_next(code, status=status)

    with pytest.raises(NotificationDeliveryError, match=code) as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is False
    assert len(slack.requests) == 1


async def test_an_http_500_page_is_retryable(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    slack.server_error_next()

    with pytest.raises(NotificationDeliveryError, match="HTTP 500") as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is False
    assert len(slack.requests) == 1
    await backend.send(make_notification())


async def test_a_wrong_api_path_is_permanent(
    make_backend: MakeBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    backend = make_backend(base_url=slack.base_url.removesuffix("api/") + "wrong/")

    with pytest.raises(NotificationDeliveryError, match="HTTP 404") as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is True


async def test_a_server_that_is_down_is_retryable(
    make_backend: MakeBackend, make_notification: MakeNotification
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now: the connection is refused.
    backend = make_backend(base_url=f"http://127.0.0.1:{port}/api/")

    with pytest.raises(NotificationDeliveryError, match="could not reach") as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is False
    assert f"127.0.0.1:{port}" in str(raised.value)


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A server that accepts connections and never answers; yields its API root."""
    connections: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/api/"
    for writer in connections:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_server_that_does_not_answer_times_out_retryably(
    make_backend: MakeBackend, silent_server: str, make_notification: MakeNotification
) -> None:
    backend = make_backend(base_url=silent_server, timeout_seconds=0.2)

    with pytest.raises(NotificationDeliveryError, match="could not reach") as raised:
        await backend.send(make_notification())

    assert raised.value.permanent is False
