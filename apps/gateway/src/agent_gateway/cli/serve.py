"""``agents-gateway serve``: run the HTTP API with uvicorn."""

from enum import StrEnum
from typing import Annotated, Any

import typer

from agent_gateway.cli.options import DEFAULT_WORKSPACE, WorkspaceOption


class LogLevel(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    DEBUG = "debug"
    TRACE = "trace"


def serve(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on. Default: server.host, else 127.0.0.1."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on. Default: server.port, else 8000.", min=0, max=65535),
    ] = None,
    reload: Annotated[
        bool, typer.Option("--reload", help="Reload the workspace when its files change.")
    ] = False,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="Turn authentication off (local development only)."),
    ] = False,
    worker_only: Annotated[
        bool,
        typer.Option(
            "--worker-only",
            help="Run only queued executions, no HTTP API (SIGTERM drains it for "
            "queue.drain_timeout_s). Needs a redis or rabbitmq queue.",
        ),
    ] = False,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            "--log-level", help="uvicorn log level. Default: server.log_level, else info."
        ),
    ] = None,
) -> None:
    """Serve the workspace's agents as an HTTP API until stopped (Ctrl-C).

    Host, port and log level default to the `server:` section of gateway.yaml (which
    `AGENT_GATEWAY_SERVER__PORT` and friends override). The workspace is checked first: a
    workspace with problems is listed and not served. The OpenAPI docs are at `/docs`.

    **Examples**

        agents-gateway serve
        agents-gateway serve --workspace ./my-project/workspace --port 9000
        agents-gateway serve --reload --no-auth --log-level debug
        agents-gateway serve --worker-only --workspace ./workspace
    """
    from agent_gateway.cli.gateway_workspace import load_gateway_workspace
    from agent_gateway.gateway import Gateway

    load_gateway_workspace(workspace)  # its problems are listed here, not as a failed startup
    if worker_only:
        from agent_gateway.cli.worker import run_worker

        run_worker(workspace, log_level=log_level.value if log_level is not None else None)
        return
    level = log_level.value if log_level is not None else None
    uvicorn_options: dict[str, Any] = {"host": host, "port": port, "log_level": level}
    gateway = Gateway(workspace=workspace, auth=not no_auth, reload=reload)
    gateway.run(**{key: value for key, value in uvicorn_options.items() if value is not None})
