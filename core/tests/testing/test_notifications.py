"""RecordingNotificationBackend beyond its contract: scripted failures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_gateway_core.domain.notification import Notification, NotificationEvent
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_core.testing import RecordingNotificationBackend

pytestmark = pytest.mark.unit


def _notification(target: str = "#ops") -> Notification:
    return Notification(
        event=NotificationEvent.ON_ERROR,
        execution_id="e1",
        agent_id="a",
        target=target,
        status="failed",
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


async def test_fail_next_fails_exactly_that_many_sends() -> None:
    backend = RecordingNotificationBackend(name="slack")
    backend.fail_next(2)
    for _ in range(2):
        with pytest.raises(NotificationDeliveryError, match="slack: channel down"):
            await backend.send(_notification())
    await backend.send(_notification())
    assert (len(backend.attempts), len(backend.sent)) == (3, 1)


async def test_failing_targets_are_named_in_the_error() -> None:
    backend = RecordingNotificationBackend(failing_targets={"#gone"})
    with pytest.raises(NotificationDeliveryError, match="target '#gone' rejects deliveries"):
        await backend.send(_notification("#gone"))
    backend.failing_targets.clear()
    await backend.send(_notification("#gone"))
    assert [n.target for n in backend.sent] == ["#gone"]


def test_a_negative_failure_count_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        RecordingNotificationBackend().fail_next(-1)
