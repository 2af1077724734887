"""Block Kit messages from a directory of Jinja2 templates (``<name>.json.j2``), sandboxed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_slack.default_message import (
    default_message,
    format_duration,
    outcome,
    summary_of,
)
from agent_gateway_slack.message import SlackMessage

TEMPLATE_SUFFIX = ".json.j2"


class SlackTemplates:
    """The Block Kit templates of one directory.

    A notification's own ``template`` names one (``alert`` or ``alert.json.j2``); without
    it, the first file that exists of ``<event type>.json.j2`` (``execution.failed.json.j2``),
    the existing product's ``default-<completed|failed|timeout>.json.j2``, and
    ``default.json.j2``; without any, the built-in message. A template renders JSON: an array
    of blocks, or an object with ``blocks`` and an optional ``text`` (the fallback; the
    built-in one when absent). Templates run in Jinja2's sandbox with strict undefined
    names; :func:`template_context` lists what they see.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(self.directory),
            undefined=StrictUndefined,
            autoescape=False,
        )
        # JSON templates need JSON literals: no HTML escaping, dates and the like as strings.
        self._env.filters["tojson"] = _to_json

    def message_for(self, notification: Notification, *, channel: str) -> SlackMessage | None:
        """The message the templates make of ``notification`` going to ``channel``; ``None``
        when no template applies. A named template that does not exist, a template error, a
        sandbox violation, or JSON that is not a message is a permanent failure."""
        name = self._template_name(notification)
        if name is None:
            return None
        context = template_context(notification, channel=channel)
        try:
            rendered = self._env.get_template(name).render(context)
        except TemplateNotFound as exc:
            where = "" if exc.name == name else f" (included {exc.name!r})"
            raise _problem(name, f"not found in {self.directory}{where}") from None
        except Exception as exc:
            raise _problem(name, f"{type(exc).__name__}: {exc}") from exc
        return _message_of(rendered, name=name, fallback_text=context["default_text"])

    def _template_name(self, notification: Notification) -> str | None:
        if notification.template:
            name = notification.template
            return name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
        event_type = notification.event.event_type
        candidates = (
            f"{event_type}{TEMPLATE_SUFFIX}",
            f"default-{event_type.rsplit('.', 1)[-1]}{TEMPLATE_SUFFIX}",
            f"default{TEMPLATE_SUFFIX}",
        )
        return next((name for name in candidates if (self.directory / name).is_file()), None)


def template_context(notification: Notification, *, channel: str) -> dict[str, Any]:
    """What a template sees.

    ``notification`` (every field of :class:`Notification` as JSON values, plus
    ``event_type``), ``channel``, ``emoji`` and ``outcome`` (``:x:``, ``failed``),
    ``duration`` (``12.3 s`` or ``None``), ``summary`` (result text, else output),
    ``default_text`` and ``default_blocks`` (the built-in message, to extend), and the
    existing product's ``event`` and ``target`` so that its templates render unchanged.
    """
    fields = notification.model_dump(mode="json")
    emoji, words = outcome(notification)
    built_in = default_message(notification)
    event_type = notification.event.event_type
    has_result = notification.result_text is not None or notification.output is not None
    return {
        "notification": {**fields, "event_type": event_type},
        "channel": channel,
        "emoji": emoji,
        "outcome": words,
        "duration": (
            None if notification.duration_ms is None else format_duration(notification.duration_ms)
        ),
        "summary": summary_of(notification),
        "default_text": built_in.text,
        "default_blocks": built_in.blocks,
        "event": {
            "type": event_type,
            "execution_id": notification.execution_id,
            "agent_id": notification.agent_id,
            "status": notification.status,
            "message": notification.message,
            "result": (
                {"output": fields["output"], "raw_text": notification.result_text}
                if has_result
                else None
            ),
            "error": notification.error,
            "usage": None,
            "started_at": None,
            "completed_at": fields["occurred_at"],
            "duration_ms": notification.duration_ms or 0,
            "input": None,
        },
        "target": {"channel": "slack", "target": channel, "template": notification.template},
    }


def _message_of(rendered: str, *, name: str, fallback_text: str) -> SlackMessage:
    try:
        payload = json.loads(rendered)
    except ValueError as exc:
        raise _problem(name, f"did not render valid JSON: {exc}") from exc
    if isinstance(payload, list):
        blocks, text = payload, fallback_text
    elif isinstance(payload, dict) and "blocks" in payload:
        blocks, text = payload["blocks"], payload.get("text") or fallback_text
    else:
        raise _problem(name, "must render a JSON array of blocks or an object with 'blocks'")
    if not isinstance(blocks, list) or not all(isinstance(block, dict) for block in blocks):
        raise _problem(name, "'blocks' must be an array of objects")
    if not isinstance(text, str):
        raise _problem(name, "'text' must be a string")
    return SlackMessage(text=text, blocks=blocks)


def _problem(name: str, problem: str) -> NotificationDeliveryError:
    return NotificationDeliveryError(f"Slack template {name!r}: {problem}", permanent=True)


def _to_json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)
