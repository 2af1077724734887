"""Messages as Slack receives them: the built-in Block Kit layout, the fallback text, the channel."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent_gateway_core.domain.notification import NotificationEvent
from agent_gateway_slack import SlackBackend
from agent_gateway_testing.fake_slack import FakeSlackServer

from .conftest import MakeBackend, MakeNotification

pytestmark = pytest.mark.integration


def _texts(blocks: list[dict[str, Any]]) -> str:
    """Every text of the blocks, one per line, to search in."""
    return "\n".join(_strings(blocks))


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in _strings(item) if key != "type"]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


async def test_a_completed_execution_is_posted_with_the_default_blocks(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(
        make_notification(result_text="Refund issued for order 42.", duration_ms=12_300)
    )

    [posted] = slack.messages
    assert posted.method == "chat.postMessage"
    assert posted.channel == "#alerts"
    assert posted.headers["Authorization"] == f"Bearer {slack.token}"
    assert posted.text == ":white_check_mark: Agent support-bot completed (execution exec_0123)"
    kinds = [block["type"] for block in posted.blocks]
    assert kinds == ["header", "section", "section", "context"]
    assert posted.blocks[0]["text"]["text"] == ":white_check_mark: support-bot completed"
    texts = _texts(posted.blocks)
    assert "*Agent*\n`support-bot`" in texts
    assert "*Status*\n:white_check_mark: succeeded" in texts
    assert "*Duration*\n12.3 s" in texts
    assert "*Summary*\nRefund issued for order 42." in texts
    assert "Execution `exec_0123` · 2025-01-02 03:04:05 UTC" in texts
    assert "Error" not in texts


async def test_a_failed_execution_shows_the_error(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(make_notification(event=NotificationEvent.ON_ERROR, duration_ms=125_000))

    [posted] = slack.messages
    assert posted.text == ":x: Agent support-bot failed (execution exec_0123)"
    texts = _texts(posted.blocks)
    assert "*Status*\n:x: failed" in texts
    assert "*Duration*\n2 min 5 s" in texts
    assert "*Error*\n```ToolError: the CRM answered 503```" in texts
    assert "Summary" not in texts


async def test_a_timeout_has_its_own_emoji(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(make_notification(event=NotificationEvent.ON_TIMEOUT))

    [posted] = slack.messages
    assert posted.blocks[0]["text"]["text"] == ":hourglass: support-bot timed out"
    assert "*Status*\n:hourglass: timed out" in _texts(posted.blocks)
    assert "Duration" not in _texts(posted.blocks)


async def test_structured_output_is_the_summary_as_json(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    output = {"ticket": 7, "priority": "high"}
    await backend.send(make_notification(output=output))

    [posted] = slack.messages
    summary = posted.blocks[2]["text"]["text"]
    assert summary.startswith("*Summary*\n```")
    assert json.loads(summary.removeprefix("*Summary*\n```").removesuffix("```")) == output


async def test_long_results_and_errors_fit_slacks_block_limits(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    # The fake answers invalid_blocks, as Slack does, for a section over 3,000 characters.
    long = "<x> & " * 2_000
    await backend.send(
        make_notification(
            event=NotificationEvent.ON_ERROR,
            agent_id="a" * 200,
            result_text=long,
            error=long,
        )
    )

    [posted] = slack.messages
    sections = [block["text"]["text"] for block in posted.blocks if "text" in block]
    assert all(len(text) <= 3000 for text in sections)
    summary = posted.blocks[2]["text"]["text"]
    assert summary.endswith("… (truncated)")
    assert "&lt;x&gt; &amp; " in summary


async def test_mrkdwn_control_characters_are_escaped(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(make_notification(result_text="<!channel> see <https://evil|here> & co"))

    summary = slack.messages[0].blocks[2]["text"]["text"]
    assert summary == "*Summary*\n&lt;!channel&gt; see &lt;https://evil|here&gt; &amp; co"


async def test_an_empty_target_goes_to_the_default_channel(
    make_backend: MakeBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    backend = make_backend(default_channel="#alerts")
    await backend.send(make_notification(target=""))
    await make_backend().send(make_notification(target=""))

    assert [message.channel for message in slack.messages] == ["#alerts", "#agent-alerts"]


async def test_a_channel_id_target_is_accepted(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(make_notification(target=slack.channel_id("#alerts")))

    assert [message.channel for message in slack.messages] == ["C00000002"]


async def test_a_closed_backend_opens_a_new_client_on_the_next_send(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await backend.send(make_notification())
    await backend.aclose()
    await backend.aclose()
    await backend.send(make_notification())

    assert len(slack.messages) == 2


async def test_the_backend_is_an_async_context_manager(
    slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    async with SlackBackend(slack.token, base_url=slack.base_url) as backend:
        await backend.send(make_notification())

    assert backend.name == "slack"
    assert len(slack.messages) == 1
