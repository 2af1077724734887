"""Execution jobs as JSON message bodies, and the broker URL as it may be shown."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from agent_gateway_core.ports.execution_queue import ExecutionJob


def encode_job(job: ExecutionJob) -> bytes:
    """The message body: execution_id, agent_id, enqueued_at (ISO 8601), attempt, payload."""
    return json.dumps(
        {
            "execution_id": job.execution_id,
            "agent_id": job.agent_id,
            "enqueued_at": job.enqueued_at.isoformat(),
            "attempt": job.attempt,
            "payload": job.payload,
        },
        separators=(",", ":"),
    ).encode()


def decode_job(body: bytes) -> ExecutionJob:
    """The job a body holds; ``ValueError`` if it is not one of ours."""
    try:
        data: dict[str, Any] = json.loads(body)
        return ExecutionJob(
            execution_id=str(data["execution_id"]),
            agent_id=str(data["agent_id"]),
            enqueued_at=datetime.fromisoformat(data["enqueued_at"]),
            attempt=int(data.get("attempt", 1)),
            payload=dict(data.get("payload") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not an execution job: {body[:200]!r}") from exc


def display_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=user + host))
