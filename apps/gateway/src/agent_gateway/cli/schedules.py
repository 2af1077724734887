"""``agents-gateway schedules``: the cron schedules AGENT.md files declare, with their next fire
time, read from the workspace only (no database, no running gateway). With ``--url`` or
``--profile``: a running gateway's schedules, which can also be paused, resumed and triggered.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption
from agent_gateway.cli.remote_options import ApiKeyOption, ProfileOption, UrlOption, remote_target

if TYPE_CHECKING:
    from agent_gateway_core.workspace import WorkspaceState


class ScheduleAction(StrEnum):
    LIST = "list"
    PAUSE = "pause"
    RESUME = "resume"
    TRIGGER = "trigger"


def schedules(
    action: Annotated[
        ScheduleAction,
        typer.Argument(
            help="list (the default); with a gateway, also pause, resume or trigger SCHEDULE_ID.",
            metavar="ACTION",
            show_default=False,
        ),
    ] = ScheduleAction.LIST,
    schedule_id: Annotated[
        str | None,
        typer.Argument(
            help="The schedule to pause, resume or trigger.",
            metavar="SCHEDULE_ID",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
    url: UrlOption = None,
    profile: ProfileOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the cron schedules declared in AGENT.md files, with when each fires next.

    The id is `{agent_id}:{name}`. `next_run` is the schedule's next occurrence from now, by
    its cron expression in its time zone (a schedule without one takes gateway.yaml's
    `timezone`, else UTC): in that zone and in UTC in the table, as ISO-8601 UTC in JSON. It
    is empty for a schedule that is not enabled; a schedule of a disabled agent shows as not
    enabled, as it never fires whatever its own `enabled` says.

    Only the files are read, with no database: admin schedules (`admin:{agent_id}:{name}`),
    pauses and updates made at run time, and last runs live in the running gateway. Ask it
    with `--url` or `--profile`: that gateway's schedules, admin ones included, with their
    last run. `pause` stops a schedule firing (on every replica), `resume` fires it again
    from its next occurrence, `trigger` starts a run now and prints its execution id.

    **Examples**

        agents-gateway schedules
        agents-gateway schedules --format json
        agents-gateway schedules --url http://127.0.0.1:8000
        agents-gateway schedules pause reporter:daily-report --url http://127.0.0.1:8000
        agents-gateway schedules trigger reporter:daily-report --profile prod
    """
    target = remote_target(url, profile, api_key)
    if action is not ScheduleAction.LIST and schedule_id is None:
        raise typer.BadParameter(f"{action} needs the id of a schedule", param_hint="SCHEDULE_ID")
    if action is ScheduleAction.LIST and schedule_id is not None:
        raise typer.BadParameter("list takes no schedule id", param_hint="SCHEDULE_ID")
    if target is not None:
        from agent_gateway.cli.remote_schedules import remote_schedule_action, remote_schedules

        if schedule_id is None:
            remote_schedules(target, output)
        else:
            remote_schedule_action(target, action.value, schedule_id, output)
        return
    if action is not ScheduleAction.LIST:
        raise typer.BadParameter(
            f"{action} changes a running gateway's schedule: add --url or --profile",
            param_hint="ACTION",
        )
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace

    rows = schedule_rows(load_gateway_workspace(workspace), now=datetime.now(UTC))
    show = iso_utc if output is OutputFormat.JSON else readable_time
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


def iso_utc(moment: datetime | None, _timezone: str) -> str | None:
    """``2026-03-29T01:00:00Z``, as the HTTP API writes ``next_run_at``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def readable_time(moment: datetime | None, timezone: str) -> str:
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
