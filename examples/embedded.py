"""Run the example workspace embedded in a script: no HTTP server, an in-memory store.

    uv run python examples/embedded.py

With ``OPENAI_API_KEY`` set (or any provider key litellm reads, plus
``AGENT_GATEWAY_MODEL__DEFAULT`` naming the model),
the agents call that real model. Without one, the script starts the project's fake
OpenAI-compatible server on 127.0.0.1 and points the agents at it: the fake follows a fixed
script (ask for the weather tool, then answer from its result), so the output shows the
plumbing — a real HTTP model call through litellm, a tool call, usage, the stored execution —
not the quality of a model.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from agent_gateway_core import ExecutionOptions, Runtime
from agent_gateway_core.testing.scripted_llm import ScriptedReply, ScriptedToolCall
from agent_gateway_litellm import LiteLLMClient

WORKSPACE = Path(__file__).parent / "workspace"


def demo_model(body: dict[str, Any]) -> ScriptedReply:
    """The fake model's script: call get-weather for the city asked about, then summarise."""
    messages = body["messages"]
    last = messages[-1]
    if last["role"] == "tool":
        data = json.loads(last["content"])
        text = f"In {data['city']} it is {data['temperature']} °C and {data['conditions']}."
        return ScriptedReply(content=text)
    if body.get("response_format"):
        return ScriptedReply(
            content=json.dumps(
                {"category": "bug", "priority": "urgent", "summary": "Enterprise outage reported."}
            )
        )
    words = re.findall(r"[A-Z][a-z]+", str(last.get("content", "")))
    city = words[-1] if words else "Paris"
    return ScriptedReply(
        tool_calls=(ScriptedToolCall(name="get-weather", arguments={"city": city}),)
    )


async def main() -> int:
    async with AsyncExitStack() as stack:
        model = os.environ.get("AGENT_GATEWAY_MODEL__DEFAULT", "openai/gpt-4o-mini")
        if os.environ.get("OPENAI_API_KEY") or "AGENT_GATEWAY_MODEL__DEFAULT" in os.environ:
            llm = LiteLLMClient()
            print(f"Using {model} from the environment.")
        else:
            from agent_gateway_testing.fake_openai import FakeOpenAIServer

            server = await stack.enter_async_context(FakeOpenAIServer(responder=demo_model))
            llm = LiteLLMClient(api_base=server.base_url, api_key="sk-fake")
            print(
                f"No OPENAI_API_KEY set: using the fake OpenAI-compatible server at "
                f"{server.base_url}.\nIt follows a fixed script, to show the plumbing. Set "
                f"OPENAI_API_KEY (and optionally AGENT_GATEWAY_MODEL__DEFAULT) to use a real "
                f"model.\n"
            )
        runtime = await Runtime.embedded(WORKSPACE, llm=llm)
        await stack.enter_async_context(runtime)

        options = ExecutionOptions(model=model)
        result = await runtime.invoke(
            "assistant", "What's the weather like in Tokyo?", options=options
        )
        print(f"assistant -> {result.status}: {result.raw_text}")
        print(f"  usage: {result.usage.model_dump()}")
        record = await runtime.persistence.executions.get(result.execution_id)
        assert record is not None
        events = await runtime.persistence.executions.list_events(result.execution_id)
        print(
            f"  stored execution {record.id}: {record.status}, events: {[e.type.value for e in events]}"
        )

        triage = await runtime.invoke(
            "triage",
            "Our whole team is locked out since this morning!",
            input={"customer_tier": "enterprise"},
            options=options,
        )
        print(f"triage -> {triage.status}: {triage.output}")
        return 0 if result.succeeded and triage.succeeded else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
