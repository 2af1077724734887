"""``client.config``: the caller's own configuration of personal agents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent_gateway_client._async.resources._base import AsyncResource, segment
from agent_gateway_client.models.user_config import AgentConfig, ConfigDeleted, SetupSchema


class AsyncUserConfig(AsyncResource):
    """A personal agent (``scope: personal``) is configured by each user for themselves; no
    user reads or changes another's configuration. An agent that is not personal is a
    :class:`BadRequestError` (``not_personal_agent``)."""

    async def setup_schema(self, agent_id: str) -> SetupSchema:
        """What the agent asks each user to configure."""
        return await self._get(SetupSchema, f"/v1/agents/{segment(agent_id)}/setup-schema")

    async def save(
        self,
        agent_id: str,
        values: Mapping[str, Any] | None = None,
        *,
        instructions: str | None = None,
    ) -> AgentConfig:
        """Save (or replace) the caller's configuration: ``values`` as the setup schema
        describes them (a mismatch is a :class:`ValidationError` naming each problem), and
        ``instructions`` for the agent's system prompt."""
        body: dict[str, Any] = dict(values or {})
        if instructions is not None:
            body["instructions"] = instructions
        return await self._call(AgentConfig, "POST", _path(agent_id), json=body)

    async def get(self, agent_id: str) -> AgentConfig:
        """The caller's configuration, secrets redacted; :class:`NotFoundError` if none."""
        return await self._get(AgentConfig, _path(agent_id))

    async def delete(self, agent_id: str) -> ConfigDeleted:
        """Delete the caller's configuration; the agent then needs setting up again."""
        return await self._call(ConfigDeleted, "DELETE", _path(agent_id))


def _path(agent_id: str) -> str:
    return f"/v1/agents/{segment(agent_id)}/config"
