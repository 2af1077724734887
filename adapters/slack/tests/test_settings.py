"""SlackBackend from gateway.yaml's ``notifications.slack`` section, and bad options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_slack import DEFAULT_BASE_URL, SlackBackend
from agent_gateway_testing.fake_slack import FakeSlackServer

from .conftest import MakeNotification

pytestmark = pytest.mark.unit


def test_defaults() -> None:
    backend = SlackBackend("xoxb-1")

    assert isinstance(backend, NotificationBackend)
    assert backend.name == "slack"
    assert backend.default_channel == "#agent-alerts"
    assert backend.base_url == DEFAULT_BASE_URL == "https://slack.com/api/"


@pytest.mark.integration
async def test_from_settings_posts_to_the_configured_api_and_channel(
    slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    section = {
        "enabled": True,
        "bot_token": slack.token,
        "default_channel": "#alerts",
        "base_url": slack.base_url,
    }
    async with SlackBackend.from_settings(section) as backend:
        await backend.send(make_notification(target=""))

    assert [message.channel for message in slack.messages] == ["#alerts"]


def test_from_settings_fills_the_defaults_and_the_optional_keys(tmp_path: Path) -> None:
    backend = SlackBackend.from_settings(
        {
            "bot_token": "xoxb-1",
            "default_channel": "",
            "base_url": None,
            "templates_dir": str(tmp_path),
            "timeout_seconds": "2.5",
            "unrelated": "ignored",
        }
    )

    assert backend.default_channel == "#agent-alerts"
    assert backend.base_url == DEFAULT_BASE_URL


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"enabled": True}, "notifications.slack.bot_token is required"),
        ({"bot_token": "  "}, "notifications.slack.bot_token is required"),
        ({"bot_token": "xoxb-1", "default_channel": 5}, "default_channel must be a string"),
        ({"bot_token": "xoxb-1", "timeout_seconds": "soon"}, "timeout_seconds must be a number"),
        ({"bot_token": "xoxb-1", "timeout_seconds": 0}, "timeout_seconds must be positive"),
        ({"bot_token": "xoxb-1", "base_url": "slack.com/api"}, "base_url must be an http(s) URL"),
        ({"bot_token": "xoxb-1", "templates_dir": "/no/such/dir"}, "is not a directory"),
    ],
)
def test_bad_settings_are_config_errors_naming_the_key(
    section: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        SlackBackend.from_settings(section)

    assert problem in str(raised.value)


def test_a_bad_token_or_channel_in_code_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="bot token"):
        SlackBackend("")
    with pytest.raises(ConfigError, match="default channel"):
        SlackBackend("xoxb-1", default_channel=" ")


def test_config_errors_never_quote_the_token() -> None:
    with pytest.raises(ConfigError) as raised:
        SlackBackend.from_settings({"bot_token": "xoxb-secret-1", "timeout_seconds": -1})

    assert "xoxb-secret-1" not in str(raised.value)
