"""The built-in Block Kit message: agent, status, duration, summary, error, execution id."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from agent_gateway_core.domain.notification import Notification
from agent_gateway_slack.message import SlackMessage

# Slack refuses a section text over 3,000 characters and a header over 150 (invalid_blocks).
SECTION_TEXT_LIMIT = 2900
HEADER_TEXT_LIMIT = 150
FIELD_TEXT_LIMIT = 1900
_TRUNCATED = "\n… (truncated)"

_OUTCOMES: dict[str, tuple[str, str]] = {
    "execution.completed": (":white_check_mark:", "completed"),
    "execution.failed": (":x:", "failed"),
    "execution.timeout": (":hourglass:", "timed out"),
}
_UNKNOWN_OUTCOME = (":bell:", "ended")


def outcome(notification: Notification) -> tuple[str, str]:
    """The emoji and the words of the notification's end: ``(":x:", "failed")``."""
    return _OUTCOMES.get(notification.event.event_type, _UNKNOWN_OUTCOME)


def default_text(notification: Notification) -> str:
    """The plain-text fallback: ``:x: Agent support-bot failed (execution exec_1)``."""
    emoji, words = outcome(notification)
    return f"{emoji} Agent {notification.agent_id} {words} (execution {notification.execution_id})"


def default_message(notification: Notification) -> SlackMessage:
    """The built-in message: a header, the facts as fields, the summary, the error, and the
    execution id in a context line. Every text stays within Slack's Block Kit limits."""
    emoji, words = outcome(notification)
    header = _truncate(f"{emoji} {notification.agent_id} {words}", HEADER_TEXT_LIMIT)
    fields = [
        _field("Agent", f"`{escape(notification.agent_id)}`"),
        _field("Status", f"{emoji} {escape(notification.status.replace('_', ' '))}"),
    ]
    if notification.duration_ms is not None:
        fields.append(_field("Duration", format_duration(notification.duration_ms)))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}},
        {"type": "section", "fields": fields},
    ]
    summary = summary_of(notification)
    if summary is not None and summary != "":
        blocks.append(_section("Summary", summary, code=not isinstance(summary, str)))
    if notification.error:
        blocks.append(_section("Error", notification.error, code=True))
    when = notification.occurred_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    context = (
        f"Execution `{escape(notification.execution_id)}` · {when:%Y-%m-%d %H:%M:%S} UTC"
        " · agent-gateway"
    )
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _truncate(context, 2000)}]}
    )
    return SlackMessage(text=default_text(notification), blocks=blocks)


def summary_of(notification: Notification) -> Any:
    """The result to show: the model's text, else the structured output (``None`` if neither)."""
    if notification.result_text:
        return notification.result_text
    return notification.output


def format_duration(duration_ms: int) -> str:
    """``850 ms``, ``12.3 s``, ``2 min 5 s``, ``1 h 2 min``."""
    if duration_ms < 1000:
        return f"{duration_ms} ms"
    seconds = duration_ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, second = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {second} s"
    hours, minute = divmod(minutes, 60)
    return f"{hours} h {minute} min"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives a meaning (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _field(title: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _truncate(f"*{title}*\n{value}", FIELD_TEXT_LIMIT)}


def _section(title: str, value: Any, *, code: bool) -> dict[str, Any]:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, default=str)
    fence = "```" if code else ""
    room = SECTION_TEXT_LIMIT - len(f"*{title}*\n") - 2 * len(fence)
    body = _truncate(escape(text), room)
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"*{title}*\n{fence}{body}{fence}"},
    }


def _truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a marker, never inside an ``&...;`` escape."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_TRUNCATED)]
    amp = cut.rfind("&", len(cut) - 5)
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + _TRUNCATED
