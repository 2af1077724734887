"""pytest plugin of agent-gateway-testing (entry point ``pytest11``): shared fixtures.

Kept light on purpose: pytest loads it in every project that installs this package.
"""

from __future__ import annotations

import pytest

from agent_gateway_core.testing.clock import ManualClock


@pytest.fixture
def manual_clock() -> ManualClock:
    """A :class:`ManualClock` at 2025-01-01T00:00:00Z; time moves only on ``advance``."""
    return ManualClock()
