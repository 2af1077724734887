"""``agents-gateway version``: the installed distributions and Python."""

from __future__ import annotations

import json
import platform
from importlib import metadata

import pytest

from .conftest import RunCli

pytestmark = pytest.mark.unit


def test_version_as_json_lists_app_core_adapters_and_python(run_cli: RunCli) -> None:
    result = run_cli("version", "--format", "json")

    assert result.exit_code == 0, result.output
    versions = {row["package"]: row["version"] for row in json.loads(result.stdout)}
    assert list(versions)[:2] == ["agents-gateway", "agent-gateway-core"]
    assert versions["agents-gateway"] == metadata.version("agents-gateway")
    assert versions["agent-gateway-core"] == metadata.version("agent-gateway-core")
    assert versions["agent-gateway-litellm"] == metadata.version("agent-gateway-litellm")
    assert versions["python"] == platform.python_version()
    assert all(name == "python" or "gateway" in name for name in versions)


def test_version_as_table(run_cli: RunCli) -> None:
    result = run_cli("version")

    assert result.exit_code == 0, result.output
    assert "agents-gateway" in result.stdout
    assert metadata.version("agent-gateway-core") in result.stdout
