# Generated from _async/resources/catalog.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``client.tools`` and ``client.skills``: the workspace's catalog."""

from __future__ import annotations

from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.resources._base import Resource, segment
from agent_gateway_client.models.catalog import Skill, SkillDetail, Tool, ToolDetail


class Tools(Resource):
    """Tools: from workspace files, registered in code, or offered by MCP servers."""

    def list(self) -> Page[Tool]:
        """Every tool (one page)."""
        return self._page(Tool, "/v1/tools")

    def get(self, name: str) -> ToolDetail:
        """A tool by name; :class:`NotFoundError` if unknown."""
        return self._get(ToolDetail, f"/v1/tools/{segment(name)}")


class Skills(Resource):
    """Skills of the workspace."""

    def list(self) -> Page[Skill]:
        """Every skill (one page)."""
        return self._page(Skill, "/v1/skills")

    def get(self, skill_id: str) -> SkillDetail:
        """A skill with its instructions and workflow; :class:`NotFoundError` if unknown."""
        return self._get(SkillDetail, f"/v1/skills/{segment(skill_id)}")
