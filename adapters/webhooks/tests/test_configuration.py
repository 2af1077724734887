"""Endpoints, secrets and gateway.yaml's ``notifications`` section."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_webhooks import EVENT_TYPES, WebhookBackend, WebhookEndpoint
from agent_gateway_webhooks.outcome import parse_retry_after
from agent_gateway_webhooks.signing import signing_key

from .conftest import MakeBackend

pytestmark = pytest.mark.unit


class _Secret:
    """Stands for pydantic's SecretStr."""

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value


def test_event_types_are_the_cores() -> None:
    assert {"execution.completed", "execution.failed", "execution.timeout"} == EVENT_TYPES


def test_an_endpoint_keeps_events_as_a_tuple() -> None:
    endpoint = WebhookEndpoint("crm", "https://x.example/", events=["execution.failed"])  # type: ignore[arg-type]
    assert endpoint.events == ("execution.failed",)
    assert endpoint.accepts("execution.failed")
    assert not endpoint.accepts("execution.completed")
    assert WebhookEndpoint("all", "https://x.example/").accepts("execution.timeout")


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"name": " ", "url": "https://x.example/"}, "needs a name"),
        ({"name": "crm", "url": ""}, "needs a url"),
        ({"name": "crm", "url": "https://x", "events": ("execution.done",)}, "execution.done"),
        ({"name": "crm", "url": "https://x", "events": "execution.failed"}, "not a string"),
        ({"name": "crm", "url": "https://x", "secret": "whsec_not*base64"}, "base64"),
    ],
)
def test_a_wrong_endpoint_is_a_value_error(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        WebhookEndpoint(**options)


async def test_a_duplicate_endpoint_name_is_a_value_error(make_backend: MakeBackend) -> None:
    backend = make_backend(WebhookEndpoint("crm", "https://a.example/"))
    with pytest.raises(ValueError, match="'crm' is already registered"):
        backend.add_endpoint(WebhookEndpoint("crm", "https://b.example/"))
    with pytest.raises(ValueError, match="already registered"):
        WebhookBackend([WebhookEndpoint("x", "https://a/"), WebhookEndpoint("x", "https://b/")])
    assert [e.url for e in backend.endpoints] == ["https://a.example/"]


def test_signing_keys() -> None:
    raw = b"\x00\x01binary key\xff"
    assert signing_key("whsec_" + base64.b64encode(raw).decode()) == raw
    assert signing_key("whsec_" + base64.b64encode(raw).decode().rstrip("=")) == raw
    assert signing_key("plain secret") == b"plain secret"
    with pytest.raises(ValueError, match="empty"):
        signing_key("whsec_")


async def test_from_settings_reads_the_notifications_section() -> None:
    backend = WebhookBackend.from_settings(
        {
            "webhook_secret": _Secret("shared"),
            "allow_private_targets": "true",
            "webhooks": [
                {
                    "name": "crm",
                    "url": "https://crm.example.com/hooks",
                    "secret": _Secret("whsec_c2VjcmV0"),
                    "events": "execution.completed, execution.failed",
                    "payload_template": '{"id": "{{ event.execution_id }}"}',
                },
                {"name": "ops", "url": "https://ops.example.com/", "secret": None, "events": None},
            ],
            "slack": {"enabled": False},  # other keys of the section are not the backend's
        }
    )
    async with backend:
        assert backend.endpoints == (
            WebhookEndpoint(
                "crm",
                "https://crm.example.com/hooks",
                secret="whsec_c2VjcmV0",
                events=("execution.completed", "execution.failed"),
                payload_template='{"id": "{{ event.execution_id }}"}',
            ),
            WebhookEndpoint("ops", "https://ops.example.com/"),
        )


async def test_from_settings_with_nothing_configured() -> None:
    async with WebhookBackend.from_settings({}) as backend:
        assert backend.endpoints == ()
        assert backend.name == "webhook"


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"webhooks": "https://x"}, "notifications.webhooks must be a list"),
        ({"webhooks": ["https://x"]}, r"notifications.webhooks\[0\] must be a mapping"),
        ({"webhooks": [{"name": "a"}]}, r"notifications.webhooks\[0\].url is required"),
        ({"webhooks": [{"url": "https://x"}]}, r"notifications.webhooks\[0\].name is required"),
        (
            {"webhooks": [{"name": "a", "url": "https://x", "events": ["nope"]}]},
            r"notifications.webhooks\[0\]: .*unknown event type",
        ),
        (
            {"webhooks": [{"name": "a", "url": "https://x"}, {"name": "a", "url": "https://y"}]},
            "duplicate name",
        ),
        ({"allow_private_targets": "maybe"}, "allow_private_targets must be true or false"),
        ({"webhook_secret": 42}, "webhook_secret must be a string"),
    ],
)
def test_from_settings_names_the_wrong_key(section: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        WebhookBackend.from_settings(section)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("Thu, 02 Jan 2025 03:05:05 GMT", 60.0),
        ("Thu, 02 Jan 2025 03:00:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        ("", None),
    ],
)
def test_retry_after_values(value: str, seconds: float | None) -> None:
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == seconds
