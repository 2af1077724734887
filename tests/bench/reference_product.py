"""The existing product (``agents-gateway`` 0.2.13 on PyPI), measured beside ours in every run.

It is installed once into its own virtualenv under ``tests/bench/.reference/`` (git-ignored),
never into the project's: ``uv venv`` + ``uv pip install`` when uv is there, else ``venv`` +
pip. Later runs reuse it. It serves the same workspace through the same ``gateway_app.py``
(``Gateway(workspace=...).run(...)`` is the same call in both products); what differs is how
its model is reached: it has no ``model.api_base`` setting, so litellm's own environment
variables point it at the fake model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VERSION = "0.2.13"
REQUIREMENT = f"agents-gateway[sqlite,postgres,redis,rabbitmq]=={VERSION}"
INSTALL_TIMEOUT_SECONDS = 900.0
_READY_MARK = "installed.txt"


@dataclass(frozen=True)
class ReferenceProduct:
    """Where the installed reference product's interpreter and CLI are."""

    python: str
    cli: str

    @staticmethod
    def model_env(api_base: str, api_key: str) -> dict[str, str]:
        """Point the reference's litellm at ``api_base`` (it reads no api_base from config)."""
        return {"OPENAI_BASE_URL": api_base, "OPENAI_API_BASE": api_base, "OPENAI_API_KEY": api_key}


def install(cache_dir: Path) -> ReferenceProduct:
    """The reference product's venv under ``cache_dir``, installed on first use.

    Raises :class:`ReferenceUnavailableError` naming the failing command when it cannot be
    installed (no network to PyPI, say), so the run goes on without its column.
    """
    venv = cache_dir / f"agents-gateway-{VERSION}"
    python = venv / "bin" / "python"
    cli = venv / "bin" / "agents-gateway"
    if (venv / _READY_MARK).exists() and python.exists() and cli.exists():
        return ReferenceProduct(str(python), str(cli))
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = shutil.which("uv")
    if uv:
        commands = [
            [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
            # Compiled up front, as pip does: else its first start compiles it all and is
            # timed doing so.
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--compile-bytecode",
                "--python",
                str(python),
                REQUIREMENT,
            ],
        ]
    else:
        commands = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             REQUIREMENT],
        ]  # fmt: skip
    # Nothing of ours leaks in: not the project's venv, not its settings.
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    for command in commands:
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                timeout=INSTALL_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReferenceUnavailableError(f"{' '.join(command)}: {exc}") from None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ReferenceUnavailableError(f"{' '.join(command)}: {' / '.join(tail)}")
    (venv / _READY_MARK).write_text(REQUIREMENT + "\n")
    return ReferenceProduct(str(python), str(cli))


class ReferenceUnavailableError(RuntimeError):
    """The reference product could not be installed; the message names the command."""
