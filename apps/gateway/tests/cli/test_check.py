"""``agents-gateway check``: every problem with file, field and message; exit 1 if any."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_gateway_core.workspace import load_workspace

from .conftest import RunCli, WriteWorkspace

pytestmark = pytest.mark.unit

EXAMPLE_WORKSPACE = Path(__file__).resolve().parents[4] / "examples" / "workspace"

BROKEN = {
    "gateway.yaml": "modle:\n  default: openai/gpt-4o-mini\n",
    "agents/helper/AGENT.md": """
        ---
        description: Helps.
        temprature: 0.2
        ---
        Be helpful.
        """,
    "agents/fetcher/AGENT.md": """
        ---
        skills: [missing-skill]
        ---
        Fetch things.
        """,
}


def test_the_example_workspace_passes(run_cli: RunCli) -> None:
    example = load_workspace(EXAMPLE_WORKSPACE)

    result = run_cli("check", "--workspace", EXAMPLE_WORKSPACE, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "ok": True,
        "workspace": str(EXAMPLE_WORKSPACE),
        "agents": len(example.agents),
        "skills": len(example.skills),
        "tools": len(example.tools),
        "notes": [],
    }


def test_a_valid_workspace_prints_a_summary_and_exits_0(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {
            "agents/a/AGENT.md": "A.",
            "agents/b/AGENT.md": "---\nskills: [s]\n---\nB.",
            "skills/s/SKILL.md": "---\ndescription: S.\n---\nUse it.",
        }
    )

    result = run_cli("check", "--workspace", root)

    assert result.exit_code == 0, result.output
    assert f"{root}: 2 agents, 1 skill, 0 tools" in result.stdout


def test_every_problem_is_listed_with_file_field_and_message(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(BROKEN)

    result = run_cli("check", "--workspace", root)

    assert result.exit_code == 1
    assert "3 problems in the workspace" in result.stderr
    assert "gateway.yaml" in result.stderr
    assert "unknown section 'modle'; did you mean 'model'?" in result.stderr
    assert "agents/helper/AGENT.md" in result.stderr
    assert "temprature" in result.stderr
    assert "agents/fetcher/AGENT.md" in result.stderr
    assert "missing-skill" in result.stderr
    assert "Traceback" not in result.output


def test_json_format_lists_problems_on_stdout(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(BROKEN)

    result = run_cli("check", "--workspace", root, "--format", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    by_file = {(p["file"], p["field"]) for p in report["problems"]}
    assert ("gateway.yaml", "modle") in by_file
    assert ("agents/helper/AGENT.md", "temprature") in by_file
    assert all(p["message"] for p in report["problems"])


def test_gateway_sections_are_checked_as_serve_would(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"gateway.yaml": "server:\n  port: eighty\n"})

    result = run_cli("check", "-w", root, "-f", "json")

    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["file"], problem["field"]) == ("gateway.yaml", "server.port")
    assert "integer" in problem["message"]


def test_environment_overrides_are_checked_too(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"agents/solo/AGENT.md": "Just a prompt."})

    result = run_cli("check", "-w", root, env={"AGENT_GATEWAY_SERVER__PORT": "eighty"})

    assert result.exit_code == 1
    assert "server.port" in result.stderr


def test_a_missing_workspace_is_a_problem_not_a_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", "--workspace", tmp_path / "nowhere")

    assert result.exit_code == 1
    assert "workspace directory does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_workspace_defaults_to_the_environment_variable(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"agents/solo/AGENT.md": "Just a prompt."})

    result = run_cli("check", env={"AGENT_GATEWAY_WORKSPACE": str(root)})

    assert result.exit_code == 0, result.output
    assert f"{root}: 1 agent, 0 skills, 0 tools" in result.stdout


def test_workspace_defaults_to_workspace_in_the_current_folder(
    run_cli: RunCli, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace({"agents/solo/AGENT.md": "Just a prompt."})
    monkeypatch.chdir(root.parent)

    result = run_cli("check")

    assert result.exit_code == 0, result.output
    assert "1 agent" in result.stdout


def test_an_unknown_format_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("check", "-w", EXAMPLE_WORKSPACE, "--format", "yaml")

    assert result.exit_code == 2
    assert "yaml" in result.output


REFERENCE_INIT = Path(__file__).resolve().parents[4] / "tests/compat/fixtures/reference_init"


def test_settings_accepted_with_a_note_are_listed_per_key(run_cli: RunCli) -> None:
    result = run_cli("check", "--workspace", REFERENCE_INIT / "workspace", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notes"] == [
        {
            "file": "gateway.yaml",
            "field": "telemetry",
            "status": "not_in_effect",
            "message": "OpenTelemetry export is not in this release",
        },
        {
            "file": "gateway.yaml",
            "field": "persistence.url",
            "status": "alias",
            "message": "a SQLite url, read as path",
        },
    ]


def test_the_table_says_which_settings_are_not_in_effect(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {
            "gateway.yaml": """
                server: {workers: 4}
                persistence: {backend: memory, db_schema: agents}
                mcp: {tool_call_timeout_ms: 5000}
                queue: {backend: rabbitmq, redis_url: "redis://cache:6379/0"}
                memory: {enabled: false}
                """
        }
    )

    result = run_cli("check", "--workspace", root)

    assert result.exit_code == 0, result.output
    assert "3 settings accepted with a note" in result.stdout
    for field in ("server.workers", "queue.redis_url", "persistence.db_schema"):
        assert field in result.stdout
    noted = result.stdout.split("accepted with a note")[1]
    assert "mcp" not in noted  # in effect since MCP servers landed
    assert "memory" not in noted


def test_the_existing_products_auth_settings_are_in_effect(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {
            "gateway.yaml": """
                auth:
                  mode: composite
                  api_keys: [{name: ci, key: sk-ci}]
                  oauth2: {issuer: "https://issuer.test", audience: agents}
                  public_paths: [/v1/health, /v1/agents]
                """
        }
    )

    result = run_cli("check", "--workspace", root, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notes"] == []


def test_auth_settings_the_mode_leaves_out_are_noted(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    tokens_only = write_workspace(
        {
            "gateway.yaml": """
                auth:
                  mode: oauth2
                  api_keys: [{name: ci, key: sk-ci}]
                  oauth2: {issuer: "https://issuer.test", audience: agents}
                  public_paths: [/v1/agents]
                """
        }
    )
    first = run_cli("check", "--workspace", tokens_only, "--format", "json")
    keys_only = write_workspace(
        {"gateway.yaml": 'auth:\n  oauth2: {issuer: "https://i.test", audience: a}\n'}
    )
    second = run_cli("check", "--workspace", keys_only, "--format", "json")

    notes = {note["field"]: note for note in json.loads(first.stdout)["notes"]}
    assert set(notes) == {"auth.api_keys", "auth.public_paths"}
    assert "composite" in notes["auth.api_keys"]["message"]
    assert "stays public" in notes["auth.public_paths"]["message"]
    (note,) = json.loads(second.stdout)["notes"]
    assert note["field"] == "auth.oauth2"
    assert "mode" in note["message"]


def test_agent_keys_not_in_effect_are_noted_per_file(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {
            "agents/reporter/AGENT.md": """
                ---
                description: Sends a daily report.
                scope: personal
                schedules:
                  - {name: daily, cron: "0 9 * * *", message: Report}
                memory: {enabled: true}
                delegates_to: [helper]
                ---
                Report.
                """,
            "agents/helper/AGENT.md": """
                ---
                description: Helps.
                ---
                Help.
                """,
        }
    )

    result = run_cli("check", "--workspace", root, "--format", "json")

    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert [(n["file"], n["field"], n["status"]) for n in notes] == [
        ("agents/reporter/AGENT.md", "schedules", "not_in_effect"),  # of a personal agent
        ("agents/reporter/AGENT.md", "delegates_to", "not_in_effect"),
        # gateway.yaml does not enable memory, so the agent's memory is off (see the message)
        ("agents/reporter/AGENT.md", "memory", "not_in_effect"),
    ]  # a personal scope is in effect: no note
    assert "memory.enabled" in notes[-1]["message"]


def test_agent_memory_is_in_effect_when_gateway_yaml_enables_it(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {
            "gateway.yaml": "memory: {enabled: true}\n",
            "agents/keeper/AGENT.md": """
                ---
                description: Remembers.
                memory: {enabled: true}
                mcp_servers: [github]
                ---
                Remember.
                """,
        }
    )

    result = run_cli("check", "--workspace", root, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notes"] == []


def test_queue_keys_are_noted_only_when_the_chosen_backend_does_not_read_them(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    on_redis = write_workspace(
        {
            "gateway.yaml": """
                queue:
                  backend: redis
                  redis_url: redis://cache:6379/0
                  stream_key: jobs
                  drain_timeout_s: 10
                  queue_name: jobs
                """
        }
    )
    result = run_cli("check", "--workspace", on_redis, "--format", "json")
    assert result.exit_code == 0, result.output
    notes = {note["field"]: note["message"] for note in json.loads(result.stdout)["notes"]}
    assert notes == {
        "queue.queue_name": "read by the rabbitmq queue only, and queue.backend is 'redis'"
    }
