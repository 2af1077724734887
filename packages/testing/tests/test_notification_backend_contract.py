"""RecordingNotificationBackend passes the NotificationBackend contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.notification import Notification, NotificationEvent
from agent_gateway_core.testing import RecordingNotificationBackend
from agent_gateway_testing.contracts import NotificationBackendContract
from agent_gateway_testing.contracts.notification_backend import CountAttempts

pytestmark = pytest.mark.unit


def _notification(target: str) -> Notification:
    return Notification(
        event=NotificationEvent.ON_COMPLETE,
        execution_id="exec-1",
        agent_id="agent-a",
        target=target,
        status="succeeded",
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


class TestRecordingNotificationBackend(NotificationBackendContract):
    @pytest.fixture
    def notification_backend(self) -> RecordingNotificationBackend:
        return RecordingNotificationBackend(name="slack", failing_targets={"#nowhere"})

    @pytest.fixture
    def deliverable(self) -> Notification:
        return _notification("#alerts")

    @pytest.fixture
    def undeliverable(self) -> Notification:
        return _notification("#nowhere")

    @pytest.fixture
    def count_attempts(self, notification_backend: RecordingNotificationBackend) -> CountAttempts:
        async def count() -> int:
            return len(notification_backend.attempts)

        return count
