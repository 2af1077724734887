"""The built-in message's pieces: durations, truncation, escaping, and the template context."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.notification import NotificationEvent
from agent_gateway_slack import default_message, template_context
from agent_gateway_slack.default_message import SECTION_TEXT_LIMIT, format_duration

from .conftest import MakeNotification

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("duration_ms", "shown"),
    [
        (0, "0 ms"),
        (850, "850 ms"),
        (1_000, "1.0 s"),
        (59_940, "59.9 s"),
        (125_000, "2 min 5 s"),
        (3_720_000, "1 h 2 min"),
    ],
)
def test_durations_read_naturally(duration_ms: int, shown: str) -> None:
    assert format_duration(duration_ms) == shown


@pytest.mark.parametrize("padding", range(6))
def test_truncation_never_cuts_an_escape_in_half(
    padding: int, make_notification: MakeNotification
) -> None:
    message = default_message(make_notification(result_text="x" * padding + "<" * 3000))

    summary = message.blocks[2]["text"]["text"]
    assert len(summary) <= SECTION_TEXT_LIMIT
    body = summary.removeprefix("*Summary*\n" + "x" * padding).removesuffix("\n… (truncated)")
    assert body.replace("&lt;", "") == ""


def test_a_failed_execution_without_an_error_has_no_error_block(
    make_notification: MakeNotification,
) -> None:
    message = default_message(make_notification(event=NotificationEvent.ON_ERROR, error=None))

    assert [block["type"] for block in message.blocks] == ["header", "section", "context"]


def test_the_template_context_holds_the_notification_and_the_built_in_message(
    make_notification: MakeNotification,
) -> None:
    notification = make_notification(event=NotificationEvent.ON_ERROR, duration_ms=2_000)

    context = template_context(notification, channel="#alerts")

    assert context["notification"]["event_type"] == "execution.failed"
    assert context["notification"]["occurred_at"] == "2025-01-02T03:04:05Z"
    assert context["channel"] == "#alerts"
    assert (context["emoji"], context["outcome"], context["duration"]) == (":x:", "failed", "2.0 s")
    assert context["default_blocks"] == default_message(notification).blocks
    assert context["event"]["type"] == "execution.failed"
    assert context["event"]["result"] is None
    assert context["target"] == {"channel": "slack", "target": "#alerts", "template": None}
