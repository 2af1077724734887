"""All API routes, assembled. Every router except health requires an authenticated caller."""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI

from agent_gateway.api.routes import (
    admin,
    agents,
    chat,
    conversations,
    executions,
    health,
    mcp_servers,
    memory,
    notifications,
    schedules,
    sessions,
    skills,
    tools,
    user_config,
)


def install_api_routes(app: FastAPI) -> None:
    """Put every API route directly on ``app``'s router.

    FastAPI matches the routes of an included router once more per level of inclusion, on
    every request (about 0.05 ms a level on the benchmark machine), and serves them through
    its generic request handler whatever their class, so the routes are added as they are
    rather than their routers included. Each protected module's router requires the caller
    itself (``protected_router``).
    """
    for module in [health, *_protected_route_modules()]:
        app.router.routes.extend(module.router.routes)


def _protected_route_modules() -> list[ModuleType]:
    return [
        agents, chat, sessions, conversations, executions, schedules, notifications, skills,
        tools, admin, mcp_servers, memory, user_config,
    ]  # fmt: skip
