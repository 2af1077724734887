"""GET /v1/health: liveness plus the state of each dependency. Never requires auth."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from agent_gateway._version import __version__
from agent_gateway.services import GatewayServices
from agent_gateway_core.errors import BackendUnavailableError

router = APIRouter(tags=["Health"])


async def health_report(services: GatewayServices | None) -> dict[str, Any]:
    """``status`` is ``ok``, ``degraded`` (a dependency is down) or ``starting``."""
    if services is None:
        return {"status": "starting", "version": __version__}
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(services.persistence.ping(), timeout=2.0)
        checks["persistence"] = "ok"
    except (BackendUnavailableError, TimeoutError) as exc:
        checks["persistence"] = f"unavailable: {exc or 'timed out'}"
    if services.local_model is not None:
        checks["local_model"] = services.local_model.state
    workspace = services.runtime.workspace
    degraded = any(v.startswith("unavailable") or v == "failed" for v in checks.values())
    return {
        "status": "degraded" if degraded else "ok",
        "version": __version__,
        "agents": len(workspace.agents),
        "skills": len(workspace.skills),
        "tools": len(services.runtime.tool_registry.all()),
        "auth": "on" if services.auth_enabled else "off",
        "started_at": services.started_at.isoformat(),
        "checks": checks,
    }


@router.get("/v1/health", summary="Gateway health")
async def get_health(request: Request) -> JSONResponse:
    report = await health_report(getattr(request.app.state, "services", None))
    status = 200 if report["status"] == "ok" else 503
    return JSONResponse(report, status_code=status)
