"""``client.tools`` and ``client.skills``: the workspace's catalog."""

from __future__ import annotations

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment
from agent_gateway_client.models.catalog import Skill, SkillDetail, Tool, ToolDetail


class AsyncTools(AsyncResource):
    """Tools: from workspace files, registered in code, or offered by MCP servers."""

    async def list(self) -> AsyncPage[Tool]:
        """Every tool (one page)."""
        return await self._page(Tool, "/v1/tools")

    async def get(self, name: str) -> ToolDetail:
        """A tool by name; :class:`NotFoundError` if unknown."""
        return await self._get(ToolDetail, f"/v1/tools/{segment(name)}")


class AsyncSkills(AsyncResource):
    """Skills of the workspace."""

    async def list(self) -> AsyncPage[Skill]:
        """Every skill (one page)."""
        return await self._page(Skill, "/v1/skills")

    async def get(self, skill_id: str) -> SkillDetail:
        """A skill with its instructions and workflow; :class:`NotFoundError` if unknown."""
        return await self._get(SkillDetail, f"/v1/skills/{segment(skill_id)}")
