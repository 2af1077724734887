"""Reference: ``litellm.acompletion`` alone, in a closed loop against the fake model.

    python tests/bench/references/litellm_alone.py --api-base http://127.0.0.1:8001/v1 \\
        --concurrency 16 --duration 10 --warmup 2

The ceiling for any gateway that calls litellm: ``--concurrency`` tasks call ``acompletion``
back to back, configured as the litellm adapter configures it (bundled price map, no
telemetry, no retries). CPU is this process's ``time.process_time()`` (all threads) over the
measured window. One JSON object goes to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import statistics
import sys
import time
from typing import Any

MESSAGES = [
    {"role": "system", "content": "You are a benchmark agent. Answer briefly."},
    {"role": "user", "content": "hello"},
]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--model", default="openai/fake-model")
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


def _load_litellm() -> Any:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    litellm.num_retries = 0
    return litellm


async def _loop(
    litellm: Any,
    args: argparse.Namespace,
    api_base: str,
    duration: float | None,
    requests: int | None,
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
                await litellm.acompletion(
                    model=args.model,
                    messages=MESSAGES,
                    api_base=api_base,
                    api_key="bench-model-key",
                    timeout=args.timeout,
                    max_retries=0,
                )
            except Exception as exc:  # a reference counts failures, it does not stop on them
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            end = time.perf_counter()
            latencies.append(end - t0)
            ends.append(end - origin)

    await asyncio.gather(*(client() for _ in range(args.concurrency)))
    return latencies, ends, len(errors), list(dict.fromkeys(errors))[:5]


def _ms(values: list[float], quantile: int) -> float | None:
    if not values:
        return None
    ms = sorted(v * 1000 for v in values)
    if len(ms) == 1:
        return round(ms[0], 3)
    return round(statistics.quantiles(ms, n=100, method="inclusive")[quantile - 1], 3)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    litellm = _load_litellm()
    if args.warmup > 0:
        await _loop(litellm, args, args.warmup_api_base or args.api_base, args.warmup, None)
    cpu_before = time.process_time()
    latencies, ends, errors, samples = await _loop(
        litellm, args, args.api_base, args.duration, args.requests
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
        "litellm_version": _version("litellm"),
    }


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    try:
        import uvloop  # the gateway runs on uvloop under uvicorn; measure litellm the same way

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    json.dump(runner(run(args)), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
