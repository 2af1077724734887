"""DirectRoute: a documented FastAPI route whose requests skip FastAPI's per-request machinery.

Every model call goes through a few routes (invoke, chat). On those, FastAPI's generic
request handling — solving the dependency graph, decoding the body to Python and then
validating it — cost more CPU than the rest of the HTTP handling (in-process, the same route
took 270 to 284 µs per request through it, 79 to 89 µs served directly). A ``DirectRoute`` keeps its declared
endpoint, so OpenAPI documents the path, body, headers and answers exactly as before, but
serves requests with a handler written for the purpose: the same services and
authentication functions, the body validated straight from its bytes by the model's
compiled validator, and the same error bodies (a ``RequestValidationError`` with FastAPI's
``loc`` conventions, domain errors through the installed handlers). The body is held to the
gateway's request limits (:mod:`agent_gateway.api.limits`) exactly as
:class:`~agent_gateway.api.limits.LimitedRoute` holds the bodies of FastAPI's routes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.responses import Response
from starlette.routing import request_response

from agent_gateway.api.deps import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    TRACKING_HEADER,
    TRACKING_MAX_LENGTH,
    TRACKING_PATTERN,
    authorize,
    get_services,
)
from agent_gateway.api.limits import RequestLimits, is_json_content_type
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.auth import Principal, Scope

ModelT = TypeVar("ModelT", bound=BaseModel)


Serve = Callable[[Request], Coroutine[Any, Any, Response]]


class DirectRoute(APIRoute):
    """An APIRoute whose requests go to ``serve(request)``, not to FastAPI's request handler.

    ``endpoint`` and the other arguments are APIRoute's and only document the route.
    ``dependencies`` are documented but not run, so ``serve`` must authenticate itself, with
    :func:`authorized`.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], *, serve: Serve, **kwargs: Any):
        self._serve = serve  # APIRoute.__init__ asks get_route_handler() for it
        super().__init__(path, endpoint, **kwargs)
        # Starlette's request/response adapter (exception handlers included), not FastAPI's,
        # whose per-request exit stacks serve only dependencies with ``yield``. It serves the
        # route when it is on the app's own router (FastAPI builds its own for included ones).
        self.app = request_response(serve)

    def get_route_handler(self) -> Serve:
        return self._serve


async def authorized(
    request: Request, scope: Scope, *, agent_id: str | None = None
) -> tuple[GatewayServices, Principal]:
    """The running services and the caller holding ``scope`` (on ``agent_id``), as the
    ``Services`` and ``requires(scope)`` dependencies give them (the same functions, so the
    same errors)."""
    services = await get_services(request)
    return services, await authorize(request, services, scope, agent_id=agent_id)


async def json_body(
    request: Request,
    model: type[ModelT],
    errors: list[dict[str, Any]],
    limits: RequestLimits,
) -> ModelT | None:
    """The request's JSON body as ``model``; ``None`` with what is wrong added to ``errors``
    (FastAPI's types and ``loc``s), for a 422.

    As FastAPI's strict content type: the body is read as JSON only when the content type is
    ``application/json`` (or ``+json``); without a body the error is ``missing`` at ``body``.
    A body breaking one of ``limits`` is that one error.
    """
    raw = await request.body()
    if not raw:
        errors.append({"type": "missing", "loc": ("body",), "msg": "Field required"})
        return None
    if not is_json_content_type(request.headers.get("content-type")):
        errors.append(
            {
                "type": "model_attributes_type",
                "loc": ("body",),
                "msg": "Input should be a valid dictionary or object to extract fields from",
            }
        )
        return None
    try:
        body = model.model_validate_json(raw)  # from the bytes in one pass: the common case
    except ValidationError:
        return _as_fastapi_would(raw, model, errors, limits)
    # The parser refuses lone surrogates and nesting past 200 levels; the rest is checked
    # here, at the cost of a few byte counts unless the body is deep or broad enough to matter.
    problem = limits.json_problem(raw, text_checked=True)
    if problem is not None:
        errors.append(problem)
        return None
    return body


def _as_fastapi_would(
    raw: bytes, model: type[ModelT], errors: list[dict[str, Any]], limits: RequestLimits
) -> ModelT | None:
    """A body the one-pass validation refused, read again exactly as FastAPI reads one
    (``json.loads``, then Python-mode validation), so the answer is the one FastAPI gives
    (after the same check of the limits as :class:`~agent_gateway.api.limits.LimitedRoute`)."""
    problem = limits.json_problem(raw)
    if problem is not None:
        errors.append(problem)
        return None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        errors.append(
            {"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error"}
        )
        return None
    except ValueError as exc:  # not UTF-8, UTF-16 or UTF-32
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc
    try:
        return model.model_validate(document, from_attributes=True)  # as FastAPI validates
    except ValidationError as exc:
        errors.extend(
            {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        )
        return None


def idempotency_key(request: Request, errors: list[dict[str, Any]]) -> str | None:
    """The ``Idempotency-Key`` header, checked as the ``IdempotencyKey`` dependency checks it;
    what is wrong is added to ``errors``."""
    key = request.headers.get("idempotency-key")
    if key is None or 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        return key
    if not key:
        kind, message = "too_short", "String should have at least 1 character"
    else:
        kind = "too_long"
        message = f"String should have at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
    errors.append({"type": f"string_{kind}", "loc": ("header", "Idempotency-Key"), "msg": message})
    return None


_TRACKING = re.compile(TRACKING_PATTERN)


def tracking_label(request: Request, errors: list[dict[str, Any]]) -> str | None:
    """The ``X-Agent-Gateway-Tracking`` header, checked as the ``Tracking`` dependency checks
    it; what is wrong is added to ``errors``."""
    label = request.headers.get(TRACKING_HEADER)
    if label is None or (len(label) <= TRACKING_MAX_LENGTH and _TRACKING.match(label)):
        return label
    if not label:
        kind, message = "string_too_short", "String should have at least 1 character"
    elif len(label) > TRACKING_MAX_LENGTH:
        kind = "string_too_long"
        message = f"String should have at most {TRACKING_MAX_LENGTH} characters"
    else:
        kind = "string_pattern_mismatch"
        message = f"String should match pattern '{TRACKING_PATTERN}'"
    errors.append({"type": kind, "loc": ("header", TRACKING_HEADER), "msg": message})
    return None


def raise_if_invalid(errors: list[dict[str, Any]]) -> None:
    """The 422 for ``errors``, through the installed handler, if there are any."""
    if errors:
        raise RequestValidationError(errors)
