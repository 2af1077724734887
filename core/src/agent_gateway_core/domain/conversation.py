"""Conversations (durable chat history) and in-memory chat sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent_gateway_core.domain.messages import Message


class ConversationRecord(BaseModel):
    """A chat session as persisted; ``id`` is the session id (``sess_...``)."""

    model_config = ConfigDict(frozen=True)

    id: str
    agent_id: str
    user_id: str | None = None
    title: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime
    message_count: int = 0


class MessageRecord(BaseModel):
    """One persisted message; ``seq`` orders messages within a conversation starting at 1."""

    model_config = ConfigDict(frozen=True)

    id: str
    conversation_id: str
    seq: int
    message: Message
    execution_id: str | None = None
    created_at: datetime


class Session(BaseModel):
    """A live chat session held in memory by the runtime."""

    model_config = ConfigDict(validate_assignment=False)

    id: str
    agent_id: str
    user_id: str | None = None
    messages: list[Message] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime
