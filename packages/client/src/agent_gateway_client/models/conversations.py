"""Live sessions and stored conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_gateway_client.models._base import GatewayModel, ToolCall


class Message(GatewayModel):
    """A message of a session, in the OpenAI chat shape."""

    role: str
    content: str | None = None
    tool_calls: list[ToolCall] = []
    tool_call_id: str | None = None
    name: str | None = None


class Session(GatewayModel):
    """A live (in-memory) chat session of the caller."""

    id: str
    agent_id: str
    message_count: int = 0
    metadata: dict[str, Any] = {}
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SessionDetail(Session):
    """A session with its messages."""

    messages: list[Message] = []


class Conversation(GatewayModel):
    """A stored chat, one per session, kept after the session leaves memory; ``id`` is the
    session id (chat with it to continue)."""

    id: str
    agent_id: str
    title: str | None = None
    metadata: dict[str, Any] = {}
    message_count: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None


class StoredMessage(Message):
    """A message of a stored conversation, with its place (``seq`` from 1)."""

    seq: int
    execution_id: str | None = None
    created_at: datetime | None = None
