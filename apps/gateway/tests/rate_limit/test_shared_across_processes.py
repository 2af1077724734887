"""Two gateway processes counting in one Redis: together they admit exactly the limit."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import RedisTarget

pytestmark = pytest.mark.integration

STARTUP_TIMEOUT_SECONDS = 30
SERVE = [sys.executable, "-m", "agent_gateway.cli", "serve"]

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
auth:
  api_keys:
    - {{name: alice, key: sk-alice, scopes: ["*"]}}
rate_limit:
  enabled: true
  default_limit: 20/minute
  storage_uri: {url}
  key_prefix: "{key_prefix}"
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{process.communicate()[1]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"no gateway on port {port} within {STARTUP_TIMEOUT_SECONDS}s")


@pytest.fixture
def two_gateways(tmp_path: Path, redis_target: RedisTarget) -> Iterator[list[int]]:
    """The ports of two ``agents-gateway serve`` processes on one workspace and one Redis."""
    root = tmp_path / "workspace"
    (root / "agents/helper").mkdir(parents=True)
    (root / "agents/helper/AGENT.md").write_text("Be helpful.")
    (root / "gateway.yaml").write_text(
        GATEWAY_YAML.format(url=redis_target.url, key_prefix=redis_target.key_prefix)
    )
    env = {**os.environ, "AGENT_GATEWAY_PERSISTENCE__BACKEND": "memory"}
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [*SERVE, "-w", str(root), "--port", str(port), "--log-level", "warning"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_serving(port, process)
        yield ports
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


async def test_two_processes_sharing_redis_admit_exactly_the_limit_together(
    two_gateways: list[int],
) -> None:
    async with httpx.AsyncClient(
        headers={"Authorization": "Bearer sk-alice"}, timeout=10
    ) as client:
        answers = await asyncio.gather(
            *(client.get(f"http://127.0.0.1:{two_gateways[i % 2]}/v1/agents") for i in range(60))
        )

    # Each process alone would admit 20 of its 30: together they admit 20 of 60.
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 20 + [429] * 40
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.headers["X-RateLimit-Limit"] == "20"
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
