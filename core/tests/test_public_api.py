"""The package's public names, loaded lazily so that importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import agent_gateway_core

pytestmark = pytest.mark.unit


def test_every_public_name_resolves() -> None:
    for name in agent_gateway_core.__all__:
        assert getattr(agent_gateway_core, name).__name__ == name


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        agent_gateway_core.Nope  # noqa: B018


def test_importing_does_not_load_heavy_modules() -> None:
    code = (
        "import sys, agent_gateway_core\n"
        "from agent_gateway_core import Runtime\n"
        "print(sorted(m for m in ('jsonschema', 'litellm', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == "[]"
