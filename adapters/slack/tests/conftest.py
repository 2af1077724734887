"""Fixtures: a FakeSlackServer on 127.0.0.1 and SlackBackends on the real slack-sdk client,
closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.notification import Notification, NotificationEvent
from agent_gateway_slack import SlackBackend
from agent_gateway_testing.fake_slack import FakeSlackServer

MakeBackend = Callable[..., SlackBackend]
MakeNotification = Callable[..., Notification]


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(channels=("#agent-alerts", "#alerts")) as server:
        yield server


@pytest.fixture
async def make_backend(slack: FakeSlackServer) -> AsyncIterator[MakeBackend]:
    """SlackBackends pointed at the fake server with its token unless told otherwise."""
    made: list[SlackBackend] = []

    def make(**options: Any) -> SlackBackend:
        options.setdefault("bot_token", slack.token)
        options.setdefault("base_url", slack.base_url)
        backend = SlackBackend(**options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


@pytest.fixture
def backend(make_backend: MakeBackend) -> SlackBackend:
    return make_backend()


@pytest.fixture
def make_notification() -> MakeNotification:
    """A notification of a succeeded execution to ``#alerts``; keywords override fields,
    ``event=NotificationEvent.ON_ERROR`` also sets the failed status and an error."""

    def make(**fields: Any) -> Notification:
        event = fields.setdefault("event", NotificationEvent.ON_COMPLETE)
        if event is NotificationEvent.ON_ERROR:
            fields.setdefault("status", "failed")
            fields.setdefault("error", "ToolError: the CRM answered 503")
        elif event is NotificationEvent.ON_TIMEOUT:
            fields.setdefault("status", "timed_out")
            fields.setdefault("error", "execution exceeded 300 s")
        fields.setdefault("status", "succeeded")
        fields.setdefault("execution_id", "exec_0123")
        fields.setdefault("agent_id", "support-bot")
        fields.setdefault("target", "#alerts")
        fields.setdefault("occurred_at", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
        return Notification(**fields)

    return make
