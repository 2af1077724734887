"""The notification delivery log."""

from __future__ import annotations

from datetime import datetime

from agent_gateway_client.models._base import GatewayModel


class NotificationDelivery(GatewayModel):
    """One execution's event sent to one target, with its attempts and last error."""

    id: str
    execution_id: str
    agent_id: str
    event_type: str
    channel: str
    target: str
    status: str
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime | None = None
    delivered_at: datetime | None = None
    next_attempt_at: datetime | None = None
