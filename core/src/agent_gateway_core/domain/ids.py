"""Identifier formats. These are part of the public contract; do not change them."""

from __future__ import annotations

import secrets
import uuid


def new_execution_id() -> str:
    """An execution id: a UUID4 string, e.g. ``'3f2b...-...'``."""
    return str(uuid.uuid4())


def new_session_id() -> str:
    """A chat session id: ``sess_`` followed by 12 hex characters."""
    return f"sess_{secrets.token_hex(6)}"


def new_record_id() -> str:
    """An opaque id for stored records (messages, deliveries, memories)."""
    return uuid.uuid4().hex


def workspace_schedule_id(agent_id: str, name: str) -> str:
    """Schedules declared in AGENT.md: ``{agent_id}:{name}``."""
    return f"{agent_id}:{name}"


def admin_schedule_id(agent_id: str, name: str) -> str:
    """Schedules created at run time by an admin: ``admin:{agent_id}:{name}``."""
    return f"admin:{agent_id}:{name}"
