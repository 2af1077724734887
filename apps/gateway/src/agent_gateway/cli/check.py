"""``agents-gateway check``: validate a workspace before serving it."""

import typer

from agent_gateway.cli.console import print_json, stderr, stdout
from agent_gateway.cli.options import DEFAULT_WORKSPACE, FormatOption, OutputFormat, WorkspaceOption
from agent_gateway.cli.problems import notes_as_json, print_notes, print_problems, problems_as_json


def check(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Validate a workspace: every problem in every file, with its file and field.

    Reads gateway.yaml and every AGENT.md, SKILL.md, TOOL.md and handler.py, and checks the
    references between them, with `AGENT_GATEWAY_*` overrides applied, as the gateway does at
    startup. A tool an agent names that is not in the workspace is left to startup, since
    your app may register it in code. Exits with code 1 when there is any problem.

    Settings accepted with a note are listed after the summary, as warnings: the existing
    product's names for ours (aliases, in effect) and settings of capabilities this release
    does not have yet (not in effect).

    **Examples**

        agents-gateway check
        agents-gateway check --workspace ./my-project/workspace --format json
    """
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace
    from agent_gateway_core.errors import WorkspaceError

    try:
        state = load_gateway_workspace(workspace)
    except WorkspaceError as exc:
        if output is OutputFormat.JSON:
            print_json({"ok": False, "problems": problems_as_json(exc.problems)})
        else:
            print_problems(stderr(), exc.problems)
        raise typer.Exit(1) from exc

    from agent_gateway.settings_notes import workspace_notes

    notes = workspace_notes(state)
    counts = {"agents": len(state.agents), "skills": len(state.skills), "tools": len(state.tools)}
    if output is OutputFormat.JSON:
        print_json(
            {"ok": True, "workspace": str(state.root), **counts, "notes": notes_as_json(notes)}
        )
        return
    # "1 agent, 2 skills": drop the plural "s" for a count of one.
    summary = ", ".join(f"{n} {kind[:-1] if n == 1 else kind}" for kind, n in counts.items())
    stdout().print(f"[green]✓[/green] {state.root}: {summary}")
    if notes:
        print_notes(stdout(), notes)
