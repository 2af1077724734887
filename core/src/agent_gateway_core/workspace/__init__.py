"""Workspace: gateway.yaml, agents/*/AGENT.md, skills/*/SKILL.md, tools/*/TOOL.md + handler.py."""

from agent_gateway_core.workspace.loader import check_workspace, load_workspace
from agent_gateway_core.workspace.state import ModelDefaults, WorkspaceState

__all__ = ["ModelDefaults", "WorkspaceState", "check_workspace", "load_workspace"]
