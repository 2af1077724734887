"""The dependency rule and the import budget, checked on the real packages."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN_IN_CORE = {
    "fastapi", "starlette", "sqlalchemy", "alembic", "asyncpg", "aiosqlite", "redis", "aio_pika",
    "slack_sdk", "authlib", "litellm", "mcp", "httpx", "aiohttp", "apscheduler",
    "dependency_injector", "uvicorn", "openai",
}  # fmt: skip


def _run_python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_importing_every_core_module_loads_no_framework_or_driver() -> None:
    import agent_gateway_core

    modules = [
        m.name for m in pkgutil.walk_packages(agent_gateway_core.__path__, "agent_gateway_core.")
    ]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    loaded = set(json.loads(_run_python(code)))
    assert not loaded & FORBIDDEN_IN_CORE, loaded & FORBIDDEN_IN_CORE


def test_core_imports_fast() -> None:
    code = (
        "import time; t = time.perf_counter()\n"
        "import agent_gateway_core\n"
        "print(time.perf_counter() - t)\n"
    )
    # Best of three: the first run pays for cold bytecode caches on a fresh checkout.
    seconds = min(float(_run_python(code)) for _ in range(3))
    print(f"import agent_gateway_core: {seconds * 1000:.1f} ms")
    assert seconds < 0.3
