"""Three gateway processes on one database fire a `* * * * *` schedule once a minute between
them, and keep doing so when one is killed: on PostgreSQL (claims in the database) and on one
SQLite file with the claims in Redis, side by side, for three minutes of real time."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .gateway_processes import GatewayProcesses

pytestmark = pytest.mark.e2e

POSTGRES_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = "redis://127.0.0.1:6379/13"
KEY = {"Authorization": "Bearer sk-ops"}
SCHEDULE_ID = "admin:reporter:every-minute"
MINUTES = 3

Run = tuple[str, datetime, str | None]  # execution id, created at, owning instance


@dataclass
class Deployment:
    """Three replicas of one gateway: one workspace, one database."""

    name: str
    processes: GatewayProcesses
    count_runs: Callable[[], Awaitable[list[Run]]]
    ports: dict[str, int] = field(default_factory=dict)

    async def start(self, replica: str) -> None:
        self.ports[replica] = await self.processes.serve(f"{self.name}-{replica}")

    def client(self, replica: str) -> httpx.AsyncClient:
        base_url = f"http://127.0.0.1:{self.ports[replica]}"
        return httpx.AsyncClient(base_url=base_url, headers=KEY, timeout=30)

    def kill(self, replica: str) -> None:
        # SIGKILL: no shutdown at all, its instance lease simply runs out.
        self.processes.processes[f"{self.name}-{replica}"].kill()


def write_workspace(root: Path, model: FakeOpenAIServer, persistence_and_claims: str) -> Path:
    workspace = root / "workspace"
    (workspace / "agents" / "reporter").mkdir(parents=True)
    (workspace / "agents" / "reporter" / "AGENT.md").write_text(
        "---\ndescription: Reports.\n---\nYou report.\n"
    )
    (workspace / "gateway.yaml").write_text(
        f"model:\n  default: openai/gpt-4o-mini\n  api_base: {model.base_url}\n"
        "auth:\n  api_keys:\n    - {name: ops, key: sk-ops}\n"
        "queue:\n  backend: memory\n" + persistence_and_claims
    )
    return workspace


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer(latency_seconds=0.2) as server:
        yield server


@pytest.fixture
async def postgres_deployment(tmp_path: Path, model: FakeOpenAIServer) -> AsyncIterator[Deployment]:
    schema = f"sched_{uuid.uuid4().hex[:12]}"
    workspace = write_workspace(
        tmp_path / "pg",
        model,
        f"persistence:\n  backend: postgres\n  url: {POSTGRES_URL}\n  schema: {schema}\n"
        "  migrate: upgrade\n",
    )
    dsn = POSTGRES_URL.replace("+asyncpg", "", 1)

    async def count_runs() -> list[Run]:
        connection = await asyncpg.connect(dsn)
        try:
            rows = await connection.fetch(
                f'SELECT id, created_at, owner FROM "{schema}".executions '
                "WHERE schedule_id = $1 ORDER BY created_at",
                SCHEDULE_ID,
            )
        finally:
            await connection.close()
        return [(row["id"], _utc(row["created_at"]), row["owner"]) for row in rows]

    deployment = Deployment("postgres", GatewayProcesses(workspace, tmp_path), count_runs)
    try:
        yield deployment
    finally:
        await deployment.processes.stop_all()
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await connection.close()


@pytest.fixture
async def sqlite_redis_deployment(
    tmp_path: Path, model: FakeOpenAIServer
) -> AsyncIterator[Deployment]:
    prefix = f"sched-e2e:{uuid.uuid4().hex[:10]}:"
    database = tmp_path / "shared.db"
    workspace = write_workspace(
        tmp_path / "sqlite",
        model,
        f"persistence:\n  backend: sqlite\n  url: sqlite+aiosqlite:///{database}\n"
        "scheduler:\n  distributed_lock:\n    enabled: true\n    backend: redis\n"
        f"    redis_url: {REDIS_URL}\n    key_prefix: '{prefix}'\n",
    )

    async def count_runs() -> list[Run]:
        def read() -> list[Run]:
            with sqlite3.connect(database, timeout=10) as connection:
                rows = connection.execute(
                    "SELECT id, created_at, owner FROM executions WHERE schedule_id = ? "
                    "ORDER BY created_at",
                    (SCHEDULE_ID,),
                ).fetchall()
            return [(r[0], _utc(datetime.fromisoformat(str(r[1]))), r[2]) for r in rows]

        return await asyncio.to_thread(read)

    deployment = Deployment("sqlite-redis", GatewayProcesses(workspace, tmp_path), count_runs)
    try:
        yield deployment
    finally:
        await deployment.processes.stop_all()
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def run_three_minutes(deployment: Deployment) -> list[Run]:
    """Start three replicas, create the schedule on one, kill another after the first
    firing, stop the schedule after three occurrences; the runs it made."""
    for replica in ("a", "b", "c"):
        await deployment.start(replica)
    async with deployment.client("a") as client:
        created = await client.post(
            "/v1/schedules",
            json={
                "agent_id": "reporter",
                "name": "every-minute",
                "cron_expr": "* * * * *",
                "message": "Minute report",
            },
        )
        assert created.status_code == 201, created.text
    created_at = datetime.now(UTC)
    first = created_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    occurrences = [first + timedelta(minutes=n) for n in range(MINUTES)]

    await _sleep_until(occurrences[0] + timedelta(seconds=20))
    deployment.kill("b")  # mid-test: a replica dies without a word
    await _sleep_until(occurrences[-1] + timedelta(seconds=20))
    async with deployment.client("c") as client:  # a survivor stops it
        deleted = await client.delete(f"/v1/schedules/{SCHEDULE_ID}")
        assert deleted.status_code == 200, deleted.text
    # Anything fired past the window would show in the count: give it a moment to show.
    await asyncio.sleep(2)
    runs: list[Run] = await deployment.count_runs()
    return runs


async def _sleep_until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


@pytest.mark.timeout(360)  # three minutes of real cron time, by design
async def test_three_replicas_fire_each_minute_once_even_when_one_is_killed(
    postgres_deployment: Deployment, sqlite_redis_deployment: Deployment
) -> None:
    deployments = [postgres_deployment, sqlite_redis_deployment]
    results = await asyncio.gather(*(run_three_minutes(d) for d in deployments))
    for deployment, runs in zip(deployments, results, strict=True):
        minutes = [created.replace(second=0, microsecond=0) for _, created, _ in runs]
        assert len(runs) == MINUTES, (deployment.name, runs)
        assert len(set(minutes)) == MINUTES, (deployment.name, runs)  # one per minute
        for _, created, _ in runs:
            assert created.second < 10, (deployment.name, runs)  # fired on time
        print(f"{deployment.name}: {[(c.isoformat(), o) for _, c, o in runs]}")
