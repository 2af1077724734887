"""The JSON body of a webhook: the default payload, or a sandboxed Jinja2 template's."""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import NotificationDeliveryError

MAX_MESSAGE_CHARS = 4096


def default_payload(notification: Notification) -> dict[str, Any]:
    """The body sent when no template is set; ``message`` is cut to 4,096 characters."""
    return {
        "event": notification.event.event_type,
        "execution_id": notification.execution_id,
        "agent_id": notification.agent_id,
        "status": notification.status,
        "message": notification.message[:MAX_MESSAGE_CHARS],
        "output": notification.output,
        "duration_ms": notification.duration_ms,
        "error": notification.error,
    }


def template_context(notification: Notification) -> dict[str, Any]:
    """What a payload template sees: ``event``, the default payload's keys plus
    ``result_text``, ``occurred_at`` (ISO 8601), ``data``, and ``type`` (the event type, as
    the existing product's templates write it: ``{{ event.type }}``)."""
    event = default_payload(notification)
    event["type"] = event["event"]
    event["result_text"] = notification.result_text
    event["occurred_at"] = notification.occurred_at.isoformat()
    event["data"] = notification.data
    return {"event": event}


def build_body(notification: Notification, payload_template: str | None, *, where: str) -> bytes:
    """The request body: compact UTF-8 JSON.

    A template that fails (syntax, an undefined name, a blocked attribute) or renders
    something that is not JSON is a permanent ``NotificationDeliveryError`` naming ``where``
    and the problem: sending it again renders the same.
    """
    if payload_template is None:
        payload: Any = default_payload(notification)
    else:
        payload = _render(payload_template, notification, where=where)
    try:
        text = json.dumps(
            payload,
            default=_as_text,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
    except ValueError as exc:
        raise NotificationDeliveryError(
            f"{where}: the payload is not valid JSON: {exc}", permanent=True
        ) from exc
    return text.encode()


def _render(source: str, notification: Notification, *, where: str) -> Any:
    try:
        rendered = _compile(source).render(template_context(notification))
    except Exception as exc:  # any template fault (syntax, undefined, sandbox, filter)
        raise NotificationDeliveryError(
            f"{where}: the payload template failed: {type(exc).__name__}: {exc}",
            permanent=True,
        ) from exc
    try:
        return json.loads(rendered)
    except ValueError as exc:
        raise NotificationDeliveryError(
            f"{where}: the payload template did not render JSON ({exc}): {rendered[:200]!r}",
            permanent=True,
        ) from exc


@functools.lru_cache(maxsize=128)
def _compile(source: str) -> Template:
    return _environment().from_string(source)


@functools.cache
def _environment() -> ImmutableSandboxedEnvironment:
    # Immutable: a template cannot change the notification's own dicts (``data``) either.
    env = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
    env.filters["tojson"] = _tojson
    return env


def _tojson(value: Any) -> str:
    # Jinja's own ``tojson`` escapes for HTML and fails on dates; a JSON body wants neither.
    return json.dumps(value, default=_as_text, ensure_ascii=False)


def _as_text(value: Any) -> str:
    """What JSON cannot hold (dates, decimals, ...) is sent as text."""
    return value.isoformat() if isinstance(value, date) else str(value)
