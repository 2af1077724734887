"""``agents-gateway invoke``: a Gateway in this process, the model over real HTTP (fake server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_gateway_core.testing.scripted_llm import ScriptedReply, reply, tool_call
from agent_gateway_testing.fake_openai import FakeOpenAIServer

from .conftest import RunCli, WriteWorkspace

pytestmark = pytest.mark.integration

ENV = {"OPENAI_API_KEY": "sk-test"}


def workspace_files(base_url: str) -> dict[str, str]:
    return {
        "gateway.yaml": f"model:\n  default: openai/gpt-4o-mini\n  api_base: {base_url}\n",
        "agents/stock/AGENT.md": """
            ---
            description: Answers questions about stock levels.
            tools: [stock-level]
            ---
            Use the stock-level tool.
            """,
        "agents/triage/AGENT.md": """
            ---
            input_schema:
              type: object
              properties:
                tier: {type: string, enum: [free, pro]}
              required: [tier]
            ---
            Triage the request.
            """,
        "agents/off/AGENT.md": "---\nenabled: false\n---\nNothing.\n",
        "tools/stock-level/TOOL.md": """
            ---
            description: Units in stock for a SKU.
            parameters:
              sku: {type: string, description: The SKU}
            ---
            """,
        "tools/stock-level/handler.py": "def handler(sku):\n    return {'sku': sku, 'units': 42}\n",
    }


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer().running_in_thread() as server:
        yield server


@pytest.fixture
def workspace(write_workspace: WriteWorkspace, server: FakeOpenAIServer) -> Path:
    return write_workspace(workspace_files(server.base_url))


def test_invoke_prints_the_answer(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(
        tool_call("stock-level", {"sku": "AB-12"}),
        reply("There are 42 units of AB-12."),
    )

    result = run_cli("invoke", "stock", "How many AB-12?", "-w", workspace, env=ENV)

    assert result.exit_code == 0, result.output
    assert result.stdout == "There are 42 units of AB-12.\n"
    tool_message = server.requests[1].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"]) == {"sku": "AB-12", "units": 42}


def test_invoke_as_json(run_cli: RunCli, workspace: Path, server: FakeOpenAIServer) -> None:
    server.push(reply("Hello there.", input_tokens=12, output_tokens=3))

    result = run_cli("invoke", "stock", "Hi", "-w", workspace, "--format", "json", env=ENV)

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "succeeded"
    assert body["raw_text"] == "Hello there."
    assert body["execution_id"]
    assert body["usage"]["input_tokens"] == 12
    assert body["usage"]["output_tokens"] == 3


def test_model_option_overrides_the_agent_model(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(reply("ok"))

    result = run_cli("invoke", "stock", "Hi", "-w", workspace, "--model", "openai/gpt-4o", env=ENV)

    assert result.exit_code == 0, result.output
    assert server.requests[0].body["model"] == "gpt-4o"


def test_input_is_passed_and_validated(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(reply("billing, normal"))

    ok = run_cli(
        "invoke", "triage", "Refund?", "-w", workspace, "--input", '{"tier": "pro"}', env=ENV
    )
    bad = run_cli(
        "invoke", "triage", "Refund?", "-w", workspace, "--input", '{"tier": "gold"}', env=ENV
    )

    assert ok.exit_code == 0, ok.output
    assert "pro" in json.dumps(server.requests[0].body["messages"])
    assert bad.exit_code == 1
    assert "tier" in bad.stderr
    assert "Traceback" not in bad.output
    assert len(server.requests) == 1  # invalid input never reaches the model


def test_a_failed_execution_exits_1_with_its_error(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(ScriptedReply(status=401, error_message="invalid api key"))

    result = run_cli("invoke", "stock", "Hi", "-w", workspace, env=ENV)

    assert result.exit_code == 1
    assert "failed" in result.stderr
    assert "model call failed: authentication error (provider 'openai'" in result.stderr
    assert result.stdout == ""


def test_a_failed_execution_as_json_still_prints_the_result(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer
) -> None:
    server.push(ScriptedReply(status=401, error_message="invalid api key"))

    result = run_cli("invoke", "stock", "Hi", "-w", workspace, "-f", "json", env=ENV)

    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "failed"


def test_an_unknown_agent_names_the_known_ones(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("invoke", "nobody", "Hi", "-w", workspace, env=ENV)

    assert result.exit_code == 1
    assert "agent not found: 'nobody'" in result.stderr
    assert "off, stock, triage" in result.stderr
    assert "Traceback" not in result.output


def test_a_disabled_agent_is_a_user_error(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("invoke", "off", "Hi", "-w", workspace, env=ENV)

    assert result.exit_code == 1
    assert "agent is disabled: 'off'" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("raw", "message"),
    [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object, got list")],
)
def test_bad_input_json_is_a_usage_error(
    run_cli: RunCli, workspace: Path, server: FakeOpenAIServer, raw: str, message: str
) -> None:
    result = run_cli("invoke", "triage", "Hi", "-w", workspace, "--input", raw, env=ENV)

    assert result.exit_code == 2
    assert "--input" in result.output
    assert message in result.output
    assert server.requests == []


def test_a_broken_workspace_lists_its_problems(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"gateway.yaml": "modle: {}\n"})

    result = run_cli("invoke", "stock", "Hi", "-w", root, env=ENV)

    assert result.exit_code == 1
    assert "unknown section 'modle'" in result.stderr
    assert "Traceback" not in result.output
