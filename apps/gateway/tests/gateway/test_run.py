"""Gateway.run(): uvicorn serves the gateway for real, lifespan included (one subprocess)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_run_serves_the_gateway_over_real_http(write_workspace: Callable[..., Path]) -> None:
    root = write_workspace()
    port = free_port()
    code = (
        "from agent_gateway import Gateway\n"
        f"Gateway(workspace={str(root)!r}, auth=False).run(port={port}, log_level='info')\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    health: httpx.Response | None = None
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)

    assert health is not None, f"the server never answered:\n{output}"
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["agents"] == 1
    assert health.headers["x-content-type-options"] == "nosniff"
    # uvicorn shuts down gracefully, then re-raises the signal it was stopped with.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output
    assert "Application startup complete" in output
    assert "Application shutdown complete" in output
