"""The existing product's handler.py convention, ``handle(arguments, context)``, run end to end."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core import ExecutionStatus, Runtime
from agent_gateway_core.domain.messages import Role
from agent_gateway_core.testing import ScriptedLLM, reply, tool_call

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]

# What a handler written for the existing product reads from its context, by its names.
REPORT_CONTEXT = textwrap.dedent(
    """
    import asyncio
    import threading


    def report(arguments, context):
        return {
            "arguments": arguments,
            "execution_id": context.execution_id,
            "agent_id": context.agent_id,
            "caller_identity": context.caller_identity,
            "metadata": context.metadata,
            "user_secrets": context.user_secrets,
            "user_config": context.user_config,
            "parent_execution_id": context.parent_execution_id,
            "root_execution_id": context.root_execution_id,
            "delegation_depth": context.delegation_depth,
            "delegates_to": context.delegates_to,
            "mcp_manager": context.mcp_manager,
            "user_id": context.user_id,
            "session_id": context.session_id,
            "on_event_loop_thread": threading.current_thread() is threading.main_thread(),
        }
    """
)

SYNC_HANDLE = (
    REPORT_CONTEXT + "\n\ndef handle(arguments, context):\n    return report(arguments, context)\n"
)

ASYNC_HANDLE = (
    REPORT_CONTEXT
    + "\n\nasync def handle(arguments, context):\n"
    + "    await asyncio.sleep(0)\n"
    + "    return report(arguments, context)\n"
)


def write_workspace(write: Write, handler_py: str) -> None:
    write("gateway.yaml", "model:\n  default: test/model\n")
    write("agents/assistant/AGENT.md", "---\ntools: [lookup]\n---\nYou look things up.\n")
    write(
        "tools/lookup/TOOL.md",
        """
        ---
        description: Look a city up.
        parameters:
          city: {type: string}
          days: {type: integer, default: 1}
        ---
        """,
    )
    write("tools/lookup/handler.py", handler_py)


@pytest.mark.parametrize("handler_py", [SYNC_HANDLE, ASYNC_HANDLE], ids=["sync", "async"])
async def test_handle_tool_runs_through_the_engine(
    write: Write, root: Path, handler_py: str
) -> None:
    write_workspace(write, handler_py)
    llm = ScriptedLLM()
    llm.push(tool_call("lookup", {"city": "Oslo"}), reply("Oslo looked up."))

    async with await Runtime.embedded(root, llm=llm) as runtime:
        result = await runtime.invoke(
            "assistant", "Look up Oslo", user_id="alice", input={"team": "ops"}
        )

    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.raw_text == "Oslo looked up."
    [tool_message] = [m for m in llm.requests[1].messages if m.role is Role.TOOL]
    seen = json.loads(tool_message.content or "")
    assert seen == {
        "arguments": {"city": "Oslo"},  # the model's arguments, as the existing product passes
        "execution_id": result.execution_id,
        "agent_id": "assistant",
        "caller_identity": "alice",
        "metadata": {"team": "ops"},
        "user_secrets": {},
        "user_config": {},
        "parent_execution_id": None,
        "root_execution_id": result.execution_id,
        "delegation_depth": 0,
        "delegates_to": [],
        "mcp_manager": None,
        "user_id": "alice",
        "session_id": None,
        "on_event_loop_thread": handler_py is ASYNC_HANDLE,
    }


async def test_handle_sees_the_chat_session_and_bad_arguments_never_reach_it(
    write: Write, root: Path
) -> None:
    write_workspace(write, SYNC_HANDLE)
    llm = ScriptedLLM()
    llm.push(
        tool_call("lookup", {"city": 7}),
        tool_call("lookup", {"city": "Oslo", "days": 3}),
        reply("Done."),
    )

    async with await Runtime.embedded(root, llm=llm) as runtime:
        session_id, result = await runtime.chat("assistant", "Look up Oslo", user_id="bob")

    assert result.raw_text == "Done."
    [rejected] = [m.content for m in llm.requests[1].messages if m.role is Role.TOOL]
    assert "invalid arguments for tool 'lookup'" in json.loads(rejected or "")["error"]
    accepted = json.loads(llm.requests[2].messages[-1].content or "")
    assert accepted["arguments"] == {"city": "Oslo", "days": 3}
    assert (accepted["session_id"], accepted["caller_identity"]) == (session_id, "bob")


async def test_an_exception_in_handle_is_the_tools_error(write: Write, root: Path) -> None:
    write_workspace(
        write, "def handle(arguments, context):\n    raise LookupError('no such city')\n"
    )
    llm = ScriptedLLM()
    llm.push(tool_call("lookup", {"city": "Atlantis"}), reply("Sorry."))

    async with await Runtime.embedded(root, llm=llm) as runtime:
        result = await runtime.invoke("assistant", "Look up Atlantis")

    assert result.raw_text == "Sorry."
    error = json.loads(llm.requests[1].messages[-1].content or "")["error"]
    assert error == "tool 'lookup' failed: LookupError: no such city"
