"""``agents | skills | tools | schedules`` with ``--url``: a running gateway over real HTTP,
as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._served_gateway import ALICE, ServedGateway
from .conftest import RunCli, RunRemote

pytestmark = pytest.mark.integration


def test_agents_as_a_table(run_remote: RunRemote) -> None:
    result = run_remote("agents")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "Agents"
    header = lines[2]
    for column in ("Id", "Name", "Description", "Model", "Skills", "Tools", "Mode", "Enabled"):
        assert column in header
    row = next(line for line in lines if "│ assistant" in line)
    for cell in ("Assistant", "A helpful assistant.", "openai/gpt-4o-mini", "lookup", "yes"):
        assert cell in row
    assert "async" in next(line for line in lines if "│ batch" in line)
    assert "no" in next(line for line in lines if "│ dormant" in line).split("│")[-2]


def test_agents_as_json_are_the_gateway_s_models(run_remote: RunRemote) -> None:
    result = run_remote("agents", "--format", "json")

    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [agent["id"] for agent in listed] == ["assistant", "batch", "dormant", "triage"]
    triage = listed[-1]
    assert triage["has_input_schema"] is True
    assert triage["has_output_schema"] is True
    assert triage["description"] == "Classifies a support request."


def test_skills_and_tools(run_remote: RunRemote) -> None:
    skills = run_remote("skills")
    tools = run_remote("tools", "-f", "json")

    assert skills.exit_code == 0, skills.output
    assert "lookup" in skills.stdout
    assert "Look things up." in skills.stdout
    assert tools.exit_code == 0, tools.output
    [tool] = json.loads(tools.stdout)
    assert tool["name"] == "stock-level"
    assert "sku" in tool["parameters"]["properties"]


def test_tools_table_names_the_parameters(run_remote: RunRemote) -> None:
    result = run_remote("tools")

    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "stock-level" in line)
    assert "sku" in row
    assert "Units in stock for a SKU." in row


def test_a_profile_names_the_gateway(
    run_cli: RunCli,
    served_gateway: ServedGateway,
    client_env: dict[str, str | None],
    tmp_path: Path,
) -> None:
    config = tmp_path / "client.toml"
    config.write_text(
        f'[profiles.local]\nbase_url = "{served_gateway.url}"\napi_key = "{ALICE}"\n',
        encoding="utf-8",
    )

    result = run_cli(
        "agents",
        "--profile",
        "local",
        "-f",
        "json",
        env={**client_env, "AGENT_GATEWAY_CLIENT_CONFIG": str(config)},
    )

    assert result.exit_code == 0, result.output
    assert "triage" in [agent["id"] for agent in json.loads(result.stdout)]


def test_the_key_may_come_from_the_environment(
    run_cli: RunCli, served_gateway: ServedGateway, client_env: dict[str, str | None]
) -> None:
    env = {**client_env, "AGENT_GATEWAY_API_KEY": ALICE}

    result = run_cli("skills", "--url", served_gateway.url, "-f", "json", env=env)

    assert result.exit_code == 0, result.output
    assert [skill["id"] for skill in json.loads(result.stdout)] == ["lookup"]


def test_the_url_in_the_environment_alone_keeps_the_local_mode(
    run_cli: RunCli, served_gateway: ServedGateway, tmp_path: Path
) -> None:
    # A workspace with one agent of its own: listing it proves the gateway was not asked.
    root = tmp_path / "workspace"
    (root / "agents" / "local-only").mkdir(parents=True)
    (root / "agents" / "local-only" / "AGENT.md").write_text("Local.\n", encoding="utf-8")
    env = {"AGENT_GATEWAY_URL": served_gateway.url, "AGENT_GATEWAY_API_KEY": ALICE}

    result = run_cli("agents", "-w", root, "-f", "json", env=env)

    assert result.exit_code == 0, result.output
    assert [agent["id"] for agent in json.loads(result.stdout)] == ["local-only"]


def test_schedules_as_a_table_and_as_json(run_remote: RunRemote) -> None:
    table = run_remote("schedules")
    listed = run_remote("schedules", "--format", "json")

    assert table.exit_code == 0, table.output
    row = next(line for line in table.stdout.splitlines() if "assistant:daily" in line)
    assert "0 9 * * *" in row
    assert "UTC" in row
    assert "workspace" in row
    assert listed.exit_code == 0, listed.output
    [daily] = json.loads(listed.stdout)
    assert daily["id"] == "assistant:daily"
    assert daily["cron_expr"] == "0 9 * * *"
    assert daily["next_run_at"]


def test_schedules_pause_resume_and_trigger(run_remote: RunRemote) -> None:
    paused = run_remote("schedules", "pause", "assistant:daily")
    after_pause = json.loads(run_remote("schedules", "-f", "json").stdout)
    resumed = run_remote("schedules", "resume", "assistant:daily", "-f", "json")
    triggered = run_remote("schedules", "trigger", "assistant:daily", "-f", "json")

    assert paused.exit_code == 0, paused.output
    assert "✓ Paused assistant:daily" in paused.stdout
    assert after_pause[0]["enabled"] is False
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout) == {"status": "resumed", "schedule_id": "assistant:daily"}
    assert triggered.exit_code == 0, triggered.output
    execution_id = json.loads(triggered.stdout)["execution_id"]
    waited = run_remote("executions", "wait", execution_id, "--timeout", "10", "-f", "json")
    assert waited.exit_code == 0, waited.output
    assert json.loads(waited.stdout)["schedule_id"] == "assistant:daily"
    assert json.loads(run_remote("schedules", "-f", "json").stdout)[0]["enabled"] is True


def test_triggering_prints_the_execution(run_remote: RunRemote) -> None:
    result = run_remote("schedules", "trigger", "assistant:daily")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("✓ Triggered assistant:daily: execution ")
    execution_id = result.stdout.split()[-1]
    # Waited for, so that its model call takes no reply a later test pushes.
    assert run_remote("executions", "wait", execution_id, "--timeout", "10").exit_code == 0


def test_an_unknown_schedule_is_not_found(run_remote: RunRemote) -> None:
    result = run_remote("schedules", "pause", "assistant:nightly")

    assert result.exit_code == 5
    assert result.stderr.startswith("Error: pause schedule 'assistant:nightly' failed: 404")


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["schedules", "pause"], "pause needs the id of a schedule"),
        (["schedules", "list", "assistant:daily"], "list takes no schedule id"),
    ],
)
def test_schedule_actions_are_checked(
    run_remote: RunRemote, args: list[str], complaint: str
) -> None:
    result = run_remote(*args)

    assert result.exit_code == 2
    assert complaint in result.stderr


def test_schedule_actions_need_a_gateway(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schedules", "trigger", "assistant:daily", "-w", tmp_path)

    assert result.exit_code == 2
    assert "add --url or --profile" in result.stderr
