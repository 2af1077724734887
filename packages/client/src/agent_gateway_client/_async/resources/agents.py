"""``client.agents``: list, describe and invoke agents."""

from __future__ import annotations

from typing import Any

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment, without_none
from agent_gateway_client._retry import IDEMPOTENCY_KEY_HEADER
from agent_gateway_client.models.agents import Agent, AgentDetail, InvokeOptions, InvokeResult

REPLAYED_HEADER = "Idempotent-Replayed"


class AsyncAgents(AsyncResource):
    """The agents of the workspace."""

    async def list(self) -> AsyncPage[Agent]:
        """Every agent (one page)."""
        return await self._page(Agent, "/v1/agents")

    async def get(self, agent_id: str) -> AgentDetail:
        """An agent with its input and output schemas; :class:`NotFoundError` if unknown."""
        return await self._get(AgentDetail, f"/v1/agents/{segment(agent_id)}")

    async def invoke(
        self,
        agent_id: str,
        message: str,
        *,
        input: dict[str, Any] | None = None,
        options: InvokeOptions | None = None,
        idempotency_key: str | None = None,
    ) -> InvokeResult:
        """Run the agent once and return its result.

        ``input`` is checked against the agent's input schema (:class:`ValidationError`);
        ``options`` override its model settings, and ``{"async": True}`` runs it in the
        background: an agent that runs in the background answers at once, with ``status``
        ``queued`` (follow it with ``executions.wait``). With ``idempotency_key`` a repeat
        returns the first request's execution instead of running again (and may be retried
        safely); the same key with another body is a :class:`ConflictError`. A failed
        execution raises the error of its status (502 model failure, 504 timeout, ...), its
        ``execution_id`` set.
        """
        headers = {IDEMPOTENCY_KEY_HEADER: idempotency_key} if idempotency_key else None
        response = await self._pipeline.send(
            "POST",
            f"/v1/agents/{segment(agent_id)}/invoke",
            json=without_none(message=message, input=input, options=options),
            headers=headers,
        )
        replayed = response.headers.get(REPLAYED_HEADER, "").lower() == "true"
        return InvokeResult.model_validate(
            {"agent_id": agent_id, **response.json(), "replayed": replayed}
        )
