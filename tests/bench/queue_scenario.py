"""The queue scenarios: N background executions through a broker and two worker processes.

For one product (ours, or the existing product 0.2.13) and one broker (Redis Streams or
RabbitMQ), in a fresh PostgreSQL database and a fresh stream or queue:

- an API process (``gateway_app.py``) with ``queue.workers: 0``: it only accepts;
- two ``agents-gateway serve --worker-only`` processes, each with ``QUEUE_CONSUMERS``
  consumers, running the executions against a fake model that logs when each one reaches it;
- queue_load.py submits N ``options.async`` invokes and counts the outcome from the database.

Nothing is pinned: the API, the two workers, the broker and PostgreSQL share the machine, as
they would on one host.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from processes import ManagedProcess, ProcessFailedError, free_port, spawn
from reference_product import ReferenceProduct
from scenarios import READY_TIMEOUT, Context, start_fake_model
from workspace import API_KEY, FAST_AGENT, MODEL_KEY, write_workspace

QUEUE_SCENARIOS = ("queue-redis", "queue-rabbitmq")
WORKER_PROCESSES = 2
QUEUE_CONSUMERS = 8  # per worker process, in both products
SUBMIT_CONCURRENCY = 32
FULL_EXECUTIONS = 10_000
QUICK_EXECUTIONS = 1_000

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def measure_queue(
    ctx: Context, broker: str, product: str, index: int, executions: int
) -> dict[str, Any]:
    """One run of ``executions`` through ``broker`` ("redis" | "rabbitmq") on ``product``
    ("ours" | "reference"); the figures of queue_load.py."""
    name = f"queue-{broker}-{product}-{index}"
    folder = ctx.work / name
    folder.mkdir(parents=True)
    database = f"bench_{product}_{broker}_{uuid.uuid4().hex[:8]}"
    _database("CREATE", database)
    arrivals = folder / "model-arrivals.tsv"
    processes: list[ManagedProcess] = []
    try:
        model, model_url = start_fake_model(
            f"{name}-model",
            0,
            python=ctx.python,
            log_dir=ctx.work,
            core=None,
            extra_args=["--arrivals-log", str(arrivals)],
        )
        processes.append(model)
        tiers = _Tiers(
            ctx,
            product,
            folder,
            queue=_queue_section(broker, name),
            database_url=_database_url(database, driver="postgresql+asyncpg"),
            model_url=model_url,
        )
        api_port = free_port()
        processes.append(tiers.api(f"{name}-api", api_port))
        for number in range(WORKER_PROCESSES):
            processes.append(tiers.worker(f"{name}-worker-{number}"))
        argv = [ctx.python, str(ctx.bench_dir / "queue_load.py")]
        argv += ["--url", f"http://127.0.0.1:{api_port}/v1/agents/{FAST_AGENT}/invoke"]
        argv += ["--api-key", API_KEY, "--executions", str(executions)]
        argv += ["--concurrency", str(SUBMIT_CONCURRENCY), "--product", product]
        argv += ["--database-url", _database_url(database, driver="postgresql")]
        argv += ["--arrivals", str(arrivals)]
        load = spawn(f"{name}-load", argv, log_dir=ctx.work, capture_stdout=True)
        output = load.output(timeout=2400.0)
        result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        return result
    finally:
        for process in reversed(processes):
            process.stop()
        _cleanup_broker(broker, name)
        _database("DROP", database)


def _queue_section(broker: str, name: str) -> dict[str, object]:
    # A fresh stream / queue per run: nothing of an earlier run is delivered.
    section: dict[str, object] = {"backend": broker, "max_retries": 3, "visibility_timeout_s": 30}
    if broker == "redis":
        section |= {"redis_url": REDIS_URL, "stream_key": f"bench:{name}"}
    else:
        section |= {"rabbitmq_url": RABBITMQ_URL, "queue_name": f"bench.{name}"}
    return section


@dataclass(frozen=True)
class _Tiers:
    """Starts one product's API and worker processes on a shared workspace setup."""

    ctx: Context
    product: str  # "ours" | "reference"
    folder: Path
    queue: dict[str, object]
    database_url: str
    model_url: str

    def _workspace(self, kind: str, workers: int) -> Path:
        persistence: dict[str, object] = {"backend": "postgres", "url": self.database_url}
        if self.product == "ours":
            persistence["migrate"] = "upgrade"  # the existing product creates its tables itself
        return write_workspace(
            self.folder / f"{self.product}-{kind}",
            fast_api_base=self.model_url,
            slow_api_base=self.model_url,
            sqlite=None,
            extra={"persistence": persistence, "queue": self.queue | {"workers": workers}},
        )

    def _spawn(self, name: str, argv: list[str]) -> ManagedProcess:
        if self.product == "reference":
            env = ReferenceProduct.model_env(self.model_url, MODEL_KEY)
        else:
            env = {"AGENT_GATEWAY_SECRET_KEY": "bench passphrase for secrets at rest"}
        return spawn(name, argv, log_dir=self.ctx.work, cwd=self.folder, env=env)

    def api(self, name: str, port: int) -> ManagedProcess:
        """The accepting tier: queue.workers 0, started first so it creates the schema."""
        reference = self.ctx.reference if self.product == "reference" else None
        argv = [reference.python if reference else self.ctx.python]
        argv += [str(self.ctx.bench_dir / "gateway_app.py")]
        argv += ["--workspace", str(self._workspace("api", 0)), "--port", str(port)]
        process = self._spawn(name, argv)
        process.wait_http_ok(f"http://127.0.0.1:{port}/v1/health", READY_TIMEOUT)
        return process

    def worker(self, name: str) -> ManagedProcess:
        """A ``serve --worker-only`` process with QUEUE_CONSUMERS consumers."""
        workspace = str(self._workspace("worker", QUEUE_CONSUMERS))
        if self.product == "reference":
            assert self.ctx.reference is not None
            argv = [self.ctx.reference.cli, "serve", "--worker-only", "--workspace", workspace]
            ready_line = "Worker-only mode started"
        else:
            cli = str(Path(sys.executable).parent / "agents-gateway")
            argv = [cli, "serve", "--worker-only", "--workspace", workspace, "--log-level", "info"]
            ready_line = "worker started"
        process = self._spawn(name, argv)
        process.wait_log(ready_line, READY_TIMEOUT)
        return process


def _database_url(database: str, *, driver: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base.replace('postgresql', driver, 1)}/{database}"


def _database(verb: str, database: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            if verb == "DROP":
                await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            else:
                await connection.execute(f'CREATE DATABASE "{database}"')
        finally:
            await connection.close()

    try:
        asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        raise ProcessFailedError(
            f"the queue scenario needs PostgreSQL at {POSTGRES_ADMIN_URL} (BENCH_POSTGRES_URL): "
            f"{verb} DATABASE {database} failed: {exc}"
        ) from None


def _cleanup_broker(broker: str, name: str) -> None:
    """Delete what the run left on the broker (its stream and keys, or its queues)."""

    async def redis() -> None:
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        try:
            keys = [key async for key in client.scan_iter(match=f"bench:{name}*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    async def rabbitmq() -> None:
        import aio_pika

        # Ours: Q, Q.dead (queue and exchange), Q.signals; the existing product: Q,
        # Q.dead-letter, Q.dlx. Deleting what does not exist is no error on RabbitMQ.
        queue = f"bench.{name}"
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            for suffix in ("", ".dead", ".dead-letter"):
                await channel.queue_delete(queue + suffix)
            for suffix in (".dead", ".signals", ".dlx"):
                await channel.exchange_delete(queue + suffix)

    try:
        asyncio.run(redis() if broker == "redis" else rabbitmq())
    except Exception as exc:  # clean-up is best effort: the next run uses fresh names anyway
        print(f"[bench] could not clean up {broker} after {name}: {exc}", file=sys.stderr)
