"""Run the CLI in-process with typer's CliRunner, against workspaces written per test."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent_gateway.cli.app import app

from ._served_gateway import ALICE, ScriptedModel, ServedGateway
from ._served_gateway import served_gateway as served_gateway_at

RunCli = Callable[..., Result]
WriteWorkspace = Callable[[Mapping[str, str]], Path]

# Wide enough that table cells never wrap, so a test can look for a whole value.
# Gateways started by a command keep their data in memory, isolated per test (the SQLite
# default, a file under the working directory, has its own tests).
_ENV = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "AGENT_GATEWAY_WORKSPACE": None,
    "AGENT_GATEWAY_PERSISTENCE__BACKEND": "memory",
}


@pytest.fixture
def run_cli() -> RunCli:
    """``run_cli("check", "--workspace", path, input=..., env=...)``: the CLI's Result."""

    def run(
        *args: str | Path, input: str | None = None, env: Mapping[str, str | None] | None = None
    ) -> Result:
        runner = CliRunner()
        return runner.invoke(
            app, [str(arg) for arg in args], input=input, env={**_ENV, **(env or {})}
        )

    return run


@pytest.fixture
def write_workspace(tmp_path: Path) -> WriteWorkspace:
    """Write ``{relative path: text}`` (dedented) under ``tmp_path/workspace``; return it."""

    def write(files: Mapping[str, str]) -> Path:
        root = tmp_path / "workspace"
        root.mkdir(exist_ok=True)
        for relative, text in files.items():
            file = root / relative
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return write


# ---------------------------------------------------------------- a running gateway (remote mode)

RunRemote = Callable[..., Result]

# No client setting of the caller's shell or home directory reaches a command under test.
_CLIENT_ENV = ("AGENT_GATEWAY_URL", "AGENT_GATEWAY_API_KEY", "AGENT_GATEWAY_PROFILE")


@pytest.fixture(scope="session")
def served_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    """One gateway for the session, over HTTP on 127.0.0.1 (see ``_served_gateway``)."""
    with served_gateway_at(tmp_path_factory.mktemp("served")) as served:
        yield served


@pytest.fixture
def gateway_model(served_gateway: ServedGateway) -> Iterator[ScriptedModel]:
    """The served gateway's model: ``gateway_model.push(reply(...))``; nothing pushed is left
    for the next test."""
    served_gateway.model.clear()
    yield served_gateway.model
    served_gateway.model.clear()


@pytest.fixture
def client_env(tmp_path: Path) -> dict[str, str | None]:
    """The environment of a remote command: no client variable, no config file."""
    return {
        **dict.fromkeys(_CLIENT_ENV),
        "AGENT_GATEWAY_CLIENT_CONFIG": str(tmp_path / "no-client.toml"),
    }


@pytest.fixture
def run_remote(
    run_cli: RunCli, served_gateway: ServedGateway, client_env: dict[str, str | None]
) -> RunRemote:
    """``run_remote("agents", "--format", "json")``: the command with ``--url`` of the served
    gateway and Alice's key (``key=`` another, ``None`` for none; ``url=`` another URL)."""

    def run(
        *args: str | Path,
        key: str | None = ALICE,
        url: str | None = None,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Result:
        remote = ["--url", url or served_gateway.url, *(["--api-key", key] if key else [])]
        return run_cli(*args, *remote, input=input, env={**client_env, **(env or {})})

    return run
