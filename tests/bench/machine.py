"""What the figures were measured on, read at run time."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

PACKAGES = ("agents-gateway", "litellm", "fastapi", "starlette", "uvicorn", "aiohttp", "sqlalchemy")


def machine_info(repo: Path) -> dict[str, Any]:
    """CPU model, core counts, memory, OS, Python, package versions and the commit."""
    return {
        "cpu_model": _cpuinfo_field("model name") or platform.processor() or "unknown",
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "mem_total_mb": _mem_total_mb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "commit": _commit(repo),
    }


def describe(info: dict[str, Any]) -> str:
    """One line for the table header."""
    return (
        f"{info['cpu_model']}, nproc {info['nproc']}, {info['mem_total_mb']} MB RAM, "
        f"Linux {info['kernel']}, Python {info['python']}"
    )


def _cpuinfo_field(name: str) -> str | None:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def _mem_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _commit(repo: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    if not commit:
        return None
    # Read-only: `git diff` never writes the index (unlike `git status`).
    changed = subprocess.run(
        ["git", "-C", str(repo), "diff", "--quiet", "HEAD", "--"],
        capture_output=True,
        timeout=5,
        check=False,
    ).returncode
    return f"{commit}+changes" if changed == 1 else commit
