"""``agents-gateway schedules``: the cron schedules AGENT.md files declare, with their next
fire time."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from agent_gateway.cli.gateway_workspace import load_gateway_workspace
from agent_gateway.cli.schedules import schedule_rows

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
    listed = json.loads(result.stdout)
    next_runs = {row["id"]: row.pop("next_run") for row in listed}
    assert next_runs["paused:nightly"] is None
    assert next_runs["reporter:weekly"] is None
    daily = datetime.fromisoformat(next_runs["reporter:daily-report"])
    assert next_runs["reporter:daily-report"].endswith("Z")
    assert daily > datetime.now(UTC)
    assert daily.minute == 0  # 09:00 in Paris is 07:00 or 08:00 UTC
    assert listed == [
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
    assert "Next run" in result.stdout
    assert " CE" in row  # 09:00 in Paris (CET or CEST), then in UTC
    assert " UTC)" in row
    weekly = next(line for line in result.stdout.splitlines() if "reporter:weekly" in line)
    assert " - " in weekly  # not enabled: no next run


LONDON = """
    ---
    schedules:
      - name: nightly
        cron: "30 1 * * *"
        message: Nightly report.
        timezone: Europe/London
    ---
    You write reports.
    """


def test_next_run_across_the_clock_changes(write_workspace: WriteWorkspace) -> None:
    state = load_gateway_workspace(write_workspace({"agents/reporter/AGENT.md": LONDON}))

    def next_runs(now: datetime) -> dict[str, datetime | None]:
        return {row["id"]: row["next_run"] for row in schedule_rows(state, now=now)}

    # 01:30 does not exist in London on 29 March 2026: the first minute after the gap.
    assert next_runs(datetime(2026, 3, 28, 12, tzinfo=UTC)) == {
        "reporter:nightly": datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    }
    # 01:30 happens twice on 25 October 2026: the first one (BST).
    assert next_runs(datetime(2026, 10, 24, 12, tzinfo=UTC))["reporter:nightly"] == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_no_schedules(run_cli: RunCli, write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"agents/solo/AGENT.md": "Just a prompt."})

    result = run_cli("schedules", "-w", root)

    assert result.exit_code == 0, result.output
    assert "No schedules in the workspace." in result.stdout
