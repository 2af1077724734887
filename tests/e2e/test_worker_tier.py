"""An API tier and a worker tier on a real broker, as separate processes.

One ``agents-gateway serve`` process with ``queue.workers: 0`` accepts executions; two
``agents-gateway serve --worker-only`` processes run them, through RabbitMQ or Redis Streams,
on one PostgreSQL database, against the fake OpenAI-compatible model over real HTTP.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest

from agent_gateway_core.testing import reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .gateway_processes import GatewayProcesses

pytestmark = pytest.mark.e2e

POSTGRES_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
KEY = {"Authorization": "Bearer sk-tier"}

BROKERS = {
    "rabbitmq": "queue:\n  backend: rabbitmq\n  queue_name: tier.{run}\n",
    "redis": (
        "queue:\n  backend: redis\n  redis_url: redis://127.0.0.1:6379/13\n"
        "  stream_key: tier:{run}\n  consumer_group: tier-{run}\n  visibility_timeout_s: 5\n"
    ),
}


class Tiers(GatewayProcesses):
    """One API process that only accepts (``queue.workers: 0``) and worker processes."""

    async def api(self) -> int:
        return await self.serve("api", {"AGENT_GATEWAY_QUEUE__WORKERS": "0"})

    async def worker(self, name: str, env: dict[str, str] | None = None) -> Process:
        return await super().worker(name, {"AGENT_GATEWAY_QUEUE__WORKERS": "4", **(env or {})})


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer(latency_seconds=0.2) as server:
        yield server


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    name = f"tier_{uuid.uuid4().hex[:12]}"
    yield name
    connection = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", "", 1))
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await connection.close()


@pytest.fixture(params=sorted(BROKERS))
async def tiers(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    model: FakeOpenAIServer,
    schema: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Tiers]:
    # A dead worker's executions are taken over within a couple of seconds.
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__INSTANCE_LEASE_SECONDS", "2")
    workspace = tmp_path / "workspace"
    (workspace / "agents" / "assistant").mkdir(parents=True)
    (workspace / "agents" / "assistant" / "AGENT.md").write_text(
        "---\ndescription: Helps.\ntools: [append]\n---\nYou help.\n"
    )
    tool = workspace / "tools" / "append"
    tool.mkdir(parents=True)
    (tool / "TOOL.md").write_text(
        "---\nname: append\ndescription: Appends a line to a file.\n"
        "parameters:\n  line: {type: string}\n---\n"
    )
    (tool / "handler.py").write_text(
        "from pathlib import Path\n\n"
        f"LEDGER = Path({str(tmp_path / 'ledger.txt')!r})\n\n"
        "def handler(line: str) -> str:\n"
        "    with LEDGER.open('a') as ledger:\n"
        "        ledger.write(line + '\\n')\n"
        "    return 'appended'\n"
    )
    run = uuid.uuid4().hex[:10]
    (workspace / "gateway.yaml").write_text(
        f"model:\n  default: openai/gpt-4o-mini\n  api_base: {model.base_url}\n"
        "auth:\n  api_keys:\n    - {name: tier, key: sk-tier}\n"
        f"persistence:\n  backend: postgres\n  url: {POSTGRES_URL}\n  schema: {schema}\n"
        "  migrate: upgrade\n" + BROKERS[request.param].format(run=run)
    )
    running = Tiers(workspace, tmp_path)
    try:
        yield running
    finally:
        await running.stop_all()
        if request.param == "redis":
            await _delete_redis_keys(f"tier:{run}*")
        else:
            await _delete_rabbitmq_objects(f"tier.{run}")


async def _delete_rabbitmq_objects(queue_name: str) -> None:
    import aio_pika

    connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
    try:
        channel = await connection.channel()
        for queue in (queue_name, f"{queue_name}.dead"):
            await channel.queue_delete(queue)
        for exchange in (f"{queue_name}.dead", f"{queue_name}.signals"):
            await channel.exchange_delete(exchange)
    finally:
        await connection.close()


async def _delete_redis_keys(pattern: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url("redis://127.0.0.1:6379/13")
    try:
        keys = [key async for key in client.scan_iter(match=pattern)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"{what}: not within {within} s"
        await asyncio.sleep(0.1)


async def statuses(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.get("/v1/executions", params={"limit": 200})
    assert response.status_code == 200, response.text
    return {item["id"]: item["status"] for item in response.json()["items"]}


async def test_an_api_tier_accepts_and_two_worker_processes_run_each_execution_once(
    tiers: Tiers, model: FakeOpenAIServer
) -> None:
    port = await tiers.api()
    workers = [await tiers.worker("worker-1"), await tiers.worker("worker-2")]
    assert "scheduler started" not in tiers.log("worker-1")  # the API tier fires schedules
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        accepted = []
        for n in range(20):
            response = await client.post(
                "/v1/agents/assistant/invoke",
                json={"message": f"job {n}", "options": {"async": True}},
            )
            assert response.status_code == 202, response.text
            accepted.append(response.json()["execution_id"])

        async def all_succeeded() -> bool:
            found = await statuses(client)
            return all(found.get(e) == "succeeded" for e in accepted)

        await until(all_succeeded, 60, "every execution succeeded")

    assert len(model.requests) == 20  # each ran once
    assert sorted(r.body["messages"][-1]["content"] for r in model.requests) == sorted(
        f"job {n}" for n in range(20)
    )
    for worker in workers:  # SIGTERM drains and exits cleanly
        worker.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await worker.wait() == 0


async def test_a_cancel_while_queued_means_it_never_starts(
    tiers: Tiers, model: FakeOpenAIServer
) -> None:
    port = await tiers.api()  # no worker yet: accepted executions wait in the queue
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        response = await client.post(
            "/v1/agents/assistant/invoke",
            json={"message": "never", "options": {"async": True}},
        )
        execution_id = response.json()["execution_id"]
        cancelled = await client.post(f"/v1/executions/{execution_id}/cancel")
        assert cancelled.status_code == 202, cancelled.text
        assert (await statuses(client))[execution_id] == "cancelled"

        kept = await client.post(
            "/v1/agents/assistant/invoke", json={"message": "kept", "options": {"async": True}}
        )
        kept_id = kept.json()["execution_id"]
        await tiers.worker("worker-1")

        async def kept_succeeded() -> bool:
            return (await statuses(client)).get(kept_id) == "succeeded"

        await until(kept_succeeded, 60, "the other execution succeeded")
        assert (await statuses(client))[execution_id] == "cancelled"

    assert [r.body["messages"][-1]["content"] for r in model.requests] == ["kept"]


async def events_of(client: httpx.AsyncClient, execution_id: str) -> list[str]:
    response = await client.get(f"/v1/executions/{execution_id}/events")
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()]


async def accept(client: httpx.AsyncClient, count: int) -> list[str]:
    accepted = []
    for n in range(count):
        response = await client.post(
            "/v1/agents/assistant/invoke",
            json={"message": f"job {n}", "options": {"async": True}},
        )
        assert response.status_code == 202, response.text
        accepted.append(response.json()["execution_id"])
    return accepted


async def test_a_worker_killed_mid_run_leaves_every_execution_succeeded_exactly_once(
    tiers: Tiers, model: FakeOpenAIServer
) -> None:
    model.latency_seconds = 3  # every run is still waiting on the model at the kill
    port = await tiers.api()
    doomed = await tiers.worker("worker-1")
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        accepted = await accept(client, 4)

        async def all_running() -> bool:
            found = await statuses(client)
            return all(found.get(e) == "running" for e in accepted)

        await until(all_running, 30, "worker-1 runs all four")
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()
        model.latency_seconds = 0.2
        await tiers.worker("worker-2")

        async def all_succeeded() -> bool:
            found = await statuses(client)
            return all(found.get(e) == "succeeded" for e in accepted)

        await until(all_succeeded, 60, "every execution succeeded after the kill")
        await asyncio.sleep(1)  # a duplicate run, were there one, would show by now
        for execution_id in accepted:
            types = await events_of(client, execution_id)
            assert types.count("execution.completed") == 1, (execution_id, types)
        assert set((await statuses(client)).values()) == {"succeeded"}


async def test_a_cancel_reaches_the_worker_process_running_the_execution(
    tiers: Tiers, model: FakeOpenAIServer
) -> None:
    model.latency_seconds = 30
    port = await tiers.api()
    await tiers.worker("worker-1")
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        (execution_id,) = await accept(client, 1)

        async def running() -> bool:
            return (await statuses(client)).get(execution_id) == "running"

        await until(running, 30, "the worker runs it")
        cancelled = await client.post(f"/v1/executions/{execution_id}/cancel")
        assert cancelled.status_code == 202, cancelled.text

        async def ended() -> bool:
            return (await statuses(client)).get(execution_id) == "cancelled"

        await until(ended, 15, "the worker process cancelled it")
        assert (await events_of(client, execution_id))[-1] == "execution.cancelled"


async def test_a_tool_call_completed_before_a_worker_was_killed_is_not_repeated(
    tiers: Tiers, model: FakeOpenAIServer, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.txt"
    # The first attempt: the tool runs, then the model takes long enough for the kill.
    model.push(tool_call("append", {"line": "paid"}), reply("done", delay_seconds=60))
    port = await tiers.api()
    doomed = await tiers.worker("worker-1")
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=30
    ) as client:
        (execution_id,) = await accept(client, 1)

        async def tool_done() -> bool:
            return ledger.exists() and ledger.read_text() == "paid\n"

        await until(tool_done, 30, "the tool ran on worker-1")
        await asyncio.sleep(0.5)  # the model's second call is under way
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()
        # The re-run: the model asks for the same call again, then answers.
        model.push(tool_call("append", {"line": "paid"}), reply("done"))
        await tiers.worker("worker-2")

        async def succeeded() -> bool:
            return (await statuses(client)).get(execution_id) == "succeeded"

        await until(succeeded, 60, "the execution succeeded on worker-2")
        events = (await client.get(f"/v1/executions/{execution_id}/events")).json()

    assert ledger.read_text() == "paid\n"  # the side effect happened once
    results = [e["data"] for e in events if e["type"] == "tool.result"]
    assert [r.get("replayed", False) for r in results] == [False, True]
