"""Talk to a running gateway through the client SDK (``GatewayClientSync``).

:func:`remote_client` opens a client for a command and closes it after; an error of the SDK
ends the command with one line on stderr naming what failed, and the exit code of the
error's class (:mod:`agent_gateway.cli.exit_codes`). The SDK is an extra
(``agents-gateway[client]``): it is imported only once a command needs it, after
:func:`client_sdk` has checked that it is installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

import typer

from agent_gateway.cli.console import fail, stderr
from agent_gateway.cli.exit_codes import ExitCode, exit_code_for, failed_execution_id

if TYPE_CHECKING:
    from agent_gateway.cli.remote_options import RemoteTarget
    from agent_gateway_client import GatewayClientSync, GatewayError

CLIENT_INSTALL = "pip install 'agents-gateway[client]'"
_NO_URL = "no gateway URL"


def client_sdk() -> ModuleType:
    """``agent_gateway_client``, or exit 1 saying how to install it."""
    try:
        import agent_gateway_client
    except ImportError:
        fail(
            f"talking to a gateway needs the client SDK, which is not installed: {CLIENT_INSTALL}",
            code=ExitCode.FAILED,
        )
    return agent_gateway_client


@contextmanager
def remote_client(
    target: RemoteTarget, action: str, *, runs_execution: bool = False
) -> Iterator[GatewayClientSync]:
    """``with remote_client(target, "list the agents") as client:`` a client of the gateway
    ``target`` names, closed on exit.

    An error of the SDK raised in the block exits with its code and the line
    ``Error: <action> failed: <status> <code>: <message>``. With ``runs_execution`` (invoke,
    chat), an error answer that reports the execution as run and failed exits 1, like a
    failed execution in the local mode. Ctrl-C exits 130.
    """
    sdk = client_sdk()
    try:
        with sdk.GatewayClientSync(
            target.url, api_key=target.api_key, profile=target.profile
        ) as client:
            yield client
    except sdk.GatewayError as exc:
        exit_for(action, exc, runs_execution=runs_execution)
    except KeyboardInterrupt:
        stderr().print()
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def exit_for(action: str, error: GatewayError, *, runs_execution: bool = False) -> NoReturn:
    """Print what failed on one line of stderr and exit with the code of ``error``."""
    fail(describe(action, error, runs_execution=runs_execution), code=_code(error, runs_execution))


def describe(action: str, error: GatewayError, *, runs_execution: bool = False) -> str:
    """One line naming what failed and why, e.g. ``list the agents failed: 401 ...``."""
    import agent_gateway_client as sdk

    if isinstance(error, sdk.ConfigurationError):
        reason = str(error)
        if reason.startswith(_NO_URL):
            reason = (
                f"{_NO_URL}: pass --url, set AGENT_GATEWAY_URL, or choose a profile (--profile)"
            )
        return one_line(f"cannot {action}: {reason}")
    execution_id = failed_execution_id(error) if runs_execution else None
    ran = f": execution {execution_id} did not succeed" if execution_id else ""
    request = f" (request id {error.request_id})" if isinstance(error, sdk.ServerError) else ""
    return one_line(f"{action} failed{ran}: {error}{request}")


def one_line(text: str) -> str:
    """``text`` with every run of whitespace that holds a line break made one space."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _code(error: GatewayError, runs_execution: bool) -> ExitCode:
    if runs_execution and failed_execution_id(error) is not None:
        return ExitCode.FAILED
    return exit_code_for(error)
