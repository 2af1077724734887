"""``agents-gateway agents | skills | tools``: what the workspace declares, as table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import RunCli, WriteWorkspace

pytestmark = pytest.mark.unit

FILES = {
    "gateway.yaml": "model:\n  default: openai/gpt-4o-mini\n",
    "agents/helper/AGENT.md": """
        ---
        description: Answers questions about stock.
        display_name: Stock helper
        skills: [stock]
        tools: [restock]
        ---
        Help with stock.
        """,
    "agents/quiet/AGENT.md": """
        ---
        description: Switched off for now.
        enabled: false
        model: anthropic/claude-3-5-haiku-latest
        ---
        Say nothing.
        """,
    "skills/stock/SKILL.md": """
        ---
        description: Look up stock levels.
        tools: [stock-level]
        workflow:
          - name: look
            tool: stock-level
        ---
        Use stock-level.
        """,
    "tools/stock-level/TOOL.md": """
        ---
        description: Units in stock for a SKU.
        parameters:
          sku: {type: string, description: The SKU}
          warehouse: {type: string, description: Which warehouse, default: main}
        ---
        """,
    "tools/stock-level/handler.py": "def handler(sku, warehouse='main'):\n    return 42\n",
    "tools/restock/TOOL.md": """
        ---
        description: Order more units.
        allowed_agents: [helper]
        parameters:
          sku: {type: string, description: The SKU}
        ---
        """,
    "tools/restock/handler.py": "async def handler(sku):\n    return 'ordered'\n",
}


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    return write_workspace(FILES)


def test_agents_as_json(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("agents", "--workspace", workspace, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "helper",
            "name": "Stock helper",
            "description": "Answers questions about stock.",
            "model": "openai/gpt-4o-mini",  # the workspace default
            "skills": ["stock"],
            "tools": ["restock"],
            "enabled": True,
        },
        {
            "id": "quiet",
            "name": "quiet",
            "description": "Switched off for now.",
            "model": "anthropic/claude-3-5-haiku-latest",
            "skills": [],
            "tools": [],
            "enabled": False,
        },
    ]


def test_agents_as_table(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("agents", "--workspace", workspace)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    helper = next(line for line in lines if "helper" in line and "Stock helper" in line)
    assert "openai/gpt-4o-mini" in helper
    assert "yes" in helper
    quiet = next(line for line in lines if "quiet" in line)
    assert "no" in quiet.split()


def test_agents_show_the_default_model_after_environment_overrides(
    run_cli: RunCli, workspace: Path
) -> None:
    env = {"AGENT_GATEWAY_MODEL__DEFAULT": "openai/gpt-4.1"}

    result = run_cli("agents", "-w", workspace, "-f", "json", env=env)

    assert result.exit_code == 0, result.output
    models = {agent["id"]: agent["model"] for agent in json.loads(result.stdout)}
    assert models == {"helper": "openai/gpt-4.1", "quiet": "anthropic/claude-3-5-haiku-latest"}


def test_skills_as_json(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("skills", "-w", workspace, "-f", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "stock",
            "name": "stock",
            "description": "Look up stock levels.",
            "tools": ["stock-level"],
            "workflow_steps": 1,
            "used_by": ["helper"],
        }
    ]


def test_tools_as_json(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("tools", "-w", workspace, "-f", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "name": "restock",
            "description": "Order more units.",
            "parameters": ["sku"],
            "allowed_agents": ["helper"],
            "path": "tools/restock/TOOL.md",
        },
        {
            "name": "stock-level",
            "description": "Units in stock for a SKU.",
            "parameters": ["sku", "warehouse?"],
            "allowed_agents": ["*"],
            "path": "tools/stock-level/TOOL.md",
        },
    ]


def test_tools_as_table(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("tools", "-w", workspace)

    assert result.exit_code == 0, result.output
    assert "stock-level" in result.stdout
    assert "sku, warehouse?" in result.stdout


@pytest.mark.parametrize("command", ["agents", "skills", "tools"])
def test_an_empty_workspace_says_so(
    run_cli: RunCli, write_workspace: WriteWorkspace, command: str
) -> None:
    root = write_workspace({})

    table = run_cli(command, "-w", root)
    as_json = run_cli(command, "-w", root, "-f", "json")

    assert table.exit_code == 0, table.output
    assert f"No {command} in the workspace." in table.stdout
    assert json.loads(as_json.stdout) == []


@pytest.mark.parametrize("command", ["agents", "skills", "tools", "schedules"])
def test_a_broken_workspace_lists_its_problems_and_exits_1(
    run_cli: RunCli, write_workspace: WriteWorkspace, command: str
) -> None:
    root = write_workspace({"agents/helper/AGENT.md": "---\nenabled: maybe\n---\nHi.\n"})

    result = run_cli(command, "-w", root)

    assert result.exit_code == 1
    assert "agents/helper/AGENT.md" in result.stderr
    assert "enabled" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
