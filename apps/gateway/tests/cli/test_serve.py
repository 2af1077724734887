"""``agents-gateway serve``: refuses what it cannot serve, and serves the API over HTTP."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import RunCli, WriteWorkspace

HEALTH_TIMEOUT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get_json(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _wait_for_health(url: str, process: subprocess.Popen[str]) -> tuple[int, dict[str, object]]:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{process.communicate()[1]}")
        try:
            return _get_json(url)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url} within {HEALTH_TIMEOUT_SECONDS}s")


@pytest.mark.unit
def test_worker_only_on_the_in_process_queue_exits_2_and_says_what_it_needs(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"agents/helper/AGENT.md": "Be helpful."})
    result = run_cli("serve", "--worker-only", "-w", root)

    assert result.exit_code == 2
    assert "--worker-only needs a shared queue: queue.backend is 'memory'" in result.stderr
    assert "redis or rabbitmq" in result.stderr


@pytest.mark.unit
def test_a_broken_workspace_is_listed_and_not_served(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"agents/a/AGENT.md": "---\ntemprature: 1\n---\nHi.\n"})

    result = run_cli("serve", "-w", root, "--port", "1")

    assert result.exit_code == 1
    assert "agents/a/AGENT.md" in result.stderr
    assert "temprature" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.unit
def test_a_bad_server_section_is_listed_not_a_traceback(
    run_cli: RunCli, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({"gateway.yaml": "server:\n  port: eighty\n"})

    result = run_cli("serve", "-w", root)

    assert result.exit_code == 1
    assert "server.port" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.unit
def test_an_out_of_range_port_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("serve", "-w", tmp_path, "--port", "70000")

    assert result.exit_code == 2
    assert "--port" in result.output


@pytest.mark.integration
def test_serve_answers_health_over_http_and_stops_on_ctrl_c(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {
            "gateway.yaml": "model:\n  default: openai/gpt-4o-mini\n",
            "agents/helper/AGENT.md": "Be helpful.",
        }
    )
    port = _free_port()
    command = [sys.executable, "-m", "agent_gateway.cli", "serve", "-w", str(root)]
    command += ["--port", str(port), "--no-auth", "--log-level", "warning"]
    # Started beside the workspace: the default SQLite database goes under .agent-gateway/ there.
    process = subprocess.Popen(
        command, cwd=root.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        status, body = _wait_for_health(f"http://127.0.0.1:{port}/v1/health", process)

        assert status == 200
        assert body["status"] == "ok"
        assert (root.parent / ".agent-gateway" / "gateway.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_a_startup_failure_is_one_line_without_a_traceback_or_the_password(
    write_workspace: WriteWorkspace,
) -> None:
    # A password holding an unescaped '@': refused at startup, and never half-printed.
    url = "postgresql+asyncpg://app:s3cr@t@127.0.0.1:9/gateway"
    root = write_workspace(
        {
            "gateway.yaml": f"persistence:\n  backend: postgres\n  url: {url}\n",
            "agents/helper/AGENT.md": "Be helpful.",
        }
    )
    command = [sys.executable, "-m", "agent_gateway.cli", "serve", "-w", str(root)]
    command += ["--port", str(_free_port()), "--no-auth"]
    finished = subprocess.run(
        command, cwd=root.parent, capture_output=True, text=True, timeout=60, check=False
    )

    assert finished.returncode != 0
    output = finished.stdout + finished.stderr
    assert "gateway startup failed: persistence url postgresql+asyncpg://app:***@127.0.0.1" in (
        output
    )
    assert "%40" in output
    assert "Traceback" not in output
    assert "s3cr" not in output
    assert "t@127" not in output
