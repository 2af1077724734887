"""Model clients side by side: litellm's adapter and the OpenAI-compatible one, same fake model.

    .venv/bin/python tests/bench/llm_clients.py [--calls 2000] [--concurrency 16] [--repeats 3]

Starts ``python -m agent_gateway_testing.fake_openai --latency-ms 0`` in its own process, then
measures each client in a fresh process of its own (so neither pays for the other's imports,
threads or garbage): ``--calls`` sequential ``complete`` calls, then as many again from
``--concurrency`` concurrent callers. Each figure is the median over ``--repeats`` runs, the
clients taking turns. CPU is ``time.process_time`` of the client's process, per call; it
includes the client's whole stack (event loop, HTTP, JSON), not the fake model's. With two or
more cores the fake model and the clients are pinned to different ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

CLIENTS = ("litellm", "openai_compat")
MODES = ("sequential", "concurrent")
WARM_UP_CALLS = 50


def _client(name: str, api_base: str) -> Any:
    if name == "litellm":
        from agent_gateway_litellm import LiteLLMClient

        return LiteLLMClient(api_base=api_base, api_key="sk-bench", max_retries=0)
    from agent_gateway_openai_compat import OpenAICompatClient

    return OpenAICompatClient(api_base=api_base, api_key="sk-bench", max_retries=0)


async def _measure(name: str, api_base: str, calls: int, concurrency: int) -> dict[str, Any]:
    """In the child process: warm up, then time the sequential and the concurrent calls."""
    from agent_gateway_core.domain.messages import Message
    from agent_gateway_core.ports.llm_client import LLMRequest

    client = _client(name, api_base)
    request = LLMRequest(
        model="openai/fake-model",
        messages=(Message.system("You are terse."), Message.user("Say hello.")),
    )

    async def run(count: int, callers: int) -> dict[str, float]:
        remaining = count

        async def caller() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                response = await client.complete(request)
                assert response.content, "the fake model answered nothing"

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(caller() for _ in range(callers)))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"calls_per_s": count / wall, "cpu_ms_per_call": cpu * 1000 / count}

    await run(WARM_UP_CALLS, 1)  # imports, pools and caches fill outside the measurement
    results = {"sequential": await run(calls, 1), "concurrent": await run(calls, concurrency)}
    await client.aclose()
    return results


def _cores() -> tuple[set[int] | None, set[int] | None]:
    """(model's cores, clients' cores), or Nones when there is only one core."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, {cpus[0]}


def _start_model(cores: set[int] | None) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, "-m", "agent_gateway_testing.fake_openai"]
    model = subprocess.Popen(
        [*argv, "--port", "0", "--latency-ms", "0"], stdout=subprocess.PIPE, text=True
    )
    if cores is not None:
        os.sched_setaffinity(model.pid, cores)
    assert model.stdout is not None
    line = model.stdout.readline()  # "listening on http://127.0.0.1:PORT/v1"
    if not line.startswith("listening on "):
        model.kill()
        raise RuntimeError(f"the fake model did not start: {line!r}")
    return model, line.removeprefix("listening on ").strip()


def _child(name: str, api_base: str, args: argparse.Namespace, cores: set[int] | None) -> Any:
    argv = [sys.executable, __file__, "--measure", name, "--api-base", api_base]
    argv += ["--calls", str(args.calls), "--concurrency", str(args.concurrency)]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measuring {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(runs: dict[str, list[Any]], args: argparse.Namespace) -> str:
    lines = [
        f"{args.calls} calls per mode, concurrent = {args.concurrency} callers, "
        f"median of {args.repeats} runs",
        "",
        "| client | mode | calls/s | CPU ms per call |",
        "| --- | --- | ---: | ---: |",
    ]
    for name in CLIENTS:
        for mode in MODES:
            rate = statistics.median(r[mode]["calls_per_s"] for r in runs[name])
            cpu = statistics.median(r[mode]["cpu_ms_per_call"] for r in runs[name])
            lines.append(f"| {name} | {mode} | {rate:,.0f} | {cpu:.3f} |")
    for mode in MODES:
        ratio = statistics.median(r[mode]["cpu_ms_per_call"] for r in runs["litellm"]) / (
            statistics.median(r[mode]["cpu_ms_per_call"] for r in runs["openai_compat"])
        )
        lines.append(f"\n{mode}: openai_compat uses {ratio:.1f}x less CPU per call than litellm")
    return "\n".join(lines)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per client and mode")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--measure", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    if args.measure:  # the child: one client, JSON on stdout
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        results = asyncio.run(_measure(args.measure, args.api_base, args.calls, args.concurrency))
        print(json.dumps(results))
        return
    model_cores, client_cores = _cores()
    model, api_base = _start_model(model_cores)
    try:
        runs: dict[str, list[Any]] = {name: [] for name in CLIENTS}
        for repeat in range(args.repeats):
            for name in CLIENTS:
                print(f"run {repeat + 1}/{args.repeats}: {name}", file=sys.stderr, flush=True)
                runs[name].append(_child(name, api_base, args, client_cores))
    finally:
        model.terminate()
        model.wait(timeout=10)
    print(_table(runs, args))


if __name__ == "__main__":
    main()
