"""What every end-to-end test starts from: no AGENT_GATEWAY_* setting of the machine running
it, a model key (the model is the fake server), and a secret key for secrets at rest."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("AGENT_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("AGENT_GATEWAY_SECRET_KEY", "e2e passphrase for secrets at rest")
