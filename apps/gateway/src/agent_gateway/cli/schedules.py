"""``agents-gateway schedules``: the cron schedules the workspace's AGENT.md files declare."""

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption


def schedules(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the cron schedules declared in AGENT.md files, as the workspace declares them.

    The id is `{agent_id}:{name}`. A schedule of a disabled agent shows as not enabled: it
    never fires, whatever its own `enabled` says. Next fire times and last runs belong to a
    running gateway's scheduler, not to the files, so they are not shown here.

    **Examples**

        agents-gateway schedules
        agents-gateway schedules --format json
    """
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace

    state = load_gateway_workspace(workspace)
    rows = [
        {
            "id": f"{agent.id}:{schedule.name}",
            "agent": agent.id,
            "cron": schedule.cron,
            "timezone": schedule.timezone,
            "enabled": schedule.enabled and agent.enabled,
            "message": schedule.message,
        }
        for agent in sorted(state.agents.values(), key=lambda a: a.id)
        for schedule in agent.schedules
    ]
    show_rows(rows, title="Schedules", output=output)
