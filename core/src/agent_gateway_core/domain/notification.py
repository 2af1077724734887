"""Notifications sent when executions end, and the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NotificationEvent(StrEnum):
    """The AGENT.md key of an execution's end (``notifications: {on_complete: [...]}``)."""

    ON_COMPLETE = "on_complete"
    ON_ERROR = "on_error"
    ON_TIMEOUT = "on_timeout"

    @property
    def event_type(self) -> str:
        """The name channels carry (``execution.completed``, ...), as the existing product
        names them in webhook payloads, ``events`` filters and the delivery log."""
        return _EVENT_TYPES[self]


_EVENT_TYPES = {
    NotificationEvent.ON_COMPLETE: "execution.completed",
    NotificationEvent.ON_ERROR: "execution.failed",
    NotificationEvent.ON_TIMEOUT: "execution.timeout",
}


class Notification(BaseModel):
    """What a NotificationBackend is asked to deliver to one target.

    ``delivery_id`` stays the same across the attempts of one delivery, so a receiver can
    drop a repeat (the ``webhook-id`` of a signed webhook). ``template`` (a Slack template
    name), ``url`` and ``payload_template`` (an inline webhook) are the AGENT.md target's own
    options, when it has them.
    """

    model_config = ConfigDict(frozen=True)

    event: NotificationEvent
    execution_id: str
    agent_id: str
    target: str
    status: str
    message: str = ""
    result_text: str | None = None
    output: Any = None
    error: str | None = None
    duration_ms: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime
    delivery_id: str = ""
    template: str | None = None
    url: str | None = None
    payload_template: str | None = None


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # written before the first attempt; waiting for the next one
    DELIVERED = "delivered"
    FAILED = "failed"  # for good: attempts used up, or a permanent failure


class NotificationDelivery(BaseModel):
    """One row of the notification delivery log: one notification to one target.

    ``notification`` is what is sent, kept so that any process can make the next attempt
    (after a restart too); ``next_attempt_at`` is when a pending one is due. A process
    attempting it holds it until ``claimed_until`` (see the NotificationLogStore port).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    execution_id: str
    agent_id: str
    event_type: NotificationEvent
    channel: str
    target: str
    status: DeliveryStatus
    attempts: int = 1
    last_error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None
    next_attempt_at: datetime | None = None
    notification: Notification | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = None
