"""FastAPI dependencies: the running services and the authenticated caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request

from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import (
    AuthenticationError,
    AuthorizationError,
    EngineUnavailableError,
)

ANONYMOUS = Principal(subject="anonymous", scopes=frozenset({"*"}), auth_method="none")


async def get_services(request: Request) -> GatewayServices:
    # async: a sync dependency would cost every request a hop through the thread pool
    services: GatewayServices | None = getattr(request.app.state, "services", None)
    if services is None:
        raise EngineUnavailableError("the gateway is not started")
    return services


Services = Annotated[GatewayServices, Depends(get_services)]


def _credentials(request: Request) -> Credentials | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return Credentials(scheme="bearer", token=token.strip())
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    api_key = request.headers.get("x-api-key")
    if api_key:
        return Credentials(scheme="api_key", token=api_key.strip())
    return None


async def get_principal(request: Request, services: Services) -> Principal:
    """The caller, from the credential only (never from a path or query parameter)."""
    if not services.auth_enabled:
        return ANONYMOUS
    credentials = _credentials(request)
    if credentials is None:
        raise AuthenticationError(
            "authentication required: send 'Authorization: Bearer <api key>' or 'X-API-Key'"
        )
    if services.auth_provider is None:
        raise AuthenticationError(
            "authentication is on but no credentials are configured on this gateway"
        )
    principal = await services.auth_provider.authenticate(credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def protected_router(**kwargs: Any) -> APIRouter:
    """A router whose every route requires an authenticated caller."""
    return APIRouter(dependencies=[Depends(get_principal)], **kwargs)


def require_scope(scope: str) -> Any:
    """A dependency that allows only principals holding ``scope`` (or ``*``)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_scope(scope):
            raise AuthorizationError(f"this call needs the {scope!r} scope")
        return principal

    return Depends(check)


def user_id_of(principal: Principal) -> str | None:
    """The id under which the caller's data is stored; ``None`` when auth is off."""
    return None if principal is ANONYMOUS else principal.subject


IDEMPOTENCY_KEY_MAX_LENGTH = 255

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="Repeat a request safely: the same key and body return the same execution.",
    ),
]
