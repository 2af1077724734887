"""The closed loop shared by the model-client references (litellm alone, openai_compat alone).

``--concurrency`` callers make one call after another against ``--api-base`` until
``--duration`` seconds have passed or ``--requests`` calls were made, after an unrecorded
warm-up. CPU is this process's ``time.process_time()`` (all threads) over the measured window.
The summary is one JSON object on stdout, with the same keys for every client.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

# One call of the client under test against the given api_base; raises on failure.
Call = Callable[[str], Awaitable[object]]


def parse_args(description: str, model: str, argv: list[str] | None) -> argparse.Namespace:
    """The options every reference takes; ``model`` is the default of ``--model``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--model", default=model)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--requests", type=int, default=None, help="total calls")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded calls")
    parser.add_argument("--warmup-api-base", default=None, help="default: --api-base")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.duration is None and args.requests is None:
        parser.error("give --duration, --requests or both: the run must end by itself")
    return args


async def _loop(
    call: Call, concurrency: int, api_base: str, duration: float | None, requests: int | None
) -> tuple[list[float], list[float], int, list[str]]:
    """(latencies, end times, errors, error samples) of one closed-loop window."""
    origin = time.perf_counter()
    deadline = origin + duration if duration is not None else float("inf")
    tickets = itertools.count() if requests is None else iter(range(requests))
    latencies: list[float] = []
    ends: list[float] = []
    errors: list[str] = []

    async def client() -> None:
        for _ in tickets:
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                await call(api_base)
            except Exception as exc:  # a reference counts failures, it does not stop on them
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            end = time.perf_counter()
            latencies.append(end - t0)
            ends.append(end - origin)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, ends, len(errors), list(dict.fromkeys(errors))[:5]


def _ms(values: list[float], quantile: int) -> float | None:
    if not values:
        return None
    ms = sorted(v * 1000 for v in values)
    if len(ms) == 1:
        return round(ms[0], 3)
    return round(statistics.quantiles(ms, n=100, method="inclusive")[quantile - 1], 3)


async def measure(call: Call, args: argparse.Namespace) -> dict[str, Any]:
    """Warm up, then measure one window; its summary."""
    if args.warmup > 0:
        await _loop(
            call, args.concurrency, args.warmup_api_base or args.api_base, args.warmup, None
        )
    cpu_before = time.process_time()
    latencies, ends, errors, samples = await _loop(
        call, args.concurrency, args.api_base, args.duration, args.requests
    )
    cpu = time.process_time() - cpu_before
    elapsed = max(ends, default=0.0)
    calls = len(latencies)
    return {
        "concurrency": args.concurrency,
        "requests": calls + errors,
        "ok": calls,
        "errors": errors,
        "error_samples": samples,
        "elapsed_s": round(elapsed, 4),
        "throughput_rps": round(calls / elapsed, 2) if elapsed > 0 else 0.0,
        "latency_ms": {"p50": _ms(latencies, 50), "p99": _ms(latencies, 99)},
        "last_done_s": round(elapsed, 4),
        "cpu_s": round(cpu, 4),
        "cpu_per_call_ms": round(cpu / calls * 1000, 4) if calls else None,
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def run_and_print(main: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Run ``main`` on uvloop (as the gateway runs under uvicorn) and print its JSON."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    json.dump(runner(main()), sys.stdout)
    sys.stdout.write("\n")
