"""``kill -9`` a gateway with executions in flight, start it again on the same database: nothing
it accepted stays ``running`` or ``queued``.

Real ``agents-gateway serve`` processes, the model behind the fake OpenAI-compatible server
(slow, so every execution is in flight when the gateway dies), on a SQLite file and on a
PostgreSQL schema. The lease is short (``server.instance_lease_seconds``) so that the new
gateway finds the old one dead quickly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import ALICE, WriteWorkspace, plain_postgres_url, postgres_yaml

pytestmark = pytest.mark.integration

LEASE_SECONDS = 2
INLINE, BACKGROUND = 40, 10
STARTUP_TIMEOUT_SECONDS = 30
SERVE = [sys.executable, "-m", "agent_gateway.cli", "serve"]
UNFINISHED = ("queued", "running")


@dataclass(frozen=True, slots=True)
class Database:
    """Where both gateways keep their state, and how a test reaches its lease table."""

    yaml: str
    expire_leases: Callable[[str], Awaitable[None]]  # drop every lease but this instance's


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        path = tmp_path / "state" / "gateway.db"

        async def expire_sqlite(keep: str) -> None:
            def expire() -> None:
                with sqlite3.connect(path) as connection:
                    connection.execute("DELETE FROM gateway_instances WHERE id != ?", (keep,))

            await asyncio.to_thread(expire)

        return Database(f"persistence:\n  backend: sqlite\n  path: {path}\n", expire_sqlite)
    schema: str = request.getfixturevalue("pg_schema")

    async def expire_postgres(keep: str) -> None:
        connection = await asyncpg.connect(plain_postgres_url())
        try:
            await connection.execute(
                f'DELETE FROM "{schema}".gateway_instances WHERE id != $1', keep
            )
        finally:
            await connection.close()

    # No queue here: background executions run detached in the gateway's own process.
    return Database(postgres_yaml(schema) + "queue:\n  backend: none\n", expire_postgres)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Gateways:
    """Starts ``agents-gateway serve`` processes on one workspace; stops what is left."""

    workspace: Path
    logs: Path
    lease_seconds: int
    processes: list[Process]

    @asynccontextmanager
    async def client(self, port: int) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=ALICE, timeout=30
        ) as client:
            yield client

    async def start(self, *, lease_seconds: int | None = None) -> tuple[int, Process]:
        port = free_port()
        env = {
            **os.environ,
            "AGENT_GATEWAY_SERVER__INSTANCE_LEASE_SECONDS": str(
                lease_seconds or self.lease_seconds
            ),
        }
        with (self.logs / f"gateway-{port}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *SERVE,
                *("-w", str(self.workspace), "--port", str(port), "--log-level", "warning"),
                cwd=self.workspace.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        async with self.client(port) as client:
            while time.monotonic() < deadline:
                if process.returncode is not None:
                    raise AssertionError(f"serve exited early:\n{self.log(port)}")
                try:
                    if (await client.get("/v1/health", timeout=1)).status_code == 200:
                        return port, process
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"no gateway on port {port} within {STARTUP_TIMEOUT_SECONDS} s")

    def log(self, port: int) -> str:
        return (self.logs / f"gateway-{port}.log").read_text(errors="replace")

    async def stop_all(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                async with asyncio.timeout(15):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


@pytest.fixture
async def gateways(
    tmp_path: Path, write_workspace: WriteWorkspace, database: Database
) -> AsyncIterator[Gateways]:
    workspace = write_workspace(database.yaml)
    running = Gateways(workspace, tmp_path, LEASE_SECONDS, [])
    try:
        yield running
    finally:
        await running.stop_all()


async def kill_9(process: Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def executions(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/v1/executions", params={"limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> float:
    """Poll ``check`` until it holds; the seconds it took. Fails after ``within`` seconds."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"{what}: not within {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def put_in_flight(
    client: httpx.AsyncClient, inline: int, background: int
) -> tuple[list[asyncio.Task[httpx.Response]], list[str]]:
    """Start ``inline`` invokes (left waiting on the model) and accept ``background`` ones;
    returns once every one of them is stored and none has finished."""
    calls = [
        asyncio.create_task(
            client.post("/v1/agents/assistant/invoke", json={"message": f"inline {n}"})
        )
        for n in range(inline)
    ]
    accepted = []
    for n in range(background):
        response = await client.post(
            "/v1/agents/assistant/invoke", json={"message": f"later {n}", "async": True}
        )
        assert response.status_code == 202, response.text
        accepted.append(response.json()["execution_id"])

    async def all_stored() -> bool:
        stored = await executions(client)
        assert all(item["status"] in UNFINISHED for item in stored), stored
        return len(stored) == inline + background

    await until(all_stored, 20, "every execution stored, in flight")
    return calls, accepted


async def abandon(calls: list[asyncio.Task[httpx.Response]]) -> None:
    """The callers of the dead gateway's inline runs: their connections broke."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(outcome, httpx.TransportError) for outcome in outcomes), outcomes


async def test_a_gateway_killed_mid_flight_leaves_nothing_unfinished_after_a_restart(
    gateways: Gateways, model_server: FakeOpenAIServer
) -> None:
    model_server.latency_seconds = 60  # every execution is still waiting on it at the kill
    port, first = await gateways.start()
    async with gateways.client(port) as client:
        calls, accepted = await put_in_flight(client, INLINE, BACKGROUND)
        await kill_9(first)
        await abandon(calls)
    model_server.latency_seconds = 0.1  # the background executions run again, quickly

    restarted = time.monotonic()
    port, _ = await gateways.start()
    answering = time.monotonic() - restarted
    async with gateways.client(port) as client:

        async def all_recovered() -> bool:
            report = (await client.get("/v1/health")).json()["recovery"]
            return bool(report["failed"] + report["handed_back"] == INLINE + BACKGROUND)

        async def all_finished() -> bool:
            return all(item["status"] not in UNFINISHED for item in await executions(client))

        # The old lease runs out at most a lease after the kill; the new gateway sweeps at
        # start, then every lease: every orphan is recovered within a lease of its start.
        recovered = await until(all_recovered, LEASE_SECONDS + 1.5, "every orphan recovered")
        # The ones handed back run again (the first model call of a new process is slower).
        finished = recovered + await until(all_finished, 30, "every execution finished")
        stored = {item["id"]: item for item in await executions(client)}
        health = (await client.get("/v1/health")).json()
        inline_id = next(i for i in stored if i not in accepted)
        inline_log = (await client.get(f"/v1/executions/{inline_id}/events")).json()
        background_log = (await client.get(f"/v1/executions/{accepted[0]}/events")).json()

    assert len(stored) == INLINE + BACKGROUND
    background = [stored.pop(execution_id) for execution_id in accepted]
    assert {item["status"] for item in background} == {"succeeded"}  # handed back, run again
    assert {(item["status"], item["error"]) for item in stored.values()} == {
        ("failed", "gateway stopped during the run")
    }
    assert inline_log[-1]["type"] == "execution.failed"
    assert inline_log[-1]["data"]["error_code"] == "gateway_stopped"
    assert [
        e["data"].get("requeued") for e in background_log if e["type"] == "execution.queued"
    ] == [
        None,
        True,
    ]
    assert background_log[-1]["type"] == "execution.completed"
    assert (health["recovery"]["failed"], health["recovery"]["handed_back"]) == (
        INLINE,
        BACKGROUND,
    )
    print(
        f"\nrestarted gateway answering {answering:.2f} s after its start; all "
        f"{INLINE + BACKGROUND} orphans recovered {recovered:.2f} s later, all finished after "
        f"{finished:.2f} s (lease {LEASE_SECONDS} s)"
    )


async def test_cancelling_an_orphan_ends_it_before_any_recovery(
    gateways: Gateways, database: Database, model_server: FakeOpenAIServer
) -> None:
    model_server.latency_seconds = 60
    long_lease = 30  # no sweep of the new gateway comes after its first, during the test
    port, first = await gateways.start(lease_seconds=long_lease)
    async with gateways.client(port) as client:
        calls, _ = await put_in_flight(client, 3, 0)
        await kill_9(first)
        await abandon(calls)

    port, _ = await gateways.start(lease_seconds=long_lease)
    async with gateways.client(port) as client:
        # Its first sweep found the old gateway live: its lease had most of 30 s to run.
        health = (await client.get("/v1/health")).json()
        assert health["recovery"]["orphans_found"] == 0
        orphan, *others = await executions(client)
        assert orphan["status"] == "running"
        # As if the old lease had run out (rather than waiting 30 s for it).
        await database.expire_leases(health["recovery"]["instance_id"])

        answer = await client.post(f"/v1/executions/{orphan['id']}/cancel")
        assert answer.status_code == 202, answer.text
        after = {item["id"]: item for item in await executions(client)}
        log = (await client.get(f"/v1/executions/{orphan['id']}/events")).json()

    assert after[orphan["id"]]["status"] == "cancelled"  # at once: no process had to see it
    assert log[-1]["type"] == "execution.cancelled"
    assert log[-1]["data"]["error_code"] == "execution_cancelled"
    # The others wait for the next sweep, a whole lease away: the cancel alone ended it.
    assert {after[other["id"]]["status"] for other in others} == {"running"}
