"""``agents-gateway schedules``: the cron schedules AGENT.md files declare."""

from __future__ import annotations

import json

import pytest

from .conftest import RunCli, WriteWorkspace

pytestmark = pytest.mark.unit

REPORTER = """
    ---
    schedules:
      - name: daily-report
        cron: "0 9 * * 1-5"
        message: Write the daily report.
        timezone: Europe/Paris
      - name: weekly
        cron: "0 10 * * 1"
        message: Write the weekly summary.
        enabled: false
    ---
    You write reports.
    """

PAUSED = """
    ---
    enabled: false
    schedules:
      - name: nightly
        cron: "0 2 * * *"
        message: Clean up.
    ---
    You clean up.
    """


def test_schedules_as_json(run_cli: RunCli, write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"agents/reporter/AGENT.md": REPORTER, "agents/paused/AGENT.md": PAUSED})

    result = run_cli("schedules", "-w", root, "-f", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "paused:nightly",
            "agent": "paused",
            "cron": "0 2 * * *",
            "timezone": "UTC",
            "enabled": False,  # the agent is disabled, so the schedule never fires
            "message": "Clean up.",
        },
        {
            "id": "reporter:daily-report",
            "agent": "reporter",
            "cron": "0 9 * * 1-5",
            "timezone": "Europe/Paris",
            "enabled": True,
            "message": "Write the daily report.",
        },
        {
            "id": "reporter:weekly",
            "agent": "reporter",
            "cron": "0 10 * * 1",
            "timezone": "UTC",
            "enabled": False,
            "message": "Write the weekly summary.",
        },
    ]


def test_schedules_as_table(run_cli: RunCli, write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"agents/reporter/AGENT.md": REPORTER})

    result = run_cli("schedules", "-w", root)

    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "reporter:daily-report" in line)
    assert "0 9 * * 1-5" in row
    assert "Europe/Paris" in row
    assert "Write the daily report." in row


def test_no_schedules(run_cli: RunCli, write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"agents/solo/AGENT.md": "Just a prompt."})

    result = run_cli("schedules", "-w", root)

    assert result.exit_code == 0, result.output
    assert "No schedules in the workspace." in result.stdout
