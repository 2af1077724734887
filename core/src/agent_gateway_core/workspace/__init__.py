"""Workspace: gateway.yaml, agents/*/AGENT.md, skills/*/SKILL.md, tools/*/TOOL.md + handler.py."""
