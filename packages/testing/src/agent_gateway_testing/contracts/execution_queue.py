"""Contract of ExecutionQueue: delivery, visibility, retries, dead letters and cancellation."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from agent_gateway_core.domain.ids import new_execution_id
from agent_gateway_core.ports.execution_queue import Delivery, ExecutionJob, ExecutionQueue
from agent_gateway_testing.contracts._required import fixture_required
from agent_gateway_testing.contracts.timing import AdvanceTime, let_real_time_pass


def job(execution_id: str | None = None, **payload: str) -> ExecutionJob:
    return ExecutionJob(
        execution_id=execution_id or new_execution_id(),
        agent_id="agent-a",
        enqueued_at=datetime(2024, 1, 1, tzinfo=UTC),
        payload=dict(payload),
    )


class ExecutionQueueContract:
    """Every sentence of the ExecutionQueue docstring.

    Subclasses override ``queue`` with an EMPTY queue whose ``max_attempts`` is at least 2 and
    whose visibility timeout and cancellation TTL are this class's values. Override
    ``advance_time`` when the queue runs on a fake clock; by default real time passes.
    """

    pytestmark = pytest.mark.asyncio

    visibility_timeout_seconds: ClassVar[float] = 0.5
    cancel_ttl_seconds: ClassVar[float] = 0.5
    # How long a receive may wait for a job that is certainly there; only slow brokers need more.
    wait_seconds: ClassVar[float] = 2.0
    # How long a receive waits to show that nothing is there.
    nothing_seconds: ClassVar[float] = 0.1

    @pytest.fixture
    def queue(self) -> ExecutionQueue:
        fixture_required(self, "queue", "an empty queue")

    @pytest.fixture
    def advance_time(self) -> AdvanceTime:
        return let_real_time_pass

    async def _receive(self, queue: ExecutionQueue) -> Delivery:
        delivery = await queue.receive(self.wait_seconds)
        assert delivery is not None, "expected a job, the queue handed out none"
        return delivery

    # ------------------------------------------------------------------ enqueue / receive

    async def test_receive_hands_out_the_enqueued_job_at_attempt_one(
        self, queue: ExecutionQueue
    ) -> None:
        sent = job(topic="contracts")
        await queue.enqueue(sent)
        delivery = await self._receive(queue)
        assert delivery.job.execution_id == sent.execution_id
        assert (delivery.job.agent_id, delivery.job.payload) == ("agent-a", {"topic": "contracts"})
        assert delivery.attempt == delivery.job.attempt == 1
        assert delivery.receipt

    async def test_receive_on_empty_queue_returns_none_after_the_timeout(
        self, queue: ExecutionQueue
    ) -> None:
        started = time.monotonic()
        assert await queue.receive(self.nothing_seconds) is None
        assert time.monotonic() - started >= self.nothing_seconds * 0.5

    async def test_receive_wakes_up_for_a_job_enqueued_while_waiting(
        self, queue: ExecutionQueue
    ) -> None:
        waiting = asyncio.create_task(queue.receive(self.wait_seconds))
        await asyncio.sleep(0.05)
        sent = job()
        await queue.enqueue(sent)
        delivery = await asyncio.wait_for(waiting, self.wait_seconds * 2)
        assert delivery is not None
        assert delivery.job.execution_id == sent.execution_id

    async def test_receive_hands_out_oldest_first(self, queue: ExecutionQueue) -> None:
        sent = [job() for _ in range(3)]
        for item in sent:
            await queue.enqueue(item)
        received = [(await self._receive(queue)).job.execution_id for _ in sent]
        assert received == [item.execution_id for item in sent]

    async def test_enqueue_of_an_already_pending_execution_is_a_no_op(
        self, queue: ExecutionQueue
    ) -> None:
        sent = job()
        await queue.enqueue(sent)
        await queue.enqueue(sent)
        assert await queue.pending_count() == 1
        await self._receive(queue)
        await queue.enqueue(sent)  # in flight still counts as pending
        assert await queue.pending_count() == 1
        assert await queue.receive(self.nothing_seconds) is None

    async def test_an_acked_execution_can_be_enqueued_again(self, queue: ExecutionQueue) -> None:
        sent = job()
        await queue.enqueue(sent)
        await queue.ack(await self._receive(queue))
        await queue.enqueue(sent)
        assert await queue.pending_count() == 1

    async def test_concurrent_consumers_get_different_jobs(self, queue: ExecutionQueue) -> None:
        sent = [job() for _ in range(5)]
        for item in sent:
            await queue.enqueue(item)
        deliveries = await asyncio.gather(*(self._receive(queue) for _ in sent))
        assert {d.job.execution_id for d in deliveries} == {item.execution_id for item in sent}

    # ------------------------------------------------------------------ visibility and ack

    async def test_a_received_job_is_invisible_to_other_consumers(
        self, queue: ExecutionQueue
    ) -> None:
        await queue.enqueue(job())
        await self._receive(queue)
        assert await queue.receive(self.nothing_seconds) is None

    async def test_an_unacked_job_is_delivered_again_after_the_visibility_timeout(
        self, queue: ExecutionQueue, advance_time: AdvanceTime
    ) -> None:
        sent = job()
        await queue.enqueue(sent)
        first = await self._receive(queue)
        await advance_time(self.visibility_timeout_seconds * 1.5)
        again = await self._receive(queue)
        assert again.job.execution_id == sent.execution_id
        assert again.attempt == again.job.attempt == first.attempt + 1
        assert again.receipt != first.receipt

    async def test_an_extended_delivery_is_not_delivered_again_while_extended(
        self, queue: ExecutionQueue, advance_time: AdvanceTime
    ) -> None:
        assert queue.visibility_timeout_seconds == pytest.approx(self.visibility_timeout_seconds)
        await queue.enqueue(job())
        first = await self._receive(queue)
        for _ in range(3):  # 3 x 0.6 of the timeout: past it, had it not been extended
            await advance_time(self.visibility_timeout_seconds * 0.6)
            await queue.extend(first)
        assert await queue.receive(self.nothing_seconds) is None
        await advance_time(self.visibility_timeout_seconds * 1.5)  # no longer extended
        again = await self._receive(queue)
        assert again.job.execution_id == first.job.execution_id
        assert again.attempt == first.attempt + 1

    async def test_extending_an_acked_delivery_is_harmless(self, queue: ExecutionQueue) -> None:
        await queue.enqueue(job())
        delivery = await self._receive(queue)
        await queue.ack(delivery)
        await queue.extend(delivery)
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 0

    async def test_ack_removes_the_job_for_good(
        self, queue: ExecutionQueue, advance_time: AdvanceTime
    ) -> None:
        await queue.enqueue(job())
        delivery = await self._receive(queue)
        await queue.ack(delivery)
        await queue.ack(delivery)  # twice is harmless
        await advance_time(self.visibility_timeout_seconds * 1.5)
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 0

    # ------------------------------------------------------------------ retry / dead letters

    async def test_retry_puts_the_job_back_with_the_next_attempt(
        self, queue: ExecutionQueue
    ) -> None:
        sent = job()
        await queue.enqueue(sent)
        first = await self._receive(queue)
        assert await queue.retry(first, "model timed out") is True
        again = await self._receive(queue)
        assert again.job.execution_id == sent.execution_id
        assert again.attempt == again.job.attempt == 2

    async def test_retry_after_max_attempts_moves_the_job_to_dead_letters(
        self, queue: ExecutionQueue
    ) -> None:
        assert queue.max_attempts >= 2, "the contract needs a queue with max_attempts >= 2"
        sent = job()
        await queue.enqueue(sent)
        outcomes = []
        for _ in range(queue.max_attempts):
            outcomes.append(await queue.retry(await self._receive(queue), "still failing"))
        assert outcomes == [True] * (queue.max_attempts - 1) + [False]
        assert [j.execution_id for j in await queue.dead_letters()] == [sent.execution_id]
        assert await queue.pending_count() == 0
        assert await queue.receive(self.nothing_seconds) is None

    async def test_dead_letters_are_listed_oldest_first(self, queue: ExecutionQueue) -> None:
        assert await queue.dead_letters() == []
        first, second = job(), job()
        for item in (first, second):
            await queue.enqueue(item)
            for _ in range(queue.max_attempts):
                await queue.retry(await self._receive(queue), "failing")
        listed = await queue.dead_letters()
        assert [j.execution_id for j in listed] == [first.execution_id, second.execution_id]

    # ------------------------------------------------------------------ release

    async def test_a_released_job_is_received_again_at_once_on_the_same_attempt(
        self, queue: ExecutionQueue
    ) -> None:
        sent = job(topic="handed back")
        await queue.enqueue(sent)
        first = await self._receive(queue)
        await queue.release(first)
        # Well within the visibility timeout: nothing had to expire for it to come back.
        again = await queue.receive(self.visibility_timeout_seconds * 0.5)
        assert again is not None, "a released job was not handed out again at once"
        assert again.job.execution_id == sent.execution_id
        assert again.job.payload == {"topic": "handed back"}
        assert again.attempt == again.job.attempt == first.attempt == 1
        assert again.receipt != first.receipt

    async def test_a_consumer_waiting_in_receive_gets_a_released_job(
        self, queue: ExecutionQueue
    ) -> None:
        sent = job()
        await queue.enqueue(sent)
        first = await self._receive(queue)
        waiting = asyncio.create_task(queue.receive(self.wait_seconds))
        await asyncio.sleep(0.05)
        await queue.release(first)
        again = await asyncio.wait_for(waiting, self.wait_seconds * 2)
        assert again is not None
        assert again.job.execution_id == sent.execution_id
        assert again.attempt == first.attempt

    async def test_release_counts_no_attempt(self, queue: ExecutionQueue) -> None:
        sent = job()
        await queue.enqueue(sent)
        for _ in range(queue.max_attempts + 1):  # more releases than attempts allowed
            await queue.release(await self._receive(queue))
        delivery = await self._receive(queue)
        assert delivery.attempt == 1
        assert await queue.dead_letters() == []
        assert await queue.retry(delivery, "failed once") is True
        retried = await self._receive(queue)
        await queue.release(retried)
        again = await self._receive(queue)
        assert again.attempt == again.job.attempt == 2  # released on the attempt it was on

    async def test_a_released_job_stays_pending(self, queue: ExecutionQueue) -> None:
        sent = job()
        await queue.enqueue(sent)
        await queue.release(await self._receive(queue))
        assert await queue.pending_count() == 1
        await queue.enqueue(sent)  # still pending: a no-op
        assert await queue.pending_count() == 1
        await self._receive(queue)
        assert await queue.receive(self.nothing_seconds) is None

    async def test_releasing_an_acked_or_released_delivery_is_harmless(
        self, queue: ExecutionQueue
    ) -> None:
        await queue.enqueue(job())
        acked = await self._receive(queue)
        await queue.ack(acked)
        await queue.release(acked)
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 0

        await queue.enqueue(job())
        released = await self._receive(queue)
        await queue.release(released)
        await queue.release(released)  # twice: the job is back once
        assert await queue.pending_count() == 1
        await self._receive(queue)
        assert await queue.receive(self.nothing_seconds) is None

    async def test_releasing_a_superseded_delivery_changes_nothing(
        self, queue: ExecutionQueue, advance_time: AdvanceTime
    ) -> None:
        await queue.enqueue(job())
        stale = await self._receive(queue)
        await advance_time(self.visibility_timeout_seconds * 1.5)
        current = await self._receive(queue)
        assert current.attempt == stale.attempt + 1
        await queue.release(stale)  # too late: must not hand out the job `current` holds
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 1
        await queue.ack(current)
        assert await queue.pending_count() == 0

    async def test_a_cancellation_drops_a_released_job(self, queue: ExecutionQueue) -> None:
        sent = job()
        await queue.enqueue(sent)
        delivery = await self._receive(queue)
        await queue.request_cancel(sent.execution_id)
        await queue.release(delivery)
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 0

    # ------------------------------------------------------------------ cancellation

    async def test_request_cancel_is_visible_through_is_cancel_requested(
        self, queue: ExecutionQueue
    ) -> None:
        await queue.request_cancel("exec-to-cancel")
        assert await queue.is_cancel_requested("exec-to-cancel") is True
        assert await queue.is_cancel_requested("exec-other") is False

    async def test_cancel_requests_expire_after_the_ttl(
        self, queue: ExecutionQueue, advance_time: AdvanceTime
    ) -> None:
        await queue.request_cancel("exec-to-cancel")
        await advance_time(self.cancel_ttl_seconds * 1.5)
        assert await queue.is_cancel_requested("exec-to-cancel") is False

    async def test_receive_drops_a_cancelled_job_not_yet_received(
        self, queue: ExecutionQueue
    ) -> None:
        cancelled, kept = job(), job()
        await queue.enqueue(cancelled)
        await queue.enqueue(kept)
        await queue.request_cancel(cancelled.execution_id)
        delivery = await self._receive(queue)
        assert delivery.job.execution_id == kept.execution_id
        assert await queue.receive(self.nothing_seconds) is None
        assert await queue.pending_count() == 1  # only the one in flight

    # ------------------------------------------------------------------ counting and closing

    async def test_pending_count_includes_jobs_in_flight(self, queue: ExecutionQueue) -> None:
        assert await queue.pending_count() == 0
        for _ in range(3):
            await queue.enqueue(job())
        delivery = await self._receive(queue)
        assert await queue.pending_count() == 3
        await queue.ack(delivery)
        assert await queue.pending_count() == 2

    async def test_aclose_twice_is_harmless(self, queue: ExecutionQueue) -> None:
        await queue.aclose()
        await queue.aclose()
