"""PostgreSQL itself stops while executions run, then starts again: every execution ends
terminal once it is back, and each sync caller got 503 naming its execution in the body.

The database server is stopped and started with the commands ``.ci/services.sh`` starts it
with (``pg_ctlcluster``, as root). It is down for everyone on this machine meanwhile, so the
test keeps the outage to a few seconds, never overlaps another run of itself (a lock file),
and always starts the server again, waiting until it accepts connections. Deselect it with
``-m 'not outage'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = [pytest.mark.e2e, pytest.mark.outage]

POSTGRES_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
PLAIN_URL = POSTGRES_URL.replace("+asyncpg", "", 1)
KEY = {"Authorization": "Bearer sk-outage"}
RUNS = 10
MODEL_LATENCY = 3.0  # the runs wait this long for the model: the server stops meanwhile
LOCK_FILE = Path("/tmp/agent-gateway-postgres-outage.lock")

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: {api_base}
auth:
  api_keys:
    - {{name: outage, key: sk-outage}}
persistence:
  backend: postgres
  url: {url}
  schema: {schema}
  migrate: upgrade
  connect_timeout_seconds: 1
  statement_timeout_seconds: 2
"""

AGENT_MD = """\
---
description: Answers slowly.
---
You answer.
"""


def cluster_command(action: str) -> list[str]:
    """``pg_ctlcluster`` as ``.ci/services.sh`` runs it, for ``start`` or ``stop``."""
    version = sorted(os.listdir("/etc/postgresql"))[0]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    return [*command, "-m", "fast"] if action == "stop" else command


def cluster_available() -> str | None:
    """Why this machine cannot stop its PostgreSQL, or ``None`` when it can."""
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return "no pg_ctlcluster cluster on this machine"
    if os.geteuid() != 0:
        return "stopping PostgreSQL needs root"
    return None


async def accepts_connections() -> bool:
    try:
        connection = await asyncpg.connect(PLAIN_URL, timeout=1)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


async def wait_until_accepting(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not await accepts_connections():
        if time.monotonic() > deadline:
            raise AssertionError(f"PostgreSQL did not accept connections within {seconds} s")
        await asyncio.sleep(0.2)


async def run_cluster(action: str) -> None:
    done = await asyncio.to_thread(
        subprocess.run, cluster_command(action), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{' '.join(cluster_command(action))}: {done.stderr}"


@contextlib.contextmanager
def exclusive_outage() -> Iterator[None]:
    """One outage at a time on this machine, whoever runs the tests."""
    with LOCK_FILE.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.asynccontextmanager
async def postgres_stopped_on_demand() -> AsyncIterator[Any]:
    """Yields ``stop()``; PostgreSQL is started again on the way out, whatever happened."""
    stopped = False

    async def stop() -> None:
        nonlocal stopped
        stopped = True
        await run_cluster("stop")

    try:
        yield stop
    finally:
        if stopped:
            await run_cluster("start")
        await wait_until_accepting(60)


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    name = f"outage_{uuid.uuid4().hex[:12]}"
    yield name
    await wait_until_accepting(60)
    connection = await asyncpg.connect(PLAIN_URL)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await connection.close()


async def all_waiting_for_the_model(model: FakeOpenAIServer) -> None:
    """Until every run waits for the model (each is stored as running before it asks)."""
    async with asyncio.timeout(10):
        while True:
            if len(model.requests) >= RUNS:
                return
            await asyncio.sleep(0.01)


async def ended(client: httpx.AsyncClient, execution_ids: list[str]) -> list[dict[str, Any]]:
    """The executions once every one is terminal (polling through the API)."""
    records: dict[str, dict[str, Any]] = {}
    async with asyncio.timeout(60):
        while len(records) < len(execution_ids):
            for execution_id in set(execution_ids) - set(records):
                answer = await client.get(f"/v1/executions/{execution_id}")
                if answer.status_code == 200 and answer.json()["status"] not in (
                    "queued",
                    "running",
                ):
                    records[execution_id] = answer.json()
            await asyncio.sleep(0.2)
    return [records[execution_id] for execution_id in execution_ids]


async def test_executions_running_when_postgres_stops_all_end_once_it_is_back(
    tmp_path: Path, schema: str
) -> None:
    reason = cluster_available()
    if reason is not None:
        pytest.skip(reason)
    if not await accepts_connections():
        pytest.skip("PostgreSQL is not running (start it with .ci/services.sh)")

    async with FakeOpenAIServer(latency_seconds=MODEL_LATENCY) as model:
        root = tmp_path / "workspace"
        (root / "agents" / "slow").mkdir(parents=True)
        (root / "agents" / "slow" / "AGENT.md").write_text(AGENT_MD)
        (root / "gateway.yaml").write_text(
            GATEWAY_YAML.format(api_base=model.base_url, url=POSTGRES_URL, schema=schema)
        )
        gateway = Gateway(workspace=root)
        transport = httpx.ASGITransport(app=gateway)
        with exclusive_outage():
            async with (
                gateway,
                httpx.AsyncClient(
                    transport=transport, base_url="http://gateway.test", headers=KEY
                ) as client,
            ):
                async with postgres_stopped_on_demand() as stop_postgres:
                    calls = [
                        asyncio.create_task(
                            client.post("/v1/agents/slow/invoke", json={"message": f"run {n}"})
                        )
                        for n in range(RUNS)
                    ]
                    await all_waiting_for_the_model(model)
                    stopping = time.monotonic()
                    await stop_postgres()
                    stopped_within = time.monotonic() - stopping
                    answers = await asyncio.gather(*calls)
                    assert gateway.services is not None
                    pending = list(gateway.services.runtime.pending_final_writes)
                # PostgreSQL is back and accepts connections: the same gateway goes on.
                ids = [answer.headers["X-Execution-Id"] for answer in answers]
                records = await ended(client, ids)

    assert stopped_within < MODEL_LATENCY, "PostgreSQL took too long to stop for this test"
    for answer in answers:
        assert answer.status_code == 503, answer.text
        error = answer.json()["error"]
        assert error["code"] == "backend_unavailable"
        assert error["execution_id"] == answer.headers["X-Execution-Id"]
    assert sorted(pending) == sorted(ids)
    assert [record["status"] for record in records] == ["succeeded"] * RUNS
    assert [record["raw_text"] for record in records] == [f"echo: run {n}" for n in range(RUNS)]
