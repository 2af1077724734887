"""Notifications of execution ends: written before the first attempt, retried with backoff,
failed for good when they must, once per event and target, resumed by any runtime."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core import Runtime
from agent_gateway_core.domain.agent import (
    AgentDefinition,
    ModelConfig,
    NotificationConfig,
    NotificationTarget,
)
from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus
from agent_gateway_core.domain.notification import DeliveryStatus, NotificationEvent
from agent_gateway_core.notifications import DeliveryConfig
from agent_gateway_core.ports.persistence import NotificationQuery
from agent_gateway_core.testing import (
    InMemoryPersistence,
    ManualClock,
    RecordingNotificationBackend,
    ScriptedLLM,
    ScriptedReply,
)
from agent_gateway_core.workspace.state import WorkspaceState

pytestmark = pytest.mark.unit

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
MODEL = ModelConfig(name="test/model")
SLACK = NotificationTarget(channel="slack", target="#ops")
HOOK = NotificationTarget(channel="webhook", target="crm")
CONFIG = DeliveryConfig(max_attempts=4, retry_base_seconds=2.0, poll_seconds=1.0)


def reporter(**notifications: tuple[NotificationTarget, ...]) -> AgentDefinition:
    return AgentDefinition(
        id="reporter",
        prompt="Report.",
        model=MODEL,
        notifications=NotificationConfig(**notifications),
    )


async def settle() -> None:
    for _ in range(100):
        await asyncio.sleep(0)


class Harness:
    def __init__(self) -> None:
        self.clock = ManualClock(START)
        self.persistence = InMemoryPersistence()
        self.llm = ScriptedLLM()
        self.slack = RecordingNotificationBackend("slack", failing_targets={"#gone"})
        self.webhook = RecordingNotificationBackend("webhook")
        self.runtimes: list[Runtime] = []

    async def runtime(self, agent: AgentDefinition, config: DeliveryConfig = CONFIG) -> Runtime:
        runtime = Runtime(
            workspace=WorkspaceState(root=None, agents={agent.id: agent}),
            llm=self.llm,
            persistence=self.persistence,
            clock=self.clock,
            instance_lease_seconds=86_400,
        )
        self.runtimes.append(runtime)
        await runtime.start()
        runtime.start_notifications({"slack": self.slack, "webhook": self.webhook}, config)
        return runtime

    async def advance(self, seconds: float, step: float = 0.5) -> None:
        await settle()
        for _ in range(int(seconds / step)):
            self.clock.advance(step)
            await settle()

    async def log(self) -> list[Any]:
        page = await self.persistence.notifications.query(NotificationQuery(limit=100))
        return sorted(page.items, key=lambda d: (d.channel, d.target))


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    made = Harness()
    yield made
    for runtime in made.runtimes:
        await runtime.aclose()


async def test_a_completed_run_notifies_each_target_once(harness: Harness) -> None:
    runtime = await harness.runtime(reporter(on_complete=(SLACK, HOOK)))
    result = await runtime.invoke("reporter", "Daily numbers")
    await harness.advance(1)
    [slack] = harness.slack.sent
    assert (slack.event, slack.target, slack.status, slack.message) == (
        NotificationEvent.ON_COMPLETE,
        "#ops",
        "succeeded",
        "Daily numbers",
    )
    assert (slack.execution_id, slack.result_text) == (result.execution_id, result.raw_text)
    assert [n.target for n in harness.webhook.sent] == ["crm"]
    log = await harness.log()
    assert [(d.channel, d.target, d.status, d.attempts) for d in log] == [
        ("slack", "#ops", DeliveryStatus.DELIVERED, 1),
        ("webhook", "crm", DeliveryStatus.DELIVERED, 1),
    ]
    assert all(d.delivered_at == harness.clock.now() or d.delivered_at for d in log)
    assert slack.delivery_id == next(d.id for d in log if d.channel == "slack")


async def test_only_the_event_that_happened_is_notified(harness: Harness) -> None:
    harness.llm.push(ScriptedReply(status=500, error_message="model down"))
    runtime = await harness.runtime(reporter(on_complete=(SLACK,), on_error=(HOOK,)))
    result = await runtime.invoke("reporter", "Numbers")
    assert result.status is ExecutionStatus.FAILED
    await harness.advance(1)
    assert harness.slack.attempts == []
    [sent] = harness.webhook.sent
    assert (sent.event, sent.status) == (NotificationEvent.ON_ERROR, "failed")
    assert sent.error


async def test_a_failing_channel_is_retried_with_backoff_until_delivered(
    harness: Harness,
) -> None:
    harness.slack.fail_next(2)
    runtime = await harness.runtime(reporter(on_complete=(SLACK,)))
    await runtime.invoke("reporter", "Numbers")
    await harness.advance(0.5)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "slack: channel down (scripted failure)"
    first_wait = (delivery.next_attempt_at - harness.clock.now()).total_seconds()
    assert 0.5 <= first_wait <= 2.0  # base 2 s, jittered between half and all of it
    await harness.advance(10)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.DELIVERED,
        3,
        None,
    )
    assert len(harness.slack.attempts) == 3
    assert len(harness.slack.sent) == 1


async def test_a_permanent_failure_is_not_retried(harness: Harness) -> None:
    gone = NotificationTarget(channel="slack", target="#gone")
    runtime = await harness.runtime(reporter(on_complete=(gone,)))
    await runtime.invoke("reporter", "Numbers")
    await harness.advance(30)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "rejects deliveries" in (delivery.last_error or "")
    assert len(harness.slack.attempts) == 1


async def test_attempts_end_failed_after_max_attempts(harness: Harness) -> None:
    harness.slack.fail_next(100)
    runtime = await harness.runtime(reporter(on_complete=(SLACK,)))
    await runtime.invoke("reporter", "Numbers")
    await harness.advance(120)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)
    assert len(harness.slack.attempts) == 4


async def test_a_channel_without_a_backend_fails_saying_so(harness: Harness) -> None:
    email = NotificationTarget(channel="email", target="ops@example.com")
    runtime = await harness.runtime(reporter(on_complete=(email,)))
    await runtime.invoke("reporter", "Numbers")
    await harness.advance(1)
    [delivery] = await harness.log()
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.last_error == "no 'email' notification backend (configured: slack, webhook)"


async def test_the_same_end_reported_twice_is_notified_once(harness: Harness) -> None:
    runtime = await harness.runtime(reporter(on_complete=(SLACK,)))
    dispatcher = runtime.notifications
    assert dispatcher is not None
    result = ExecutionResult(execution_id="exec-1", status=ExecutionStatus.SUCCEEDED)
    for _ in range(2):  # a redelivered job's run ends twice
        dispatcher.execution_ended(
            agent_id="reporter", execution_id="exec-1", message="m", result=result
        )
    await harness.advance(1)
    assert len(harness.slack.sent) == 1
    assert len(await harness.log()) == 1


async def test_a_delivery_left_pending_is_resumed_by_another_runtime(harness: Harness) -> None:
    harness.slack.fail_next(1)
    first = await harness.runtime(reporter(on_complete=(SLACK,)))
    await first.invoke("reporter", "Numbers")
    await harness.advance(0.5)
    await first.aclose()  # stops between the attempts
    [delivery] = await harness.log()
    assert delivery.status is DeliveryStatus.PENDING
    await harness.runtime(reporter(on_complete=(SLACK,)))  # "after the restart"
    await harness.advance(5)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(harness.slack.sent) == 1


async def test_two_runtimes_deliver_each_notification_once(harness: Harness) -> None:
    agent = reporter(on_complete=(SLACK, HOOK))
    first = await harness.runtime(agent)
    await harness.runtime(agent)
    for n in range(10):
        await first.invoke("reporter", f"run {n}")
    await harness.advance(3)
    assert len(harness.slack.sent) == 10
    assert len({n.execution_id for n in harness.slack.sent}) == 10
    assert len(harness.webhook.sent) == 10


async def test_a_failed_delivery_can_be_retried(harness: Harness) -> None:
    gone = NotificationTarget(channel="slack", target="#gone")
    runtime = await harness.runtime(reporter(on_complete=(gone,)))
    await runtime.invoke("reporter", "Numbers")
    await harness.advance(1)
    [delivery] = await harness.log()
    harness.slack.failing_targets.clear()  # the channel was created meanwhile
    dispatcher = runtime.notifications
    assert dispatcher is not None
    assert await dispatcher.retry(delivery.id) is True
    assert await dispatcher.retry(delivery.id) is False  # pending now, not failed
    assert await dispatcher.retry("unknown") is False
    await harness.advance(1)
    [delivery] = await harness.log()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


async def test_the_store_being_down_never_fails_the_execution(harness: Harness) -> None:
    runtime = await harness.runtime(reporter(on_complete=(SLACK,)))
    result = await runtime.invoke("reporter", "Numbers")
    assert result.status is ExecutionStatus.SUCCEEDED
    harness.persistence.available = False
    await harness.advance(3)  # the loop's passes fail and are logged
    harness.persistence.available = True
    await harness.advance(3)
    assert len(harness.slack.sent) == 1


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    config = DeliveryConfig(retry_base_seconds=2.0, max_backoff_seconds=300.0)
    rng = random.Random(7)
    for attempts, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (10, 300.0)]:
        delay = config.retry_delay(attempts, rng=rng)
        assert ceiling / 2 <= delay <= ceiling, (attempts, delay)
    assert config.retry_delay(1, retry_after=30.0, rng=rng) == 30.0  # Retry-After wins
