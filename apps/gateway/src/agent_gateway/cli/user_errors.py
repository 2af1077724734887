"""User errors end as a message and exit code 1; only real bugs show a traceback."""

from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from agent_gateway.cli.console import stderr
from agent_gateway.cli.problems import print_problems


class UserErrorsGroup(TyperGroup):
    """The command group of ``agents-gateway``: turns an AgentGatewayError into a message.

    A WorkspaceError lists every problem with its file and field; any other error the
    framework raises on purpose prints its message. Both exit with code 1.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # Imported here, not at the top: ``--help`` must not pay for it.
            from agent_gateway_core.errors import AgentGatewayError, WorkspaceError

            if isinstance(exc, WorkspaceError):
                print_problems(stderr(), exc.problems)
                raise typer.Exit(1) from exc
            if isinstance(exc, AgentGatewayError):
                stderr().print(f"[bold red]Error:[/bold red] {escape(str(exc))}")
                raise typer.Exit(1) from exc
            raise
