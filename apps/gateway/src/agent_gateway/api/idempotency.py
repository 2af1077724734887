"""``Idempotency-Key`` on invoke and chat: one execution per key, per caller and route, for a day.

A key is claimed, bound to the execution id chosen for the request, before anything runs.
A repeat finds the key bound and gets that execution's answer instead of a new run; a repeat
with another body is refused (409 ``idempotency_conflict``). Invoke and chat keep their keys
apart (one key may name an invoke and a chat turn), and so do callers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Set
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel

from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.user_config import IdempotencyRecord
from agent_gateway_core.errors import IdempotencyConflictError

IDEMPOTENCY_TTL = timedelta(hours=24)

KeyedRoute = Literal["invoke", "chat"]


def request_fingerprint(agent_id: str, body: BaseModel, *, exclude: Set[str] = frozenset()) -> str:
    """The same agent and body (whatever the key order of its JSON) give the same value;
    fields in ``exclude`` (how the answer is sent, not what is asked) do not count."""
    canonical = json.dumps(
        {
            "agent_id": agent_id,
            "body": body.model_dump(mode="json", by_alias=True, exclude=set(exclude)),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim_key(
    services: GatewayServices,
    *,
    key: str,
    user_id: str | None,
    execution_id: str,
    fingerprint: str,
    route: KeyedRoute = "invoke",
) -> str | None:
    """Bind ``key`` to ``execution_id``; ``None`` when this call won the key.

    A key already bound (by this caller, on this route) returns the execution it names, and
    raises :class:`IdempotencyConflictError` when the earlier request had another body.
    """
    now = services.clock.now()
    existing = await services.persistence.idempotency.claim(
        IdempotencyRecord(
            key=key,
            scope=f"{route}:{user_id or ''}",
            execution_id=execution_id,
            request_fingerprint=fingerprint,
            created_at=now,
            expires_at=now + IDEMPOTENCY_TTL,
        )
    )
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflictError(
            f"Idempotency-Key {key!r} was already used with a different request body "
            f"(execution {existing.execution_id}); use a new key for a new request"
        )
    return existing.execution_id
