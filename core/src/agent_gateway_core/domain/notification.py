"""Notifications sent when executions end, and the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NotificationEvent(StrEnum):
    ON_COMPLETE = "on_complete"
    ON_ERROR = "on_error"
    ON_TIMEOUT = "on_timeout"


class Notification(BaseModel):
    """What a NotificationBackend is asked to deliver to one target."""

    model_config = ConfigDict(frozen=True)

    event: NotificationEvent
    execution_id: str
    agent_id: str
    target: str
    status: str
    message: str = ""
    result_text: str | None = None
    error: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"


class NotificationDelivery(BaseModel):
    """One row of the notification delivery log."""

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
