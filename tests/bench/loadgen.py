"""Closed-loop HTTP load generator; run as its own process so it measures the server, not itself.

    python tests/bench/loadgen.py --url http://127.0.0.1:8000/v1/agents/echo/invoke \\
        --header 'Authorization: Bearer key' --body '{"message": "hi"}' \\
        --concurrency 16 --duration 10 --warmup 2

Each of ``--concurrency`` clients sends its next request as soon as the previous one is done,
until ``--duration`` seconds have passed or ``--requests`` were sent in total (whichever comes
first). Latency is measured with perf_counter around the whole exchange, body included. With
``--sse`` the response is read as Server-Sent Events and the time to the first token is
recorded too: the first event named ``--first-token event:<name>``, or the first OpenAI chunk
with text (``openai-content``). With ``--cpu-pid`` the CPU seconds and RSS of that process are
read from /proc around the measured window. One JSON object goes to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_MAX_ERROR_SAMPLES = 5


@dataclass(slots=True)
class Outcome:
    start: float  # seconds since the measured window opened
    end: float
    status: int | None
    error: str | None
    ttft: float | None  # seconds to the first token (SSE only)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Target:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    sse: bool
    first_token: str
    timeout: float


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--body", default=None, help="JSON request body")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=None, help="seconds to run")
    parser.add_argument("--requests", type=int, default=None, help="total requests to send")
    parser.add_argument("--warmup", type=float, default=0.0, help="seconds of unrecorded load")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--sse", action="store_true", help="read the answer as an event stream")
    parser.add_argument(
        "--first-token", default="event:delta", help="event:<name> | openai-content"
    )
    parser.add_argument("--cpu-pid", type=int, default=None, help="process to take CPU/RSS of")
    args = parser.parse_args(argv)
    if args.duration is None and args.requests is None:
        parser.error("give --duration, --requests or both: the run must end by itself")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    return args


def _target(args: argparse.Namespace) -> Target:
    headers = {}
    for header in args.header:
        name, _, value = header.partition(":")
        headers[name.strip()] = value.strip()
    body = None
    if args.body is not None:
        body = json.dumps(json.loads(args.body)).encode()
        headers.setdefault("Content-Type", "application/json")
    if args.sse:
        headers.setdefault("Accept", "text/event-stream")
    return Target(
        args.method.upper(), args.url, headers, body, args.sse, args.first_token, args.timeout
    )


def _is_first_token(kind: str, event: str, data: str) -> bool:
    if kind.startswith("event:"):
        return event == kind.removeprefix("event:")
    if kind == "openai-content" and data and data != "[DONE]":
        with contextlib.suppress(ValueError, LookupError, TypeError):
            return bool(json.loads(data)["choices"][0]["delta"].get("content"))
    return False


async def _read_events(
    response: aiohttp.ClientResponse, target: Target, t0: float
) -> tuple[float | None, str | None]:
    """(seconds to the first token, error) of an event stream read to its end."""
    ttft = None
    error = None
    event, data = "message", ""
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if line:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data = value if not data else f"{data}\n{value}"
            continue
        if ttft is None and _is_first_token(target.first_token, event, data):
            ttft = time.perf_counter() - t0
        if event == "error" and error is None:
            error = f"error event: {data[:200]}"
        event, data = "message", ""
    return ttft, error


async def _one_request(session: aiohttp.ClientSession, target: Target, origin: float) -> Outcome:
    t0 = time.perf_counter()
    status: int | None = None
    error: str | None = None
    ttft: float | None = None
    try:
        async with asyncio.timeout(target.timeout):
            async with session.request(
                target.method, target.url, data=target.body, headers=target.headers
            ) as response:
                status = response.status
                if target.sse and status == 200:
                    ttft, error = await _read_events(response, target, t0)
                else:
                    await response.read()
    except TimeoutError:
        error = f"timeout after {target.timeout:g} s"
    except aiohttp.ClientError as exc:
        error = f"{type(exc).__name__}: {exc}"
    if error is None and status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return Outcome(t0 - origin, time.perf_counter() - origin, status, error, ttft)


async def _closed_loop(
    session: aiohttp.ClientSession,
    target: Target,
    concurrency: int,
    duration: float | None,
    requests: int | None,
) -> tuple[list[Outcome], float]:
    """Run the clients; returns their outcomes and the window's start (perf_counter)."""
    origin = time.perf_counter()
    deadline = origin + duration if duration is not None else float("inf")
    tickets = itertools.count() if requests is None else iter(range(requests))
    outcomes: list[Outcome] = []

    async def client() -> None:
        for _ in tickets:
            if time.perf_counter() >= deadline:
                return
            outcomes.append(await _one_request(session, target, origin))

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return outcomes, origin


def _percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ms = sorted(v * 1000 for v in values)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {
        "p50": round(statistics.median(ms), 3),
        "p90": round(cuts[89], 3),
        "p99": round(cuts[98], 3),
        "max": round(ms[-1], 3),
        "mean": round(statistics.fmean(ms), 3),
    }


def _process_cpu(pid: int | None) -> float | None:
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _process_rss_kb(pid: int | None) -> int | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def _summary(outcomes: list[Outcome], cpu: float | None, rss: int | None) -> dict[str, Any]:
    ok = [o for o in outcomes if o.ok]
    errors = [o for o in outcomes if not o.ok]
    elapsed = max((o.end for o in outcomes), default=0.0)
    statuses = Counter(str(o.status) if o.status is not None else "none" for o in outcomes)
    samples = list(dict.fromkeys(o.error for o in errors if o.error))[:_MAX_ERROR_SAMPLES]
    return {
        "requests": len(outcomes),
        "ok": len(ok),
        "errors": len(errors),
        "status_counts": dict(statuses),
        "error_samples": samples,
        "elapsed_s": round(elapsed, 4),
        "throughput_rps": round(len(ok) / elapsed, 2) if elapsed > 0 else 0.0,
        "latency_ms": _percentiles([o.end - o.start for o in ok]),
        "ttft_ms": _percentiles([o.ttft for o in ok if o.ttft is not None]),
        "last_done_s": round(elapsed, 4),
        "target_cpu_s": round(cpu, 4) if cpu is not None else None,
        "target_cpu_per_request_ms": round(cpu / len(ok) * 1000, 4) if cpu and ok else None,
        "target_rss_kb": rss,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Warm up, then measure; the summary of the measured window only."""
    target = _target(args)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        if args.warmup > 0:
            await _closed_loop(session, target, args.concurrency, args.warmup, None)
        cpu_before = _process_cpu(args.cpu_pid)
        outcomes, _ = await _closed_loop(
            session, target, args.concurrency, args.duration, args.requests
        )
        cpu_after = _process_cpu(args.cpu_pid)
        rss = _process_rss_kb(args.cpu_pid)
    cpu = cpu_after - cpu_before if cpu_after is not None and cpu_before is not None else None
    summary = _summary(outcomes, cpu, rss)
    summary["concurrency"] = args.concurrency
    return summary


def event_loop_runner() -> Any:
    """``uvloop.run`` when installed (the cheaper the client, the more CPU the server gets)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    json.dump(event_loop_runner()(run(args)), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
