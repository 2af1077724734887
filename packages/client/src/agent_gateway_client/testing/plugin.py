"""The pytest plugin of agent-gateway-client (fixtures for testing code that uses the client).

Registered through the ``pytest11`` entry point, so installing the client is enough.
"""

from __future__ import annotations

import pytest

from agent_gateway_client.testing._mock import MockGateway


@pytest.fixture
def gateway_mock() -> MockGateway:
    """A fresh :class:`~agent_gateway_client.testing.MockGateway`: add agents and answers,
    pass it as a client's ``transport`` (or use ``gateway_mock.client()`` /
    ``gateway_mock.sync_client()``), then check ``gateway_mock.calls`` and
    ``gateway_mock.requests``."""
    return MockGateway()
