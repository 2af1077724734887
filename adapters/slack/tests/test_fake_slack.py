"""The fake Slack API answers the way Slack does, to slack-sdk's sync and async clients."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from agent_gateway_testing.fake_slack import FakeSlackServer, ScriptedFailure

pytestmark = pytest.mark.integration


def test_a_sync_client_posts_a_form_body_to_a_server_in_a_thread() -> None:
    with FakeSlackServer(channels=["ops"]).running_in_thread() as slack:
        client = WebClient(token=slack.token, base_url=slack.base_url, retry_handlers=[])
        response = client.api_call(
            "chat.postMessage",
            data={"channel": "#ops", "text": "hi", "blocks": '[{"type": "divider"}]'},
        )

    assert response["ok"] is True
    assert response["channel"] == slack.channel_id("ops") == "C00000001"
    assert response["message"]["blocks"] == [{"type": "divider"}]
    [posted] = slack.messages
    assert (posted.channel, posted.text, posted.blocks) == ("#ops", "hi", [{"type": "divider"}])


async def _post(client: AsyncWebClient, **kwargs: Any) -> str:
    """The error code Slack answered, or ``ok``."""
    try:
        await client.chat_postMessage(**kwargs)
    except SlackApiError as exc:
        return str(exc.response["error"])
    return "ok"


async def _post_raw(client: AsyncWebClient, body: dict[str, object]) -> str:
    """As :func:`_post`, past slack-sdk's checks (it warns about a message without text)."""
    try:
        await client.api_call("chat.postMessage", json=body)
    except SlackApiError as exc:
        return str(exc.response["error"])
    return "ok"


async def test_answers_like_slack() -> None:
    async with FakeSlackServer() as slack:
        good = AsyncWebClient(token=slack.token, base_url=slack.base_url, retry_handlers=[])
        bad = AsyncWebClient(token="xoxb-other", base_url=slack.base_url, retry_handlers=[])
        anonymous = AsyncWebClient(base_url=slack.base_url, retry_handlers=[])
        outcomes = [
            await _post(good, channel="#general", text="hello"),
            await _post(bad, channel="#general", text="hello"),
            await _post(anonymous, channel="#general", text="hello"),
            await _post(good, channel="#random", text="hello"),
            await _post_raw(good, {"channel": "#general", "text": ""}),
            await _post(good, channel="#general", text="x" * 40_001),
            await _post(good, channel="#general", text="t", blocks=[{"type": "section"}]),
        ]
        with pytest.raises(SlackApiError) as unknown:
            await good.api_call("chat.unknown", json={})

    assert outcomes == [
        "ok",
        "invalid_auth",
        "not_authed",
        "channel_not_found",
        "no_text",
        "msg_too_long",
        "invalid_blocks",
    ]
    assert unknown.value.response["error"] == "unknown_method"
    assert [request.outcome for request in slack.requests] == [*outcomes, "unknown_method"]
    assert len(slack.messages) == 1


async def test_scripted_failures_answer_the_next_requests_in_order() -> None:
    async with FakeSlackServer() as slack:
        client = AsyncWebClient(token=slack.token, base_url=slack.base_url, retry_handlers=[])
        slack.push(ScriptedFailure(error="fatal_error"))
        slack.rate_limit_next(2, retry_after=3)
        assert slack.pending == 3
        with pytest.raises(SlackApiError) as first:
            await client.chat_postMessage(channel="#general", text="a")
        with pytest.raises(SlackApiError) as second:
            await client.chat_postMessage(channel="#general", text="a")
        outcomes = [await _post(client, channel="#general", text="a") for _ in range(2)]

    assert first.value.response["error"] == "fatal_error"
    assert second.value.response.status_code == 429
    assert second.value.response.headers["Retry-After"] == "3"
    assert outcomes == ["ratelimited", "ok"]
    assert slack.pending == 0


def test_base_url_needs_a_started_server() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = FakeSlackServer().base_url
