"""SlackBackend passes the NotificationBackend contract: real slack-sdk, fake Slack API."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.notification import Notification
from agent_gateway_slack import SlackBackend
from agent_gateway_testing.contracts import NotificationBackendContract
from agent_gateway_testing.contracts.notification_backend import CountAttempts
from agent_gateway_testing.fake_slack import FakeSlackServer

from .conftest import MakeNotification

pytestmark = pytest.mark.integration


class TestSlackBackend(NotificationBackendContract):
    @pytest.fixture
    def notification_backend(self, backend: SlackBackend) -> SlackBackend:
        return backend

    @pytest.fixture
    def deliverable(self, make_notification: MakeNotification) -> Notification:
        return make_notification(target="#alerts")

    @pytest.fixture
    def undeliverable(self, make_notification: MakeNotification) -> Notification:
        return make_notification(target="#no-such-channel")

    @pytest.fixture
    def count_attempts(self, slack: FakeSlackServer) -> CountAttempts:
        async def count() -> int:
            return len(slack.requests)

        return count
