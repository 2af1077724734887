"""A NotificationBackend that records what it was asked to send, and fails on request."""

from __future__ import annotations

from collections.abc import Collection

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_core.ports.notification_backend import NotificationBackend


class RecordingNotificationBackend(NotificationBackend):
    """Keeps every accepted notification in ``sent`` and every call in ``attempts``.

    ``fail_next(n)`` makes the next ``n`` sends fail (as a channel that is down: retryable);
    targets in ``failing_targets`` always fail, permanently, as an unknown Slack channel would.
    """

    def __init__(self, name: str = "recording", *, failing_targets: Collection[str] = ()) -> None:
        self.name = name
        self.sent: list[Notification] = []
        self.attempts: list[Notification] = []
        self.failing_targets: set[str] = set(failing_targets)
        self._failures_left = 0

    def fail_next(self, count: int = 1) -> None:
        """Make the next ``count`` sends raise ``NotificationDeliveryError``."""
        if count < 0:
            raise ValueError(f"fail_next count must not be negative, got {count}")
        self._failures_left = count

    async def send(self, notification: Notification) -> None:
        self.attempts.append(notification)
        if notification.target in self.failing_targets:
            raise NotificationDeliveryError(
                f"{self.name}: target {notification.target!r} rejects deliveries",
                permanent=True,
            )
        if self._failures_left > 0:
            self._failures_left -= 1
            raise NotificationDeliveryError(f"{self.name}: channel down (scripted failure)")
        self.sent.append(notification)
