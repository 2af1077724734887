"""Reference: the lean OpenAI-compatible client's ``complete()`` alone, in a closed loop.

    python tests/bench/references/openai_compat_alone.py --api-base http://127.0.0.1:8001/v1 \\
        --concurrency 16 --duration 10 --warmup 2

The ceiling for a gateway whose agents use ``openai_compat/<model>``: ``--concurrency`` tasks
call ``OpenAICompatClient.complete`` back to back, built and called as the gateway builds and
calls it (one client with default settings; model, api_base, key and timeout on each request).
CPU is this process's ``time.process_time()`` (all threads) over the measured window. One JSON
object goes to stdout.
"""

from __future__ import annotations

import argparse
from importlib.metadata import version
from typing import Any

from client_loop import measure, parse_args, run_and_print

from agent_gateway_core.domain.messages import Message
from agent_gateway_core.ports.llm_client import LLMRequest
from agent_gateway_openai_compat import OpenAICompatClient

MESSAGES = (
    Message.system("You are a benchmark agent. Answer briefly."),
    Message.user("hello"),
)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    client = OpenAICompatClient()
    requests: dict[str, LLMRequest] = {}

    async def call(api_base: str) -> object:
        request = requests.get(api_base)
        if request is None:
            request = requests[api_base] = LLMRequest(
                model=args.model,
                messages=MESSAGES,
                api_base=api_base,
                api_key="bench-model-key",
                timeout_seconds=args.timeout,
            )
        return await client.complete(request)

    try:
        summary = await measure(call, args)
    finally:
        await client.aclose()
    summary["openai_compat_version"] = version("agent-gateway-openai-compat")
    return summary


def main(argv: list[str] | None = None) -> None:
    args = parse_args(__doc__.split("\n\n")[0], "openai_compat/fake-model", argv)
    run_and_print(lambda: run(args))


if __name__ == "__main__":
    main()
