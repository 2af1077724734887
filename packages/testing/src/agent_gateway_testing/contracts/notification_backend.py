"""Contract of NotificationBackend: accepted or NotificationDeliveryError, never a retry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_testing.contracts._required import fixture_required

CountAttempts = Callable[[], Awaitable[int]]
"""How many send attempts reached the channel so far (accepted or not)."""


class NotificationBackendContract:
    """Every sentence of the NotificationBackend docstring.

    Subclasses override ``notification_backend``, ``deliverable`` (a notification the channel
    accepts), ``undeliverable`` (one it rejects for good, e.g. an unknown target) and
    ``count_attempts`` (what the receiving side observed, to check that nothing is retried).
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def notification_backend(self) -> NotificationBackend:
        fixture_required(self, "notification_backend")

    @pytest.fixture
    def deliverable(self) -> Notification:
        fixture_required(self, "deliverable")

    @pytest.fixture
    def undeliverable(self) -> Notification:
        fixture_required(self, "undeliverable")

    @pytest.fixture
    def count_attempts(self) -> CountAttempts:
        fixture_required(self, "count_attempts")

    async def test_backend_has_a_channel_name(
        self, notification_backend: NotificationBackend
    ) -> None:
        assert isinstance(notification_backend.name, str)
        assert notification_backend.name

    async def test_send_returns_once_the_channel_accepted(
        self,
        notification_backend: NotificationBackend,
        deliverable: Notification,
        count_attempts: CountAttempts,
    ) -> None:
        await notification_backend.send(deliverable)
        assert await count_attempts() == 1

    async def test_a_rejected_send_raises_delivery_error_and_is_not_retried(
        self,
        notification_backend: NotificationBackend,
        undeliverable: Notification,
        count_attempts: CountAttempts,
    ) -> None:
        with pytest.raises(NotificationDeliveryError, match=r"\w"):
            await notification_backend.send(undeliverable)
        assert await count_attempts() <= 1

    async def test_a_rejected_target_is_a_permanent_failure(
        self, notification_backend: NotificationBackend, undeliverable: Notification
    ) -> None:
        with pytest.raises(NotificationDeliveryError) as raised:
            await notification_backend.send(undeliverable)
        assert raised.value.permanent is True

    async def test_each_send_delivers_once(
        self,
        notification_backend: NotificationBackend,
        deliverable: Notification,
        count_attempts: CountAttempts,
    ) -> None:
        await notification_backend.send(deliverable)
        await notification_backend.send(deliverable)
        assert await count_attempts() == 2

    async def test_a_failure_does_not_break_later_sends(
        self,
        notification_backend: NotificationBackend,
        deliverable: Notification,
        undeliverable: Notification,
    ) -> None:
        with pytest.raises(NotificationDeliveryError):
            await notification_backend.send(undeliverable)
        await notification_backend.send(deliverable)

    async def test_concurrent_sends_all_deliver(
        self,
        notification_backend: NotificationBackend,
        deliverable: Notification,
        count_attempts: CountAttempts,
    ) -> None:
        await asyncio.gather(*(notification_backend.send(deliverable) for _ in range(5)))
        assert await count_attempts() == 5
