"""Reading gateway.yaml's ``notifications`` section for the webhook backend.

The shape::

    notifications:
      webhook_secret: ${WEBHOOK_SECRET}      # for endpoints without a secret and inline urls
      allow_private_targets: false           # the SSRF guard's opt-out
      webhooks:
        - name: crm
          url: https://crm.example.com/hooks/agents
          secret: whsec_...                  # optional
          events: [execution.completed]      # optional; a comma-separated string works too
          payload_template: '{"id": "{{ event.execution_id }}"}'   # optional

Values may arrive as strings (environment variables) or as pydantic ``SecretStr``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.errors import ConfigError
from agent_gateway_webhooks.endpoint import WebhookEndpoint

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """The webhook part of the ``notifications`` section, read and checked."""

    endpoints: tuple[WebhookEndpoint, ...]
    default_secret: str
    allow_private_targets: bool


def read_settings(notifications: Mapping[str, Any]) -> WebhookSettings:
    """Read the section; a wrong value is a ``ConfigError`` naming its key."""
    entries = notifications.get("webhooks") or []
    if isinstance(entries, str | bytes) or not isinstance(entries, Sequence):
        raise ConfigError("notifications.webhooks must be a list of webhooks")
    endpoints = tuple(
        _endpoint(entry, f"notifications.webhooks[{i}]") for i, entry in enumerate(entries)
    )
    names = [endpoint.name for endpoint in endpoints]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"notifications.webhooks: duplicate name(s) {', '.join(duplicates)}")
    return WebhookSettings(
        endpoints=endpoints,
        default_secret=_text(notifications.get("webhook_secret"), "notifications.webhook_secret"),
        allow_private_targets=_flag(
            notifications.get("allow_private_targets"), "notifications.allow_private_targets"
        ),
    )


def _endpoint(entry: Any, key: str) -> WebhookEndpoint:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{key} must be a mapping with name and url")
    name = _text(entry.get("name"), f"{key}.name")
    url = _text(entry.get("url"), f"{key}.url")
    if not name:
        raise ConfigError(f"{key}.name is required")
    if not url:
        raise ConfigError(f"{key}.url is required")
    template = _text(entry.get("payload_template"), f"{key}.payload_template")
    try:
        return WebhookEndpoint(
            name=name,
            url=url,
            secret=_text(entry.get("secret"), f"{key}.secret"),
            events=_events(entry.get("events"), f"{key}.events"),
            payload_template=template or None,
        )
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from exc


def _events(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{key} must be a list of event types")


def _text(value: Any, key: str) -> str:
    if value is None:
        return ""
    reveal = getattr(value, "get_secret_value", None)
    if callable(reveal):
        value = reveal()
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string")
    return value


def _flag(value: Any, key: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigError(f"{key} must be true or false, not {value!r}")
