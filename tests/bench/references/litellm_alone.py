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
import os
from importlib.metadata import version
from typing import Any

from client_loop import measure, parse_args, run_and_print

MESSAGES = [
    {"role": "system", "content": "You are a benchmark agent. Answer briefly."},
    {"role": "user", "content": "hello"},
]


def _load_litellm() -> Any:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    litellm.num_retries = 0
    return litellm


async def run(args: argparse.Namespace) -> dict[str, Any]:
    litellm = _load_litellm()

    async def call(api_base: str) -> object:
        return await litellm.acompletion(
            model=args.model,
            messages=MESSAGES,
            api_base=api_base,
            api_key="bench-model-key",
            timeout=args.timeout,
            max_retries=0,
        )

    summary = await measure(call, args)
    summary["litellm_version"] = version("litellm")
    return summary


def main(argv: list[str] | None = None) -> None:
    args = parse_args(__doc__.split("\n\n")[0], "openai/fake-model", argv)
    run_and_print(lambda: run(args))


if __name__ == "__main__":
    main()
