"""``schedules`` with ``--url`` or ``--profile``: a running gateway's schedules; pause, resume
and trigger one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_gateway.cli.console import print_json, stdout
from agent_gateway.cli.listing import show_models
from agent_gateway.cli.options import OutputFormat
from agent_gateway.cli.remote import remote_client
from agent_gateway.cli.remote_catalog import ON_THE_GATEWAY
from agent_gateway.cli.schedules import readable_time

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent_gateway.cli.remote_options import RemoteTarget
    from agent_gateway_client import GatewayClientSync, Schedule

_DONE = {"pause": "Paused", "resume": "Resumed"}


def remote_schedules(target: RemoteTarget, output: OutputFormat) -> None:
    with remote_client(target, "list the schedules") as client:
        listed = list(client.schedules.list())
    show_models(listed, _row, title="Schedules", output=output, where=ON_THE_GATEWAY)


def remote_schedule_action(
    target: RemoteTarget, action: str, schedule_id: str, output: OutputFormat
) -> None:
    """``pause``, ``resume`` or ``trigger`` the schedule; prints what was done (JSON: the
    gateway's answer)."""
    with remote_client(target, f"{action} schedule {schedule_id!r}") as client:
        answer = _act(client, action, schedule_id)
    if output is OutputFormat.JSON:
        print_json(answer.model_dump(mode="json"))
    elif action == "trigger":
        execution_id = getattr(answer, "execution_id", "")
        stdout().print(f"✓ Triggered {schedule_id}: execution {execution_id}", soft_wrap=True)
    else:
        stdout().print(f"✓ {_DONE[action]} {schedule_id}", soft_wrap=True)


def _act(client: GatewayClientSync, action: str, schedule_id: str) -> BaseModel:
    if action == "pause":
        return client.schedules.pause(schedule_id)
    if action == "resume":
        return client.schedules.resume(schedule_id)
    return client.schedules.trigger(schedule_id)


def _row(schedule: Schedule) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "agent": schedule.agent_id,
        "cron": schedule.cron_expr,
        "timezone": schedule.timezone,
        "enabled": schedule.enabled,
        "next_run": readable_time(schedule.next_run_at, schedule.timezone),
        "last_run": readable_time(schedule.last_run_at, schedule.timezone),
        "last_status": schedule.last_status,
        "source": schedule.source,
    }
