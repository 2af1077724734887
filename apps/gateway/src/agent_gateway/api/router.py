"""All API routes, assembled. Every router except health requires an authenticated caller."""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter, Depends

from agent_gateway.api.deps import get_principal
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
    router = APIRouter()
    router.include_router(health.router)
    protected = APIRouter(dependencies=[Depends(get_principal)])
    for module in _protected_route_modules():
        protected.include_router(module.router)
    router.include_router(protected)
    return router


def _protected_route_modules() -> list[ModuleType]:
    return [agents, chat, sessions, conversations, executions, skills, tools, admin]
