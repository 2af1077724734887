"""Reference: the floor for an HTTP server doing the gateway's job.

    python tests/bench/references/bare_starlette.py --port 8100 \\
        --agent echo=http://127.0.0.1:8001/v1 --agent slow=http://127.0.0.1:8002/v1

A Starlette app under uvicorn (one worker, the gateway's server settings) that parses the same
JSON body, checks the same bearer key, calls the same fake model through
``litellm.acompletion`` and answers JSON. No persistence, no agents, no middleware. litellm is
imported on the first call, as the gateway does, so its idle RSS compares like for like.
"""

from __future__ import annotations

import argparse
import functools
import os
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SYSTEM_PROMPT = "You are a benchmark agent. Answer briefly."


@functools.cache
def _litellm() -> Any:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    litellm.num_retries = 0
    return litellm


def build_app(api_bases: dict[str, str], api_key: str, model: str) -> Starlette:
    """The app: ``POST /v1/agents/{agent_id}/invoke`` (each agent's model at its api_base) and
    ``GET /v1/health``."""

    async def invoke(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {api_key}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        api_base = api_bases.get(request.path_params["agent_id"])
        if api_base is None:
            return JSONResponse({"error": "unknown agent"}, status_code=404)
        body = await request.json()
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str):
            return JSONResponse({"error": "message must be a string"}, status_code=422)
        completion = await _litellm().acompletion(
            model=model,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": message},
            ],
            api_base=api_base,
            api_key="bench-model-key",
            timeout=30.0,
            max_retries=0,
        )
        choice = completion.choices[0]
        return JSONResponse(
            {
                "agent_id": request.path_params["agent_id"],
                "status": "completed",
                "output": choice.message.content,
                "usage": {
                    "input_tokens": completion.usage.prompt_tokens,
                    "output_tokens": completion.usage.completion_tokens,
                },
            }
        )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/v1/agents/{agent_id}/invoke", invoke, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--agent", action="append", required=True, help="AGENT=API_BASE")
    parser.add_argument("--api-key", default="bench-key", help="the bearer key clients send")
    parser.add_argument("--model", default="openai/fake-model")
    args = parser.parse_args()
    api_bases = dict(agent.split("=", 1) for agent in args.agent)
    app = build_app(api_bases, args.api_key, args.model)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
