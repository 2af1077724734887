"""WebhookBackend passes the NotificationBackend contract against a real receiver."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.notification import Notification
from agent_gateway_testing.contracts import NotificationBackendContract
from agent_gateway_testing.contracts.notification_backend import CountAttempts
from agent_gateway_testing.webhook_receiver import WebhookReceiver
from agent_gateway_webhooks import WebhookBackend, WebhookEndpoint

from .conftest import SECRET, MakeBackend, make_notification

pytestmark = pytest.mark.integration


class TestWebhookBackend(NotificationBackendContract):
    @pytest.fixture
    def notification_backend(
        self, make_backend: MakeBackend, receiver: WebhookReceiver
    ) -> WebhookBackend:
        return make_backend(WebhookEndpoint("hooks", receiver.url, secret=SECRET))

    @pytest.fixture
    def deliverable(self) -> Notification:
        return make_notification(target="hooks")

    @pytest.fixture
    def undeliverable(self) -> Notification:
        return make_notification(target="nowhere")

    @pytest.fixture
    def count_attempts(self, receiver: WebhookReceiver) -> CountAttempts:
        async def count() -> int:
            assert all(received.verified for received in receiver.requests)
            return len(receiver.requests)

        return count
