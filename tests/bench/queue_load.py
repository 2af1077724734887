"""Submit N background executions, wait for the workers to finish them, count from the database.

    python tests/bench/queue_load.py --url http://127.0.0.1:8300/v1/agents/echo/invoke \\
        --api-key bench-key --executions 10000 --database-url postgresql://... \\
        --product ours --arrivals /tmp/model-arrivals.tsv

Each request is ``{"message": "<token>", "options": {"async": true}}`` with a unique token; the
fake model logs when each token reaches it (``--arrivals-log``). Printed, as one JSON line:

- ``accept_rate``: 202 answers per second over the submission phase;
- ``throughput``: executions succeeded per second, from the first submission to the last
  ``finished_at`` on record;
- ``queue_latency_ms``: from a request's 202 to its token reaching the model (p50/p90/p99);
- ``end_to_end_ms``: from a request's 202 to its record's finish time (p50/p99);
- ``lost``: accepted executions that are not succeeded on record when the run ends;
- ``duplicated``: executions whose model call happened more than once (the model's log), or,
  for ours, that were started more than once (``execution.started`` events on record).

Both products keep executions in an ``executions`` table; ours calls a finished run
``succeeded`` and stamps ``finished_at``, the existing product ``completed`` and ``completed_at``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Product:
    """How one product's executions table reads."""

    succeeded: str
    finished_column: str
    terminal: tuple[str, ...]
    started_twice: str | None  # SQL counting executions started more than once, if it can


PRODUCTS = {
    "ours": Product(
        "succeeded",
        "finished_at",
        ("succeeded", "failed", "cancelled", "timed_out"),
        "SELECT count(*) FROM (SELECT execution_id FROM execution_events "
        "WHERE type = 'execution.started' GROUP BY execution_id HAVING count(*) > 1) AS twice",
    ),
    "reference": Product(
        "completed", "completed_at", ("completed", "failed", "cancelled", "timeout"), None
    ),
}
STALL_SECONDS = 60.0  # no execution finished for this long: the rest are counted as lost


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the agent's invoke URL")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--executions", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=32, help="submissions in flight")
    parser.add_argument("--database-url", required=True, help="postgresql://... (asyncpg)")
    parser.add_argument("--product", choices=sorted(PRODUCTS), required=True)
    parser.add_argument("--arrivals", type=Path, required=True, help="the fake model's log")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds, whole run")
    return parser.parse_args(argv)


@dataclass
class Submissions:
    accepted: dict[str, tuple[str, float]]  # token -> (execution id, time of the 202)
    rejected: Counter[str]  # status (or exception name) -> count
    first_sent: float
    last_accepted: float


async def _submit(args: argparse.Namespace, prefix: str) -> Submissions:
    headers = {"Authorization": f"Bearer {args.api_key}"}
    accepted: dict[str, tuple[str, float]] = {}
    rejected: Counter[str] = Counter()
    tokens = iter(range(args.executions))
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=60.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def client() -> None:
            for number in tokens:
                token = f"{prefix}-{number}"
                body = {"message": token, "options": {"async": True}}
                try:
                    async with session.post(args.url, json=body, headers=headers) as response:
                        payload = await response.json(content_type=None)
                        if response.status == 202:
                            accepted[token] = (payload["execution_id"], time.time())
                            continue
                        key = str(response.status)
                except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                    key = type(exc).__name__
                rejected[key] += 1

        first_sent = time.time()
        await asyncio.gather(*(client() for _ in range(args.concurrency)))
    last = max((at for _, at in accepted.values()), default=first_sent)
    return Submissions(accepted, rejected, first_sent, last)


async def _wait_finished(connection: Any, product: Product, expected: int, deadline: float) -> None:
    """Until every accepted execution is terminal on record, or progress stalls."""
    last_count, last_progress = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = await connection.fetchval(
            "SELECT count(*) FROM executions WHERE status = ANY($1::text[])",
            list(product.terminal),
        )
        if count >= expected:
            return
        if count != last_count:
            last_count, last_progress = count, time.monotonic()
        elif time.monotonic() - last_progress > STALL_SECONDS:
            return
        await asyncio.sleep(0.5)


def _percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)

    return {
        "p50": round(statistics.median(ordered), 2),
        "p90": at(0.90),
        "p99": at(0.99),
        "max": round(ordered[-1], 2),
    }


def _arrivals(path: Path, prefix: str) -> dict[str, list[float]]:
    """token -> the times it reached the model."""
    pattern = re.compile(re.escape(prefix) + r"-\d+")
    seen: dict[str, list[float]] = {}
    if not path.exists():
        return seen
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        at, _, text = line.partition("\t")
        match = pattern.search(text)
        if match:
            seen.setdefault(match.group(0), []).append(float(at))
    return seen


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    product = PRODUCTS[args.product]
    prefix = f"q{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + args.timeout
    submitted = await _submit(args, prefix)
    connection = await asyncpg.connect(args.database_url)
    try:
        await _wait_finished(connection, product, len(submitted.accepted), deadline)
        rows = await connection.fetch(
            f"SELECT id, status, {product.finished_column} AS finished FROM executions"
        )
        started_twice = (
            int(await connection.fetchval(product.started_twice)) if product.started_twice else 0
        )
    finally:
        await connection.close()
    records = {row["id"]: row for row in rows}
    arrivals = _arrivals(args.arrivals, prefix)
    queue_latency, end_to_end, finished_at = [], [], []
    lost = 0
    for token, (execution_id, accepted_at) in submitted.accepted.items():
        row = records.get(execution_id)
        if row is None or row["status"] != product.succeeded:
            lost += 1
            continue
        if row["finished"] is not None:
            finished = row["finished"].timestamp()
            finished_at.append(finished)
            end_to_end.append((finished - accepted_at) * 1000)
        if token in arrivals:
            queue_latency.append((arrivals[token][0] - accepted_at) * 1000)
    called_twice = sum(1 for times in arrivals.values() if len(times) > 1)
    accepted = len(submitted.accepted)
    succeeded = accepted - lost
    submit_span = submitted.last_accepted - submitted.first_sent
    run_span = (max(finished_at) - submitted.first_sent) if finished_at else None
    return {
        "executions": args.executions,
        "accepted": accepted,
        "rejected": dict(submitted.rejected),
        "succeeded": succeeded,
        "accept_rate": round(accepted / submit_span, 1) if submit_span > 0 else None,
        "throughput": round(succeeded / run_span, 1) if run_span else None,
        "run_s": round(run_span, 2) if run_span else None,
        "queue_latency_ms": _percentiles(queue_latency),
        "end_to_end_ms": _percentiles(end_to_end),
        "lost": lost,
        "duplicated": max(called_twice, started_twice),
        "model_calls_twice": called_twice,
        "started_twice_on_record": started_twice if product.started_twice else None,
        "statuses": dict(Counter(row["status"] for row in rows)),
    }


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    print(json.dumps(asyncio.run(_run(args))), flush=True)


if __name__ == "__main__":
    main()
