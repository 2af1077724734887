"""A worker process sent SIGTERM hands the run that outlasts its drain timeout back to the queue.

The deployment of ``test_worker_tier.py`` (an API process and ``--worker-only`` processes on a
real broker and PostgreSQL, the fake model over HTTP), whose fixtures this module reuses: a
run waits on the model past ``queue.drain_timeout_s``, its worker is stopped with SIGTERM, and
another worker finishes it once, without repeating the tool call it had completed.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
import pytest
from tests.e2e.test_worker_tier import (  # the deployment's fixtures and helpers
    KEY,
    Tiers,
    accept,
    model,  # noqa: F401
    schema,  # noqa: F401
    statuses,
    tiers,  # noqa: F401
    until,
)

from agent_gateway_core.testing import reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.e2e

DRAIN_SECONDS = 1


async def test_a_run_outlasting_the_drain_is_handed_back_and_finished_once_by_another_worker(
    tiers: Tiers,  # noqa: F811
    model: FakeOpenAIServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_QUEUE__DRAIN_TIMEOUT_S", str(DRAIN_SECONDS))
    ledger = tmp_path / "ledger.txt"
    # The first run: the tool runs, then the model takes far longer than the drain allows.
    model.push(tool_call("append", {"line": "paid"}), reply("done", delay_seconds=60))
    port = await tiers.api()
    stopping = await tiers.worker("worker-1")
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        (execution_id,) = await accept(client, 1)

        async def tool_done() -> bool:
            return ledger.exists() and ledger.read_text() == "paid\n"

        await until(tool_done, 30, "the tool ran on worker-1")
        await asyncio.sleep(0.5)  # the model's second call is under way
        # The re-run: the model asks for the same call again, then answers.
        model.push(tool_call("append", {"line": "paid"}), reply("done"))
        await tiers.worker("worker-2")

        stopping.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await stopping.wait() == 0  # drained, handed back, exited cleanly

        async def succeeded() -> bool:
            return (await statuses(client)).get(execution_id) == "succeeded"

        await until(succeeded, 30, "the execution succeeded on worker-2")
        await asyncio.sleep(1)  # a duplicate run, were there one, would show by now
        events = (await client.get(f"/v1/executions/{execution_id}/events")).json()

    assert "handed back to the queue" in tiers.log("worker-1")
    types = [event["type"] for event in events]
    assert types.count("execution.completed") == 1, types
    assert "execution.cancelled" not in types
    requeued = [e["data"] for e in events if e["type"] == "execution.queued"][1:]
    assert [e.get("requeued") for e in requeued] == [True]
    assert ledger.read_text() == "paid\n"  # the side effect happened once
    results = [e["data"] for e in events if e["type"] == "tool.result"]
    assert [r.get("replayed", False) for r in results] == [False, True]
    assert len(model.requests) == 4  # two calls per run
