"""Importing the adapter (and building a client) must not import litellm: it costs seconds."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def test_litellm_is_imported_on_first_use_only() -> None:
    script = (
        "import sys\n"
        "from agent_gateway_litellm import LiteLLMClient\n"
        "LiteLLMClient(api_base='http://127.0.0.1:9/v1', api_key='sk-test')\n"
        "assert 'litellm' not in sys.modules, 'litellm imported too early'\n"
        "assert 'openai' not in sys.modules, 'openai imported too early'\n"
        "print('lazy')\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lazy"
