"""Run the fake OpenAI server standalone, e.g. as the zero-latency model of a benchmark.

    python -m agent_gateway_testing.fake_openai --port 8001 --latency-ms 0

It prints ``listening on <base_url>`` once it accepts connections, then serves until stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from agent_gateway_testing.fake_openai.server import FakeOpenAIServer


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m agent_gateway_testing.fake_openai",
        description="Fake OpenAI-compatible chat-completions server (echoes the last user message).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay added to every completion"
    )
    parser.add_argument(
        "--arrivals-log",
        type=Path,
        default=None,
        help="append '<unix time>\\t<last user message>' per completion request to this file",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    server = FakeOpenAIServer(
        host=args.host,
        port=args.port,
        latency_seconds=args.latency_ms / 1000,
        record_requests=False,  # a benchmark sends many requests; keep memory flat
        arrivals_log=args.arrivals_log,
    )
    async with server:
        print(f"listening on {server.base_url}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
