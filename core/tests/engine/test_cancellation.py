"""CancellationToken and CancellationRegistry on their own."""

from __future__ import annotations

import asyncio

import pytest

from agent_gateway_core.engine.cancellation import CancellationRegistry, CancellationToken
from agent_gateway_core.errors import ExecutionCancelledError, ExecutionHandedBackError

pytestmark = pytest.mark.unit


async def test_run_returns_the_result_when_not_cancelled() -> None:
    async def answer() -> int:
        return 42

    assert await CancellationToken("e1").run(answer()) == 42


async def test_cancel_interrupts_the_call_in_flight() -> None:
    token = CancellationToken("e1")
    interrupted = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            interrupted.set()
            raise

    async def cancel_soon() -> None:
        await asyncio.sleep(0.01)
        token.cancel()

    canceller = asyncio.create_task(cancel_soon())
    with pytest.raises(ExecutionCancelledError, match="execution was cancelled") as caught:
        await asyncio.wait_for(token.run(forever()), timeout=1)
    await canceller

    assert interrupted.is_set()
    assert caught.value.execution_id == "e1"


async def test_run_after_cancel_does_not_start_the_call() -> None:
    token = CancellationToken("e1")
    token.cancel()
    started: list[bool] = []

    async def work() -> None:
        started.append(True)

    with pytest.raises(ExecutionCancelledError):
        await token.run(work())
    assert started == []
    with pytest.raises(ExecutionCancelledError):
        token.raise_if_cancelled()


async def test_cancelling_the_caller_is_not_mistaken_for_a_token_cancel() -> None:
    token = CancellationToken("e1")

    async def caller() -> None:
        await token.run(asyncio.Event().wait())

    task = asyncio.create_task(caller())
    await asyncio.sleep(0.01)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert token.cancelled is False


def test_registry_cancels_registered_tokens_only() -> None:
    registry = CancellationRegistry()
    token = CancellationToken("e1")
    registry.add(token)

    assert "e1" in registry
    assert registry.cancel("e1") is True
    assert token.cancelled
    assert registry.cancel("e2") is False


def test_registry_remove_keeps_a_newer_token_for_the_same_id() -> None:
    registry = CancellationRegistry()
    old, new = CancellationToken("e1"), CancellationToken("e1")
    registry.add(old)
    registry.add(new)

    registry.remove(old)

    assert "e1" in registry
    registry.remove(new)
    assert "e1" not in registry


async def test_hand_back_interrupts_the_call_in_flight_with_its_own_error() -> None:
    token = CancellationToken("e1")
    running = asyncio.create_task(token.run(asyncio.Event().wait()))
    await asyncio.sleep(0.01)

    token.hand_back()

    with pytest.raises(ExecutionHandedBackError) as caught:
        await running
    assert caught.value.execution_id == "e1"
    assert (token.cancelled, token.handing_back) == (True, True)
    with pytest.raises(ExecutionHandedBackError):
        token.raise_if_cancelled()


@pytest.mark.parametrize("cancel_first", [True, False], ids=["cancel-first", "hand-back-first"])
def test_a_cancel_wins_over_a_hand_back_whichever_came_first(cancel_first: bool) -> None:
    token = CancellationToken("e1")
    for stop in (
        [token.cancel, token.hand_back] if cancel_first else [token.hand_back, token.cancel]
    ):
        stop()

    assert (token.cancelled, token.handing_back) == (True, False)
    with pytest.raises(ExecutionCancelledError):
        token.raise_if_cancelled()


def test_registry_hands_back_a_token_now_or_as_soon_as_it_is_added() -> None:
    registry = CancellationRegistry()
    running = CancellationToken("e1")
    registry.add(running)

    registry.hand_back_when_started("e1")
    registry.hand_back_when_started("e2")
    later = CancellationToken("e2")
    registry.add(later)

    assert running.handing_back is True
    assert later.handing_back is True
    registry.forget("e3")
    registry.forget("e2")
    again = CancellationToken("e2")
    registry.add(again)
    assert again.cancelled is False  # forgotten: a new run of it is not handed back
