"""Run the CLI in-process with typer's CliRunner, against workspaces written per test."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent_gateway.cli.app import app

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
        *args: str | Path, input: str | None = None, env: Mapping[str, str] | None = None
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
