"""``agents-gateway chat``: a streamed REPL over a Gateway in this process (fake model server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_gateway_core.testing.scripted_llm import ScriptedReply, reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import RunCli, WriteWorkspace
from .test_invoke import ENV, workspace_files

pytestmark = pytest.mark.integration


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(stream_chunk_chars=3).running_in_thread() as server:
        yield server


@pytest.fixture
def workspace(write_workspace: WriteWorkspace, server: FakeOpenAIServer) -> Path:
    return write_workspace(workspace_files(server.base_url))


def _user_messages(server: FakeOpenAIServer, request: int) -> list[str]:
    messages = server.requests[request].body["messages"]
    return [m["content"] for m in messages if m["role"] == "user"]


def test_chat_streams_answers_and_keeps_the_session(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(
        tool_call("stock-level", {"sku": "AB-12"}),
        reply("There are 42 units of AB-12."),
        reply("Still 42."),
    )

    result = run_cli(
        "chat", "stock", "-w", workspace, input="How many AB-12?\nAnd now?\n/exit\n", env=ENV
    )

    assert result.exit_code == 0, result.output
    assert "Chatting with stock" in result.stdout
    assert "stock: There are 42 units of AB-12." in result.stdout
    assert "stock: Still 42." in result.stdout
    assert '→ stock-level({"sku": "AB-12"})' in result.stdout
    assert '← stock-level: {"sku": "AB-12", "units": 42}' in result.stdout
    # The second turn carries the first one: same session.
    assert _user_messages(server, 2) == ["How many AB-12?", "And now?"]


def test_new_starts_a_fresh_session(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(reply("First."), reply("Fresh."))

    result = run_cli("chat", "stock", "-w", workspace, input="One\n/new\nTwo\n", env=ENV)

    assert result.exit_code == 0, result.output
    assert "New session." in result.stdout
    assert _user_messages(server, 1) == ["Two"]


def test_end_of_input_quits_and_blank_lines_are_skipped(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(reply("Hi."))

    result = run_cli("chat", "stock", "-w", workspace, input="\n   \nHello\n", env=ENV)

    assert result.exit_code == 0, result.output
    assert len(server.requests) == 1


def test_a_failed_turn_is_shown_and_the_chat_goes_on(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(ScriptedReply(status=401, error_message="invalid api key"), reply("Back."))

    result = run_cli("chat", "stock", "-w", workspace, input="One\nTwo\n", env=ENV)

    assert result.exit_code == 0, result.output
    assert "✗ failed" in result.stdout
    # The kind of failure and the model, as the execution records it (the provider's text is
    # in the log).
    assert "authentication error (provider 'openai'" in result.stdout
    assert "stock: Back." in result.stdout


def test_an_error_raised_by_a_turn_is_shown_and_the_chat_goes_on(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"agents/bare/AGENT.md": "No model anywhere."})

    result = run_cli("chat", "bare", "-w", root, input="One\nTwo\n/exit\n")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("Error: agent 'bare' has no model configured") == 2
    assert "Traceback" not in result.output


def test_chat_with_a_disabled_agent_exits_1(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("chat", "off", "-w", workspace, input="Hi\n", env=ENV)

    assert result.exit_code == 1
    assert "agent is disabled: 'off'" in result.stderr
    assert "Chatting with" not in result.stdout


def test_chat_with_an_unknown_agent_exits_1(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("chat", "nobody", "-w", workspace, input="Hi\n", env=ENV)

    assert result.exit_code == 1
    assert "agent not found: 'nobody'" in result.stderr
    assert "Traceback" not in result.output


def test_model_option_applies_to_every_turn(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(reply("a"), reply("b"))

    result = run_cli(
        "chat", "stock", "-w", workspace, "-m", "openai/gpt-4o", input="1\n2\n", env=ENV
    )

    assert result.exit_code == 0, result.output
    assert [r.body["model"] for r in server.requests] == ["gpt-4o", "gpt-4o"]
    assert all(r.body.get("stream") for r in server.requests)  # the chat streams
