"""Test your code against a fake gateway: a mock transport and a pytest fixture.

::

    from agent_gateway_client.testing import MockGateway

    gateway = MockGateway()
    gateway.add_agent("triage", lambda agent_id, message, input: "urgent")
    async with gateway.client() as client:  # or GatewayClient(url, transport=gateway)
        assert (await client.agents.invoke("triage", "help!")).raw_text == "urgent"
    assert gateway.calls[0].message == "help!"

With pytest, the fixture ``gateway_mock`` gives a fresh :class:`MockGateway` to each test (the
plugin is registered when agent-gateway-client is installed).
"""

from agent_gateway_client.testing._mock import AgentCall, AgentFunction, MockGateway, MockRequest

__all__ = ["AgentCall", "AgentFunction", "MockGateway", "MockRequest"]
