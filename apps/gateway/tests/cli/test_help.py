"""``--help`` everywhere: examples in every command's help, and no heavy import to show it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from agent_gateway.cli.app import app

from .conftest import RunCli

pytestmark = pytest.mark.unit

COMMANDS = sorted(
    command.name or getattr(command.callback, "__name__", "") for command in app.registered_commands
)

# Importing any of these to print help would make every CLI start slow.
HEAVY = ("fastapi", "starlette", "uvicorn", "litellm", "aiohttp", "agent_gateway.gateway")

# Prints help as the installed script would, then the heavy modules it imported, on stderr.
_PROBE = """
import json, sys
from agent_gateway.cli.app import main
sys.argv = ["agents-gateway", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m in HEAVY or m.split(".")[0] in HEAVY)
print(json.dumps(heavy), file=sys.stderr)
"""


EXPECTED_COMMANDS = ["init", "check", "serve", "invoke", "chat", "agents", "skills", "tools",
                     "schedules", "version"]  # fmt: skip


def test_every_command_is_registered() -> None:
    assert sorted(EXPECTED_COMMANDS) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(run_cli: RunCli, command: str) -> None:
    result = run_cli(command, "--help")

    assert result.exit_code == 0, result.output
    assert "Examples" in result.stdout
    assert f"agents-gateway {command}" in result.stdout


def test_top_level_help_lists_the_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")

    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["invoke", "--help"]])
def test_help_imports_no_web_stack_nor_model_client(args: list[str]) -> None:
    probe = f"HEAVY = {HEAVY!r}\n{_PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, check=True
    )

    assert "Usage" in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
