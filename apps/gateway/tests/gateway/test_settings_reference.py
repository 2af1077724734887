"""The existing product's gateway.yaml sections: accepted with its keys, strict about typos, and
the queue keys that mean something for the in-memory queue in effect."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import yaml
from dependency_injector import providers

from agent_gateway import Gateway
from agent_gateway.settings import GatewaySettings
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.errors import WorkspaceError
from agent_gateway_core.in_memory import InMemoryExecutionQueue
from agent_gateway_core.ports.execution_queue import ExecutionJob
from agent_gateway_core.testing import ScriptedLLM

pytestmark = pytest.mark.integration

WriteWorkspace = Callable[..., Path]

REFERENCE_DEFAULTS = (
    Path(__file__).parents[4] / "tests/compat/fixtures/reference_defaults/workspace/gateway.yaml"
)


def test_the_existing_products_default_config_is_accepted_with_its_values() -> None:
    config = yaml.safe_load(REFERENCE_DEFAULTS.read_text())

    settings = GatewaySettings.from_config(config)

    assert settings.scheduler.distributed_lock.key_prefix == "ag:sched-lock:"
    assert settings.memory.compaction.decay_factor == 0.95
    assert settings.dashboard.theme.colors.sidebar_dark == "#0b0f1a"
    assert settings.dashboard.auth.session_cookie_same_site == "lax"
    assert settings.notifications.slack.default_channel == "#agent-alerts"
    assert settings.telemetry.exporter == "console"
    assert settings.rate_limit.default_limit == "100/minute"
    assert settings.mcp.tool_call_timeout_ms == 30_000
    assert (settings.queue.backend, settings.queue.workers) == ("none", 4)
    assert settings.queue.stream_key == "ag:executions"


def test_notification_secrets_are_not_shown() -> None:
    settings = GatewaySettings.from_config(
        {"notifications": {"slack": {"bot_token": "xoxb-secret"}}}
    )

    assert "xoxb-secret" not in repr(settings)
    assert settings.notifications.slack.bot_token.get_secret_value() == "xoxb-secret"


@pytest.mark.parametrize(
    ("section", "field", "suggestion"),
    [
        ("scheduler:\n  enabeld: true\n", "scheduler.enabeld", "enabled"),
        ("scheduler:\n  distributed_lock:\n    ttl: 1\n", "scheduler.distributed_lock.ttl", None),
        ("queue:\n  wokers: 4\n", "queue.wokers", "workers"),
        ("dashboard:\n  theme:\n    colrs: {}\n", "dashboard.theme.colrs", "colors"),
        (
            "notifications:\n  slack:\n    bot_tokn: x\n",
            "notifications.slack.bot_tokn",
            "bot_token",
        ),
        (
            "notifications:\n  webhooks:\n    - {name: a, url: 'https://x.test', evnts: []}\n",
            "notifications.webhooks.0.evnts",
            "events",
        ),
        ("memory:\n  compaction:\n    enbled: true\n", "memory.compaction.enbled", "enabled"),
        ("rate_limit:\n  default_limt: 5/minute\n", "rate_limit.default_limt", "default_limit"),
        ("telemetry:\n  sample_rat: 0.5\n", "telemetry.sample_rat", "sample_rate"),
        ("mcp:\n  tool_call_timeout: 5\n", "mcp.tool_call_timeout", "tool_call_timeout_ms"),
    ],
)
async def test_a_typo_in_a_section_names_the_key_and_suggests_the_right_one(
    write_workspace: WriteWorkspace, section: str, field: str, suggestion: str | None
) -> None:
    with pytest.raises(WorkspaceError) as caught:
        await Gateway(workspace=write_workspace(yaml=section), auth=False).startup()

    [problem] = caught.value.problems
    assert (problem.path, problem.field) == ("gateway.yaml", field)
    typo = field.rsplit(".", 1)[1]
    if suggestion is None:
        assert problem.message == (
            f"unknown key {typo!r}; allowed keys: "
            "backend, enabled, key_prefix, lock_ttl_seconds, redis_url"
        )
    else:
        assert problem.message == f"unknown key {typo!r}; did you mean {suggestion!r}?"


async def test_the_in_memory_queue_takes_max_retries_and_visibility_timeout_from_the_file(
    write_workspace: WriteWorkspace,
) -> None:
    workspace = write_workspace(yaml="queue:\n  max_retries: 1\n  visibility_timeout_s: 42\n")
    gw = Gateway(workspace=workspace, auth=False)
    gw.container.llm.override(providers.Object(ScriptedLLM()))

    async with gw:
        assert gw.services is not None
        queue = gw.services.queue

    assert isinstance(queue, InMemoryExecutionQueue)
    assert queue.max_attempts == 2  # the first attempt and one retry
    assert queue.visibility_timeout_seconds == 42


async def test_with_max_retries_0_a_failing_job_is_dead_lettered_after_one_attempt(
    write_workspace: WriteWorkspace,
) -> None:
    gw = Gateway(workspace=write_workspace(yaml="queue:\n  max_retries: 0\n"), auth=False)
    gw.container.llm.override(providers.Object(ScriptedLLM()))

    async with gw:
        services = gw.services
        assert services is not None
        assert services.queue is not None
        now = services.clock.now()
        await services.persistence.executions.create(
            ExecutionRecord(
                id="e-1",
                agent_id="assistant",
                status=ExecutionStatus.QUEUED,
                message="hi",
                created_at=now,
            )
        )
        # An invalid temperature fails the run unexpectedly, as in the worker's tests.
        await services.queue.enqueue(
            ExecutionJob(
                execution_id="e-1",
                agent_id="assistant",
                enqueued_at=now,
                payload={"options": {"temperature": 9}},
            )
        )
        record = await _failed(services.persistence.executions.get, "e-1")

        assert record.error is not None
        assert record.error.startswith("gave up after 1 attempt(s)")
        assert [job.execution_id for job in await services.queue.dead_letters()] == ["e-1"]


async def _failed(
    get: Callable[[str], Awaitable[ExecutionRecord | None]], execution_id: str
) -> ExecutionRecord:
    async with asyncio.timeout(5):
        while True:
            record = await get(execution_id)
            assert record is not None
            if record.status is ExecutionStatus.FAILED:
                return record
            await asyncio.sleep(0.02)
