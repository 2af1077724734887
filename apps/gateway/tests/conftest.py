"""Shared by every gateway test: no heap freezing.

A served gateway freezes its long-lived heap (``server.freeze_heap``); a test session starts
hundreds of gateways, and frozen objects would never be collected between them.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_heap_freezing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__FREEZE_HEAP", "false")
