"""``invoke`` and ``chat`` with ``--url``: agents run on a gateway over real HTTP."""

from __future__ import annotations

import json

import pytest

from agent_gateway_core.testing.scripted_llm import ScriptedReply, reply, tool_call

from ._served_gateway import ScriptedModel, ServedGateway
from .conftest import RunRemote

pytestmark = pytest.mark.integration


def test_invoke_prints_the_answer(run_remote: RunRemote, gateway_model: ScriptedModel) -> None:
    gateway_model.push(tool_call("stock-level", {"sku": "AB-12"}), reply("42 units of AB-12."))

    result = run_remote("invoke", "assistant", "How many AB-12?")

    assert result.exit_code == 0, result.output
    assert result.stdout == "42 units of AB-12.\n"


def test_invoke_as_json_is_the_result(run_remote: RunRemote, gateway_model: ScriptedModel) -> None:
    gateway_model.push(reply('{"category": "bug", "urgent": true}'))

    result = run_remote(
        "invoke", "triage", "The app crashes", "--input", '{"tier": "pro"}', "--format", "json"
    )

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["status"] == "succeeded"
    assert answer["agent_id"] == "triage"
    assert answer["output"] == {"category": "bug", "urgent": True}
    assert answer["usage"]["input_tokens"] == 10
    assert answer["execution_id"]


def test_invoke_passes_the_model(
    run_remote: RunRemote, served_gateway: ServedGateway, gateway_model: ScriptedModel
) -> None:
    before = len(served_gateway.model_server.requests)

    result = run_remote("invoke", "assistant", "hi", "--model", "openai/gpt-4o-mini")

    assert result.exit_code == 0, result.output
    assert served_gateway.model_server.requests[before].body["model"] == "gpt-4o-mini"


def test_a_failed_execution_exits_1_naming_it(
    run_remote: RunRemote, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(ScriptedReply(status=400, error_message="the model refused"))

    result = run_remote("invoke", "assistant", "hi")

    assert result.exit_code == 1
    assert result.stdout == ""
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: invoke agent 'assistant' failed: execution ")
    assert "did not succeed: 502 llm_bad_request: model call failed" in error


def test_an_agent_in_the_background_is_waited_for(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "batch", "the report")

    assert result.exit_code == 0, result.output
    assert result.stdout == "echo: the report\n"


def test_no_wait_prints_the_queued_execution(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "batch", "later", "--no-wait")
    as_json = run_remote("invoke", "batch", "later", "--no-wait", "-f", "json")

    assert result.exit_code == 0, result.output
    execution_id = result.stdout.strip()
    assert f"executions wait {execution_id}" in result.stderr
    waited = run_remote("executions", "wait", execution_id, "-f", "json")
    assert json.loads(waited.stdout)["raw_text"] == "echo: later"
    assert as_json.exit_code == 0, as_json.output
    queued = json.loads(as_json.stdout)
    assert queued["status"] == "queued"
    # Waited for, so that its model call takes no reply a later test pushes.
    assert run_remote("executions", "wait", queued["execution_id"]).exit_code == 0


def test_chat_streams_and_keeps_the_session(
    run_remote: RunRemote, served_gateway: ServedGateway, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(
        tool_call("stock-level", {"sku": "AB-12"}), reply("There are 42."), reply("Still 42.")
    )
    before = len(served_gateway.model_server.requests)

    result = run_remote("chat", "assistant", input="How many AB-12?\nAnd now?\n/exit\n")

    assert result.exit_code == 0, result.output
    assert f"Chatting with Assistant at {served_gateway.url}" in result.stdout
    assert '→ stock-level({"sku": "AB-12"})' in result.stdout
    assert '← stock-level: {"sku": "AB-12", "units": 42}' in result.stdout
    assert "assistant: There are 42." in result.stdout
    assert "assistant: Still 42." in result.stdout
    assert "tokens ·" in result.stdout
    # The second turn carries the first: one session on the gateway.
    last = served_gateway.model_server.requests[before + 2].body["messages"]
    assert [m["content"] for m in last if m["role"] == "user"] == ["How many AB-12?", "And now?"]
    assert all(r.body.get("stream") for r in served_gateway.model_server.requests[before:])


def test_chat_streams_deltas_as_they_come(
    run_remote: RunRemote, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(reply("A long answer, in pieces."))

    result = run_remote("chat", "assistant", input="Hello\n")

    assert result.exit_code == 0, result.output
    # Three characters a chunk from the fake model: each one printed as it came, on one line.
    assert "assistant: A long answer, in pieces.\n" in result.stdout


def test_chat_new_starts_a_fresh_session(
    run_remote: RunRemote, served_gateway: ServedGateway, gateway_model: ScriptedModel
) -> None:
    before = len(served_gateway.model_server.requests)

    result = run_remote("chat", "assistant", input="One\n/new\nTwo\n")

    assert result.exit_code == 0, result.output
    assert "New session." in result.stdout
    last = served_gateway.model_server.requests[before + 1].body["messages"]
    assert [m["content"] for m in last if m["role"] == "user"] == ["Two"]


def test_a_failed_chat_turn_is_shown_and_the_chat_goes_on(
    run_remote: RunRemote, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(ScriptedReply(status=400, error_message="refused"), reply("Back."))

    result = run_remote("chat", "assistant", input="One\nTwo\n")

    assert result.exit_code == 0, result.output
    assert "✗ failed (llm_bad_request)" in result.stdout
    assert "assistant: Back." in result.stdout


@pytest.mark.parametrize(
    ("agent", "code", "message"),
    [
        ("ghost", 5, "Error: chat with agent 'ghost' failed: 404 agent_not_found"),
        ("dormant", 4, "Error: agent is disabled: 'dormant'"),
    ],
)
def test_chat_checks_the_agent_first(
    run_remote: RunRemote, agent: str, code: int, message: str
) -> None:
    result = run_remote("chat", agent, input="Hi\n")

    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert "Chatting with" not in result.stdout
