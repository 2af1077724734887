"""``agents-gateway serve`` processes for end-to-end tests: started on a free port, awaited
until healthy (or a ``worker started`` line), stopped with SIGTERM (killed if they hang)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from asyncio.subprocess import Process
from pathlib import Path

import httpx

SERVE = [sys.executable, "-m", "agent_gateway.cli", "serve"]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GatewayProcesses:
    """The ``serve`` processes of one deployment (one workspace), each logging to
    ``logs/{name}.log``; :meth:`stop_all` stops whatever is still running."""

    def __init__(self, workspace: Path, logs: Path) -> None:
        self.workspace = workspace
        self.logs = logs
        self.processes: dict[str, Process] = {}

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    async def spawn(self, name: str, args: list[str], env: dict[str, str]) -> Process:
        with (self.logs / f"{name}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *SERVE,
                *args,
                "-w",
                str(self.workspace),
                cwd=self.workspace.parent,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = process
        return process

    async def serve(self, name: str, env: dict[str, str] | None = None) -> int:
        """Start an API process; its port once ``/v1/health`` answers 200."""
        port = free_port()
        process = await self.spawn(name, ["--port", str(port)], env or {})
        deadline = time.monotonic() + STARTUP_SECONDS
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            while time.monotonic() < deadline:
                assert process.returncode is None, f"{name} exited:\n{self.log(name)}"
                try:
                    if (await client.get("/v1/health", timeout=1)).status_code == 200:
                        return port
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"{name} not healthy within {STARTUP_SECONDS} s:\n{self.log(name)}")

    async def worker(self, name: str, env: dict[str, str] | None = None) -> Process:
        """Start a ``--worker-only`` process; it, once it logged ``worker started``."""
        process = await self.spawn(name, ["--worker-only", "--log-level", "info"], env or {})
        deadline = time.monotonic() + STARTUP_SECONDS
        while "worker started" not in self.log(name):
            assert process.returncode is None, f"{name} exited:\n{self.log(name)}"
            assert time.monotonic() < deadline, f"{name} did not start:\n{self.log(name)}"
            await asyncio.sleep(0.05)
        return process

    async def stop_all(self) -> None:
        running = [p for p in self.processes.values() if p.returncode is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                async with asyncio.timeout(30):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
