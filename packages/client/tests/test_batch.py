"""Batches: the concurrency limit holds at the model, results come as calls end, the first
error stops the batch (or is a result), and the progress bar; both clients."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

import pytest

from agent_gateway_client import (
    AsyncBatch,
    Batch,
    GatewayClient,
    GatewayClientSync,
    InvokeResult,
    NotFoundError,
)
from agent_gateway_core.testing import reply

from ._flavours import Both
from ._served import ScriptedModel, ServedGateway

pytestmark = pytest.mark.integration


async def execute(batch: Both) -> list[tuple[Any, Any]]:
    return [item async for item in batch.execute()]


async def test_the_concurrency_limit_holds_at_the_model(
    client: Both, model: ScriptedModel, served: ServedGateway
) -> None:
    model.push(*[reply(f"answer {n}", delay_seconds=0.2) for n in range(12)])
    served.model_server.reset_in_flight()
    batch = await client.create_batch(max_concurrency=3)
    for n in range(12):
        await batch.add(client.target.agents.invoke, "assistant", f"ticket {n}", tag=f"t{n}")

    results = await execute(batch)

    assert served.model_server.max_in_flight == 3
    assert sorted(tag for tag, _ in results) == sorted(f"t{n}" for n in range(12))
    assert all(isinstance(result, InvokeResult) for _, result in results)
    assert {result.raw_text for _, result in results} == {f"answer {n}" for n in range(12)}
    assert len(batch) == 0  # each call is taken once


async def test_a_failed_call_is_a_result_with_return_exceptions(client: Both) -> None:
    batch = await client.create_batch(return_exceptions=True)
    await batch.add(client.target.agents.get, "assistant")
    await batch.add(client.target.agents.get, "no-such-agent")

    results = dict(await execute(batch))  # default tags: the calls' positions

    assert results[0].id == "assistant"
    assert isinstance(results[1], NotFoundError)


async def test_the_first_failure_stops_the_batch(client: Both) -> None:
    batch = await client.create_batch(max_concurrency=1)
    await batch.add(client.target.agents.get, "no-such-agent")
    await batch.add(client.target.agents.get, "assistant")

    with pytest.raises(NotFoundError):
        await execute(batch)


# Without a gateway: the order of results, cancellation, calls added while it runs.


async def test_async_results_come_in_the_order_the_calls_end() -> None:
    async def wait(seconds: float) -> float:
        await asyncio.sleep(seconds)
        return seconds

    batch = AsyncBatch(max_concurrency=3)
    for seconds in (0.15, 0.05, 0.1):
        batch.add(wait, seconds, tag=seconds)

    assert [tag async for tag, _ in batch.execute()] == [0.05, 0.1, 0.15]


def test_sync_results_come_in_the_order_the_calls_end() -> None:
    def wait(seconds: float) -> float:
        time.sleep(seconds)
        return seconds

    batch = Batch(max_concurrency=3)
    for seconds in (0.15, 0.05, 0.1):
        batch.add(wait, seconds, tag=seconds)

    assert [tag for tag, _ in batch.execute()] == [0.05, 0.1, 0.15]


async def test_an_async_failure_cancels_the_calls_still_running() -> None:
    cancelled: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append("slow")
            raise

    async def fail() -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("boom")

    batch = AsyncBatch(max_concurrency=2)
    batch.add(slow)
    batch.add(fail)
    batch.add(slow)  # never starts

    with pytest.raises(RuntimeError, match="boom"):
        [item async for item in batch.execute()]
    assert cancelled == ["slow"]


def test_a_sync_failure_starts_no_other_call() -> None:
    started: list[int] = []

    def call(n: int) -> int:
        started.append(n)
        if n == 1:
            raise RuntimeError("boom")
        return n

    batch = Batch(max_concurrency=1)
    for n in range(1, 4):
        batch.add(call, n)

    with pytest.raises(RuntimeError, match="boom"):
        list(batch.execute())
    assert started == [1]


async def test_leaving_the_loop_early_cancels_the_rest() -> None:
    running = 0

    async def call(n: int) -> int:
        nonlocal running
        running += 1
        try:
            await asyncio.sleep(0 if n == 0 else 10)
            return n
        finally:
            running -= 1

    batch = AsyncBatch(max_concurrency=3)
    for n in range(3):
        batch.add(call, n)
    results = batch.execute()

    async for tag, _ in results:
        assert tag == 0
        break
    await results.aclose()  # type: ignore[attr-defined]

    assert running == 0


def test_calls_added_while_a_sync_batch_runs_run_in_it() -> None:
    batch = Batch(max_concurrency=2)
    batch.add(lambda: "first", tag="first")
    seen = []

    for tag, _ in batch.execute():
        seen.append(tag)
        if tag == "first":
            batch.add(lambda: "second", tag="second")

    assert seen == ["first", "second"]


def test_sync_calls_run_in_the_context_they_were_added_in() -> None:
    import contextvars

    label: contextvars.ContextVar[str] = contextvars.ContextVar("label", default="none")
    batch = Batch(max_concurrency=2)
    token = label.set("added-in-block")
    batch.add(label.get, tag="inside")
    label.reset(token)
    batch.add(label.get, tag="outside")

    assert dict(batch.execute()) == {"inside": "added-in-block", "outside": "none"}
    assert threading.current_thread() is threading.main_thread()


def test_the_progress_bar_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    batch = Batch(max_concurrency=2, progress=True, return_exceptions=True)
    batch.add(lambda: 1)
    batch.add(lambda: 1 / 0)

    results = list(batch.execute())

    captured = capsys.readouterr()
    assert len(results) == 2
    assert "2/2" in captured.err
    assert "1 failed" in captured.err
    assert captured.out == ""


def test_a_batch_needs_room_for_one_call() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        GatewayClientSync("http://gateway.test").create_batch(max_concurrency=0)
    with pytest.raises(TypeError, match="not callable"):
        GatewayClient("http://gateway.test").create_batch().add("agents.invoke")  # type: ignore[arg-type]


def test_a_progress_bar_without_rich_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # as if it were not installed

    with pytest.raises(ImportError, match=r"pip install 'agent-gateway-client\[progress\]'"):
        AsyncBatch(progress=True)
