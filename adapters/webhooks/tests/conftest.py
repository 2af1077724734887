"""Fixtures: a signature-checking receiver on 127.0.0.1, backends and notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.notification import Notification, NotificationEvent
from agent_gateway_testing.webhook_receiver import WebhookReceiver
from agent_gateway_webhooks import WebhookBackend

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

MakeBackend = Callable[..., WebhookBackend]


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A receiver verifying with ``SECRET``."""
    running = WebhookReceiver(secret=SECRET)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def make_backend() -> AsyncIterator[MakeBackend]:
    """WebhookBackends allowing private targets (the receiver is on 127.0.0.1) and a short
    timeout unless told otherwise; all closed afterwards."""
    made: list[WebhookBackend] = []

    def make(*endpoints: Any, **options: Any) -> WebhookBackend:
        options.setdefault("allow_private_targets", True)
        options.setdefault("timeout_seconds", 3.0)
        backend = WebhookBackend(endpoints, **options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


def make_notification(**overrides: Any) -> Notification:
    fields: dict[str, Any] = {
        "event": NotificationEvent.ON_COMPLETE,
        "execution_id": "exec_123",
        "agent_id": "assistant",
        "target": "hooks",
        "status": "succeeded",
        "message": "Summarise the news",
        "result_text": "All quiet.",
        "output": {"summary": "All quiet."},
        "duration_ms": 1234,
        "data": {"team": "news"},
        "occurred_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        "delivery_id": "dlv_abc",
    }
    fields.update(overrides)
    return Notification(**fields)
