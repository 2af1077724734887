"""Block Kit templates: chosen by name or by event, rendered in Jinja2's sandbox; a broken
template is a permanent failure that names it, and nothing is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway_core.domain.notification import NotificationEvent
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_slack import SlackBackend
from agent_gateway_testing.fake_slack import FakeSlackServer

from .conftest import MakeBackend, MakeNotification

pytestmark = pytest.mark.integration

FAILED_TEMPLATE = """\
[
  {"type": "header", "text": {"type": "plain_text", "text": {{ ("Failed: " ~ notification.agent_id) | tojson }}}},
  {"type": "section", "text": {"type": "mrkdwn", "text": {{ notification.error | tojson }}}}
]
"""


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    directory = tmp_path / "templates"
    directory.mkdir()
    (directory / "execution.failed.json.j2").write_text(FAILED_TEMPLATE)
    return directory


@pytest.fixture
def templated(make_backend: MakeBackend, templates: Path) -> SlackBackend:
    return make_backend(templates_dir=templates)


def _write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text)


async def test_the_event_template_renders_failed_events(
    templated: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await templated.send(make_notification(event=NotificationEvent.ON_ERROR, error='"quoted"'))

    [posted] = slack.messages
    assert posted.blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "Failed: support-bot"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": '"quoted"'}},
    ]
    # A template of bare blocks keeps the built-in fallback text.
    assert posted.text == ":x: Agent support-bot failed (execution exec_0123)"


async def test_other_events_keep_the_built_in_message(
    templated: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    await templated.send(make_notification())

    assert slack.messages[0].blocks[0]["type"] == "header"
    assert slack.messages[0].blocks[1]["type"] == "section"
    assert "Failed:" not in str(slack.messages[0].blocks)


async def test_default_template_serves_every_event_without_its_own(
    templated: SlackBackend,
    templates: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    _write(
        templates,
        "default.json.j2",
        '{"text": {{ ("done: " ~ outcome) | tojson }}, "blocks": {{ default_blocks | tojson }}}',
    )

    await templated.send(make_notification(event=NotificationEvent.ON_TIMEOUT))
    await templated.send(make_notification(event=NotificationEvent.ON_ERROR))

    timeout, failed = slack.messages
    assert timeout.text == "done: timed out"
    assert timeout.blocks[0]["text"]["text"] == ":hourglass: support-bot timed out"
    assert failed.blocks[0]["text"]["text"] == "Failed: support-bot"


async def test_a_named_template_wins_over_the_event_template(
    templated: SlackBackend,
    templates: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    _write(
        templates,
        "oncall.json.j2",
        """{"text": "Paging on-call for {{ notification.agent_id }} in {{ channel }}",
            "blocks": [{"type": "section",
                        "text": {"type": "mrkdwn", "text": "{{ emoji }} took {{ duration }}"}}]}""",
    )

    await templated.send(
        make_notification(event=NotificationEvent.ON_ERROR, template="oncall", duration_ms=1500)
    )
    await templated.send(make_notification(template="oncall.json.j2", target=""))

    first, second = slack.messages
    assert first.text == "Paging on-call for support-bot in #alerts"
    assert first.blocks[0]["text"]["text"] == ":x: took 1.5 s"
    assert second.text == "Paging on-call for support-bot in #agent-alerts"


async def test_templates_of_the_existing_product_render_unchanged(
    make_backend: MakeBackend,
    tmp_path: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    _write(
        tmp_path,
        "default-completed.json.j2",
        """[{"type": "section", "text": {"type": "mrkdwn",
             "text": "{{ event.type }} {{ event.agent_id }} {{ event.result.output }} {{ target.target }}"}}]""",
    )
    backend = make_backend(templates_dir=tmp_path)

    await backend.send(make_notification(output="42"))

    text = slack.messages[0].blocks[0]["text"]["text"]
    assert text == "execution.completed support-bot 42 #alerts"


@pytest.mark.parametrize(
    ("name", "source", "problem"),
    [
        ("missing", None, "not found"),
        ("syntax", "[{{ notification.agent_id ]", "TemplateSyntaxError"),
        ("undefined", "[{{ notification.no_such_field | tojson }}]", "UndefinedError"),
        ("not_json", "[{{ notification.agent_id }}]", "did not render valid JSON"),
        ("not_blocks", '{"text": "no blocks"}', "array of blocks or an object with 'blocks'"),
        ("bad_blocks", '{"blocks": ["header"]}', "'blocks' must be an array of objects"),
        ("bad_text", '{"blocks": [], "text": 5}', "'text' must be a string"),
        ("includes", '{% include "other.json.j2" %}', "included 'other.json.j2'"),
    ],
)
async def test_a_broken_template_is_permanent_and_nothing_is_sent(
    name: str,
    source: str | None,
    problem: str,
    templated: SlackBackend,
    templates: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    if source is not None:
        _write(templates, f"{name}.json.j2", source)

    with pytest.raises(NotificationDeliveryError) as raised:
        await templated.send(make_notification(template=name))

    assert raised.value.permanent is True
    assert f"Slack template '{name}.json.j2'" in str(raised.value)
    assert problem in str(raised.value)
    assert slack.requests == []


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() | tojson }}",
        "{{ notification.__class__ | tojson }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() | tojson }}",
        "{{ default_text.format.__globals__ | tojson }}",
    ],
)
async def test_a_template_cannot_escape_the_sandbox(
    escape: str,
    templated: SlackBackend,
    templates: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    _write(templates, "escape.json.j2", f'{{"blocks": [], "text": {escape}}}')

    with pytest.raises(
        NotificationDeliveryError, match=r"Slack template 'escape\.json\.j2'"
    ) as raised:
        await templated.send(make_notification(template="escape"))

    assert raised.value.permanent is True
    assert "SecurityError" in str(raised.value)
    assert "is unsafe" in str(raised.value)
    assert slack.requests == []


async def test_a_template_name_cannot_leave_the_directory(
    make_backend: MakeBackend,
    tmp_path: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    inside = tmp_path / "templates"
    inside.mkdir()
    _write(tmp_path, "secret.json.j2", '[{"type": "divider"}]')
    backend = make_backend(templates_dir=inside)

    with pytest.raises(NotificationDeliveryError, match="not found") as raised:
        await backend.send(make_notification(template="../secret"))

    assert raised.value.permanent is True
    assert slack.requests == []


async def test_a_named_template_without_a_templates_dir_is_permanent(
    backend: SlackBackend, slack: FakeSlackServer, make_notification: MakeNotification
) -> None:
    with pytest.raises(NotificationDeliveryError, match="no templates_dir") as raised:
        await backend.send(make_notification(template="oncall"))

    assert raised.value.permanent is True
    assert slack.requests == []


async def test_blocks_slack_refuses_are_a_permanent_invalid_blocks(
    templated: SlackBackend,
    templates: Path,
    slack: FakeSlackServer,
    make_notification: MakeNotification,
) -> None:
    _write(
        templates,
        "long.json.j2",
        '[{"type": "header", "text": {"type": "plain_text", "text": "{{ "x" * 200 }}"}}]',
    )

    with pytest.raises(NotificationDeliveryError, match="invalid_blocks") as raised:
        await templated.send(make_notification(template="long"))

    assert raised.value.permanent is True
    assert [request.outcome for request in slack.requests] == ["invalid_blocks"]
