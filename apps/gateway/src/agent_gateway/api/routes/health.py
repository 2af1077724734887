"""GET /v1/health: liveness plus the state of each dependency. Never requires auth.

Without a credential it answers ``status`` alone: what the gateway runs on (its dependencies,
counts, whether auth is on) is for callers it knows. No answer names a database URL, host or
user; the cause of an outage is in the server's log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from agent_gateway._version import __version__
from agent_gateway.api.deps import PUBLIC, get_principal
from agent_gateway.services import GatewayServices
from agent_gateway_core.errors import AuthenticationError, BackendUnavailableError

logger = logging.getLogger("agent_gateway.api")

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
        logger.warning("health: persistence is unavailable: %s", exc or "timed out")
        checks["persistence"] = "unavailable"
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
        "recovery": _recovery(services),
        "mcp_servers": _mcp_servers(services),
    }


def _mcp_servers(services: GatewayServices) -> dict[str, dict[str, Any]]:
    """Each MCP server's state and tool count; why one is down is in the log and the admin
    API (an error may name a host)."""
    directory = services.runtime.mcp_servers
    if directory is None:
        return {}
    report: dict[str, dict[str, Any]] = {}
    for view in directory.servers():
        if not view.config.enabled:
            state = "disabled"
        else:
            state = "connected" if view.status.connected else "unavailable"
        report[view.config.name] = {"status": state, "tools": len(view.tools)}
    return report


def _recovery(services: GatewayServices) -> dict[str, Any]:
    """This instance, and the executions of stopped instances it recovered since it started."""
    report = services.runtime.recovery
    return {
        "instance_id": services.runtime.instance_id,
        "sweeps": report.sweeps,
        "orphans_found": report.found,
        "failed": report.failed,
        "handed_back": report.handed_back,
        "last_sweep_at": report.last_sweep_at.isoformat() if report.last_sweep_at else None,
        "last_error": report.last_error,
    }


@router.get(
    "/v1/health",
    summary="Gateway health",
    description=(
        "`status` is `ok` (200), `degraded` or `starting` (503). With a valid credential (or "
        "with authentication off) the answer also has the version, counts, each "
        "dependency's state under `checks`, and under `recovery` this instance's id and the "
        "executions of stopped instances it ended or handed back since it started."
    ),
    responses={503: {"description": "Degraded (a dependency is down) or starting."}},
)
async def get_health(request: Request) -> JSONResponse:
    services: GatewayServices | None = getattr(request.app.state, "services", None)
    report = await health_report(services)
    status = 200 if report["status"] == "ok" else 503
    if not await _may_see_details(request, services):
        report = {"status": report["status"]}
    return JSONResponse(report, status_code=status)


async def _may_see_details(request: Request, services: GatewayServices | None) -> bool:
    """Whether the caller is one the gateway knows: auth is off, or it sent a valid credential.
    An invalid one is not refused here (health stays public), it just sees the status."""
    if services is None:
        return False
    if not services.auth_enabled:
        return True
    try:
        principal = await get_principal(request, services)
    except AuthenticationError:
        return False
    return principal is not PUBLIC
