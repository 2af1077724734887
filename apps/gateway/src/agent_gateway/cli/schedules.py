"""``agents-gateway schedules``: the cron schedules AGENT.md files declare, with their next fire
time. It reads the workspace only (no database, no running gateway)."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption

if TYPE_CHECKING:
    from agent_gateway_core.workspace import WorkspaceState


def schedules(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the cron schedules declared in AGENT.md files, with when each fires next.

    The id is `{agent_id}:{name}`. `next_run` is the schedule's next occurrence from now, by
    its cron expression in its time zone (a schedule without one takes gateway.yaml's
    `timezone`, else UTC): in that zone and in UTC in the table, as ISO-8601 UTC in JSON. It
    is empty for a schedule that is not enabled; a schedule of a disabled agent shows as not
    enabled, as it never fires whatever its own `enabled` says.

    Only the files are read, with no database: admin schedules (`admin:{agent_id}:{name}`),
    pauses and updates made at run time, and last runs live in the running gateway. Ask it
    with `GET /v1/schedules`.

    **Examples**

        agents-gateway schedules
        agents-gateway schedules --format json
    """
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace

    rows = schedule_rows(load_gateway_workspace(workspace), now=datetime.now(UTC))
    show = _iso_utc if output is OutputFormat.JSON else _readable
    shown = [row | {"next_run": show(row["next_run"], row["timezone"])} for row in rows]
    show_rows(shown, title="Schedules", output=output)


def schedule_rows(state: "WorkspaceState", *, now: datetime) -> list[dict[str, Any]]:
    """One row per declared schedule, by agent id then as declared; ``next_run`` is the first
    fire time after ``now`` as a UTC datetime, or ``None`` when the schedule does not fire."""
    from agent_gateway_core.scheduling.cron_times import next_fire_time

    rows = []
    for agent in sorted(state.agents.values(), key=lambda a: a.id):
        for schedule in agent.schedules:
            timezone = schedule.timezone or state.timezone
            enabled = schedule.enabled and agent.enabled
            rows.append(
                {
                    "id": f"{agent.id}:{schedule.name}",
                    "agent": agent.id,
                    "cron": schedule.cron,
                    "timezone": timezone,
                    "enabled": enabled,
                    "next_run": next_fire_time(schedule.cron, timezone, now) if enabled else None,
                    "message": schedule.message,
                }
            )
    return rows


def _iso_utc(moment: datetime | None, _timezone: str) -> str | None:
    """``2026-03-29T01:00:00Z``, as the HTTP API writes ``next_run_at``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _readable(moment: datetime | None, timezone: str) -> str:
    """``2026-03-29 02:00 BST (01:00 UTC)``: in the schedule's zone, then in UTC (with the
    date when it differs); just UTC for a UTC schedule; ``-`` when it does not fire."""
    if moment is None:
        return "-"
    from agent_gateway_core.scheduling.cron_times import zone

    utc = moment.astimezone(UTC)
    local = moment.astimezone(zone(timezone))
    if local.tzname() == "UTC":
        return f"{utc:%Y-%m-%d %H:%M} UTC"
    utc_part = f"{utc:%H:%M}" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({utc_part} UTC)"
