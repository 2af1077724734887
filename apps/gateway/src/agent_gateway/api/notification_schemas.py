"""Bodies of the notification routes: the existing product's NotificationDeliveryResponse, in
a page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from agent_gateway_core.domain.notification import DeliveryStatus, NotificationDelivery


class NotificationDeliveryOut(BaseModel):
    id: str = Field(description="The delivery's id (also the webhook-id of a signed webhook).")
    execution_id: str
    agent_id: str
    event_type: str = Field(
        description="`execution.completed`, `execution.failed` or `execution.timeout`."
    )
    channel: str = Field(description="`slack`, `webhook`, or a custom backend's name.")
    target: str = Field(description="The channel or webhook name; an inline URL without "
                        "credentials or query string.")  # fmt: skip
    status: DeliveryStatus = Field(description="`pending` until delivered or failed for good.")
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When a pending one is tried next.")

    @classmethod
    def from_delivery(cls, delivery: NotificationDelivery) -> NotificationDeliveryOut:
        return cls(
            id=delivery.id,
            execution_id=delivery.execution_id,
            agent_id=delivery.agent_id,
            event_type=delivery.event_type.event_type,
            channel=delivery.channel,
            target=delivery.target,
            status=delivery.status,
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            next_attempt_at=delivery.next_attempt_at,
        )


class NotificationPage(BaseModel):
    items: list[NotificationDeliveryOut]
    total: int
    limit: int
    offset: int
