"""All API routes, assembled. Every router except health requires an authenticated caller."""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter

from agent_gateway.api.routes import (
    admin,
    agents,
    chat,
    conversations,
    executions,
    health,
    sessions,
    skills,
    tools,
)


def build_api_router() -> APIRouter:
    """One flat router holding every route.

    FastAPI matches the routes of an included router once more per level of inclusion, on
    every request (about 0.05 ms a level on the benchmark machine), so the routes are
    gathered here rather than their routers included into one another. Each protected
    module's router requires the caller itself (``protected_router``).
    """
    router = APIRouter()
    for module in [health, *_protected_route_modules()]:
        router.routes.extend(module.router.routes)
    return router


def _protected_route_modules() -> list[ModuleType]:
    return [agents, chat, sessions, conversations, executions, skills, tools, admin]
