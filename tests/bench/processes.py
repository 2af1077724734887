"""Child processes of a benchmark run: spawn (pinned to a core), await ready, measure, stop.

Every process is started in its own session and registered; :func:`stop_all` ends each one by
its process group (SIGTERM, then SIGKILL), and run.py calls it on every exit path. Children
also get SIGTERM from the kernel if the run itself is killed (PR_SET_PDEATHSIG), so nothing
outlives a benchmark.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import resource
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
_PR_SET_PDEATHSIG = 1
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_live: list[ManagedProcess] = []


class ProcessFailedError(RuntimeError):
    """A child exited early or never became ready; the message carries its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Cores:
    """Which CPU each role runs on; ``None`` when there is nothing to pin to."""

    server: int | None  # the process under test (gateway, bare Starlette, litellm alone)
    model: int | None  # the fake OpenAI servers
    loadgen: int | None

    @classmethod
    def detect(cls) -> Cores:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2 or shutil.which("taskset") is None:
            return cls(None, None, None)
        # With two cores the load generator shares the model's core, never the server's.
        return cls(cpus[0], cpus[1], cpus[2] if len(cpus) > 2 else cpus[1])

    def describe(self) -> str:
        if self.server is None:
            return "not pinned (fewer than 2 cores, or no taskset)"
        shared = " (shared: only 2 cores)" if self.loadgen == self.model else ""
        return (
            f"process under test on core {self.server}; fake model on core {self.model}; "
            f"load generator on core {self.loadgen}{shared}"
        )


def _child_setup() -> None:
    # Die with the benchmark, and allow the 1,000+ sockets of the 500-client burst.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def pinned(argv: Sequence[str], core: int | None) -> list[str]:
    """``argv`` run under ``taskset -c core`` (taskset execs it, so the pid stays the child's)."""
    if core is None:
        return list(argv)
    return ["taskset", "-c", str(core), *argv]


@dataclass
class ManagedProcess:
    """A registered child whose output goes to ``log``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    started_at: float  # perf_counter() just before spawning
    base_url: str = ""  # where a server answers, once known
    exited_at: float | None = None  # perf_counter() when wait_exit saw it end
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def failure(self, what: str) -> ProcessFailedError:
        return ProcessFailedError(
            f"{self.name} {what}; last lines of {self.log}:\n{self.log_tail()}"
        )

    def wait_http_ok(self, url: str, timeout: float, interval: float = 0.005) -> float:
        """Poll ``url`` until it answers 200; returns seconds since spawn."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self.alive():
                raise self.failure(f"exited with code {self.popen.returncode} before ready")
            if http_status(url) == 200:
                return time.perf_counter() - self.started_at
            time.sleep(interval)
        raise self.failure(f"not ready at {url} after {timeout:.0f} s")

    def wait_log(self, text: str, timeout: float, interval: float = 0.05) -> float:
        """Wait until ``text`` appears in the log; returns seconds since spawn."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.log_tail(lines=200):
                return time.perf_counter() - self.started_at
            if not self.alive():
                raise self.failure(f"exited with code {self.popen.returncode} before ready")
            time.sleep(interval)
        raise self.failure(f"did not log {text!r} within {timeout:.0f} s")

    def wait_exit(self, timeout: float) -> int:
        """The exit code; a child still running after ``timeout`` is stopped and reported."""
        try:
            code = self.popen.wait(timeout=timeout)
            self.exited_at = time.perf_counter()
        except subprocess.TimeoutExpired:
            self.stop()
            raise self.failure(f"still running after {timeout:.0f} s, stopped") from None
        self.stop()  # reaps whatever it left in its group
        return code

    def output(self, timeout: float) -> str:
        """Captured stdout of a child that must exit with 0 within ``timeout`` seconds."""
        try:
            stdout, _ = self.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise self.failure(f"still running after {timeout:.0f} s, stopped") from None
        self.stop()
        if self.popen.returncode != 0:
            raise self.failure(f"exited with code {self.popen.returncode}")
        return stdout.decode(errors="replace")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the process group, SIGKILL what is left after ``grace`` seconds."""
        if self.stopped:
            return
        self.stopped = True
        with contextlib.suppress(ValueError):
            _live.remove(self)
        _signal_group(self.popen, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(self.popen, signal.SIGKILL)
            self.popen.wait(timeout=grace)
        # The group may hold grandchildren that outlived the leader.
        _signal_group(self.popen, signal.SIGKILL)


def _signal_group(popen: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, sig)  # start_new_session: the child leads its own group


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    log_dir: Path,
    core: int | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    capture_stdout: bool = False,
) -> ManagedProcess:
    """Start ``argv`` (pinned to ``core``) with stderr, and stdout unless captured, in a log."""
    log = log_dir / f"{name}.log"
    log_file = log.open("ab")
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    started_at = time.perf_counter()
    try:
        popen = subprocess.Popen(
            pinned(argv, core),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture_stdout else log_file,
            stderr=log_file,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_child_setup,
        )
    finally:
        log_file.close()  # the child holds its own descriptor
    process = ManagedProcess(name=name, popen=popen, log=log, started_at=started_at)
    _live.append(process)
    return process


def stop_all() -> None:
    """Stop every child still registered, newest first."""
    for process in reversed(list(_live)):
        with contextlib.suppress(Exception):
            process.stop()


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """The status of ``GET url``, or ``None`` when nothing answers."""
    host_port = url.split("//", 1)[1].split("/", 1)
    path = "/" + (host_port[1] if len(host_port) > 1 else "")
    host, _, port = host_port[0].partition(":")
    connection = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a whole process (all threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may contain spaces; the fields after it are fixed.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def rss_kb(pid: int) -> int:
    """VmRSS of a process in KiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ProcessFailedError(f"no VmRSS for pid {pid}")
