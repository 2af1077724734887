"""FastAPI dependencies: the running services and the authenticated caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.limits import LimitedRoute
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Credentials, Principal, Scope
from agent_gateway_core.errors import (
    AuthenticationError,
    EngineUnavailableError,
    MissingCredentialsError,
    MissingScopeError,
)

ANONYMOUS = Principal(subject="anonymous", scopes=frozenset({"*"}), auth_method="none")
"""The caller when authentication is off: no user, so nothing is filtered by user."""

PUBLIC = Principal(subject="anonymous:public", scopes=frozenset({"*"}), auth_method="public")
"""The caller of an ``auth.public_paths`` route that sent no credential. Its data is kept
under its own user id, so a public route never shows what authenticated users own."""

_PRINCIPAL_KEY = "agent_gateway.principal"

# Documentation of how to authenticate, for OpenAPI: either header works. Neither refuses a
# request itself (``auto_error=False``); ``get_principal`` does, with the standard error body.
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API key, or an OAuth2/OIDC access token (JWT): `Authorization: Bearer <token>`.",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key: `X-API-Key: <key>`."
)


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
        # Not a bearer credential at all: per RFC 6750 that is a missing one, not an invalid one.
        raise MissingCredentialsError("the Authorization header must be 'Bearer <token>'")
    api_key = request.headers.get("x-api-key")
    if api_key and api_key.strip():
        return Credentials(scheme="api_key", token=api_key.strip())
    return None


def route_path(request: Request) -> str:
    """The request's path below the app's mount point (``root_path``)."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


async def get_principal(request: Request, services: Services) -> Principal:
    """The caller, from the credential only (never from a path or query parameter).

    Authenticated once per request: a second call returns the same principal.
    """
    known: Principal | None = request.scope.get(_PRINCIPAL_KEY)
    if known is not None:
        return known
    if not services.auth_enabled:
        return ANONYMOUS
    credentials = _credentials(request)
    if credentials is None:
        if services.public_paths.matches(route_path(request)):
            return PUBLIC
        raise MissingCredentialsError(
            "authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'"
        )
    if services.auth_provider is None:
        raise AuthenticationError(
            "authentication is on but no credentials are configured on this gateway"
        )
    principal = await services.auth_provider.authenticate(credentials)
    request.scope[_PRINCIPAL_KEY] = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def authorize(
    request: Request, services: GatewayServices, scope: str, *, agent_id: str | None = None
) -> Principal:
    """The caller, if it holds ``scope`` (for ``agent_id``, by default the route's), and within
    its rate limit. Raises the 401, 403 or 429 otherwise."""
    principal = await get_principal(request, services)
    agent_id = agent_id or request.path_params.get("agent_id")
    if not principal.has_scope(scope, agent_id=agent_id):
        raise MissingScopeError(scope)
    if services.rate_limiter is not None:
        await services.rate_limiter.check(request, principal)
    return principal


async def _authorized(
    request: Request,
    services: Services,
    security_scopes: SecurityScopes,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    _api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal:
    principal: Principal | None = None
    for scope in security_scopes.scopes:
        principal = await authorize(request, services, scope)
    assert principal is not None, "requires() always names a scope"
    return principal


def requires(scope: Scope | str) -> Any:
    """The dependency that declares a route's scope: the caller must hold it.

    Every protected route declares exactly one, ``dependencies=[requires(Scope.X)]``; OpenAPI
    shows it as the operation's ``security`` requirement. Routes of your own may name any
    scope string your credentials carry (``requires("reports:read")``).
    """
    return Security(_authorized, scopes=[str(scope)])


AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No credential, or an invalid one."},
    403: {"model": ErrorBody, "description": "The credential lacks the route's scope."},
    429: {"model": ErrorBody, "description": "Over the caller's rate limit; see Retry-After."},
}
"""The answers every protected route may give, documented on each."""

INVALID_REQUEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorBody,
        "description": "A parameter, header or the body is invalid or over a limit "
        "(`request_validation_error`); `details` lists each problem.",
    },
}
"""The answer to invalid parameters, documented on every protected route."""

BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not text in UTF-8, UTF-16 or UTF-32."},
    413: {
        "model": ErrorBody,
        "description": "The body is larger than `server.max_request_body_bytes` "
        "(`request_too_large`).",
    },
}
"""The answers of a route that reads a JSON body, besides 422."""

STORE_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {
        "model": ErrorBody,
        "description": "A store the route needs is unavailable (`backend_unavailable`); "
        "try again shortly.",
    },
}
"""The answer of a route that reads or writes a store while it is down."""


def protected_router(
    *, responses: dict[int | str, dict[str, Any]] | None = None, **kwargs: Any
) -> APIRouter:
    """A router whose every route requires an authenticated caller (each route still declares
    its scope with :func:`requires`), documents :data:`AUTH_RESPONSES`,
    :data:`INVALID_REQUEST_RESPONSES` and ``responses``, and holds a JSON body to the request
    limits."""
    return APIRouter(
        dependencies=[Depends(get_principal)],
        responses={**AUTH_RESPONSES, **INVALID_REQUEST_RESPONSES, **(responses or {})},
        route_class=LimitedRoute,
        **kwargs,
    )


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

TRACKING_HEADER = "X-Agent-Gateway-Tracking"
TRACKING_MAX_LENGTH = 200
TRACKING_PATTERN = r"^[\x20-\x7e]+$"
"""Printable ASCII, spaces included: a tracking label is shown in listings and logs as sent."""

Tracking = Annotated[
    str | None,
    Header(
        alias=TRACKING_HEADER,
        min_length=1,
        max_length=TRACKING_MAX_LENGTH,
        pattern=TRACKING_PATTERN,
        description="A label for a group of requests (a script run, a batch): recorded on "
        "every execution this request creates, shown as `tracking` on it, and matched by "
        "`GET /v1/executions?tracking=`. 1 to 200 printable ASCII characters.",
    ),
]
