"""``Idempotency-Key`` on invoke: one execution per key, per caller, for a day."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from agent_gateway.api.schemas import InvokeRequest
from agent_gateway.services import GatewayServices
from agent_gateway_core.domain.user_config import IdempotencyRecord
from agent_gateway_core.errors import IdempotencyConflictError

IDEMPOTENCY_TTL = timedelta(hours=24)


def request_fingerprint(agent_id: str, body: InvokeRequest) -> str:
    """The same agent and body (whatever the key order of its JSON) give the same value."""
    canonical = json.dumps(
        {"agent_id": agent_id, "body": body.model_dump(mode="json", by_alias=True)},
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
) -> str | None:
    """Bind ``key`` to ``execution_id``; ``None`` when this call won the key.

    A key already bound (by this caller) returns the execution it names, and raises
    :class:`IdempotencyConflictError` when the earlier request had another body.
    """
    now = services.clock.now()
    existing = await services.persistence.idempotency.claim(
        IdempotencyRecord(
            key=key,
            scope=f"invoke:{user_id or ''}",
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
