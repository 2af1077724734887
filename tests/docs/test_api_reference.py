"""docs/api-reference.md is generated from the OpenAPI schema and must not go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_reference_matches_the_openapi_schema() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/gen_api_reference.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
