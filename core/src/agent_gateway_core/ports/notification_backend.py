"""NotificationBackend port."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from agent_gateway_core.domain.notification import Notification


@runtime_checkable
class NotificationBackend(Protocol):
    """Delivers a notification to one target over one channel (``name``: ``slack``, ...).

    - ``send`` returns once the channel accepted the notification.
    - A failure (unknown target, channel down, rejected payload) raises
      :class:`~agent_gateway_core.errors.NotificationDeliveryError` naming the cause; the
      caller records it in the delivery log and decides on retries. ``send`` never raises
      anything else.
    - A failure that trying again cannot mend (an unknown target, bad credentials, a
      refused address) has ``permanent=True``; one the channel asks to retry later (a rate
      limit) carries ``retry_after`` seconds.
    - Delivery is at-most-once per call: ``send`` does not retry by itself.
    """

    name: str

    async def send(self, notification: Notification) -> None: ...
