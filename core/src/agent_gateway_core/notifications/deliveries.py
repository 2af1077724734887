"""What an execution's end is to be told to: one pending delivery per AGENT.md target."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from agent_gateway_core.domain.agent import AgentDefinition, NotificationTarget
from agent_gateway_core.domain.execution import ExecutionResult, ExecutionStatus
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.notification import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationEvent,
)

_EVENT_OF_STATUS = {
    ExecutionStatus.SUCCEEDED: NotificationEvent.ON_COMPLETE,
    ExecutionStatus.FAILED: NotificationEvent.ON_ERROR,
    ExecutionStatus.TIMED_OUT: NotificationEvent.ON_TIMEOUT,
}


def event_of(status: ExecutionStatus) -> NotificationEvent | None:
    """The AGENT.md event of an execution that ended so; ``None`` for a cancelled one
    (whoever cancelled it knows)."""
    return _EVENT_OF_STATUS.get(status)


def deliveries_for(
    agent: AgentDefinition,
    *,
    execution_id: str,
    message: str,
    result: ExecutionResult,
    now: datetime,
) -> list[NotificationDelivery]:
    """The agent's targets for this end, each as a pending delivery due now."""
    event = event_of(result.status)
    if event is None:
        return []
    targets: tuple[NotificationTarget, ...] = getattr(agent.notifications, event.value)
    deliveries = []
    for target in targets:
        delivery_id = new_record_id()
        notification = Notification(
            event=event,
            execution_id=execution_id,
            agent_id=agent.id,
            target=target.target,
            status=result.status.value,
            message=message,
            result_text=result.raw_text or None,
            output=result.output,
            error=result.error,
            duration_ms=result.duration_ms,
            occurred_at=now,
            delivery_id=delivery_id,
            template=target.template,
            url=target.url,
            payload_template=target.payload_template,
        )
        deliveries.append(
            NotificationDelivery(
                id=delivery_id,
                execution_id=execution_id,
                agent_id=agent.id,
                event_type=event,
                channel=target.channel,
                target=shown_target(target),
                status=DeliveryStatus.PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                notification=notification,
            )
        )
    return deliveries


def shown_target(target: NotificationTarget) -> str:
    """The target as the delivery log shows it: the channel or webhook name, or an inline
    URL without its credentials and query string (they may hold secrets)."""
    if target.target or not target.url:
        return target.target
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
