"""Notifications: the delivery log (``notifications:read``) and retrying a failed delivery
(``admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from agent_gateway.api.deps import STORE_RESPONSES, Services, protected_router, requires
from agent_gateway.api.errors import ErrorBody
from agent_gateway.api.limits import DIGITS_ONLY, Offset
from agent_gateway.api.notification_schemas import NotificationDeliveryOut, NotificationPage
from agent_gateway.api.safe_json import json_response
from agent_gateway_core.domain.auth import Scope
from agent_gateway_core.domain.notification import DeliveryStatus
from agent_gateway_core.errors import ConflictError, NotificationNotFoundError
from agent_gateway_core.ports.persistence.notifications import NotificationQuery

router = protected_router(tags=["Notifications"], responses=STORE_RESPONSES)


@router.get(
    "/v1/notifications",
    dependencies=[requires(Scope.NOTIFICATIONS_READ)],
    summary="The notification delivery log",
    description="Newest first. Each delivery is one execution's event to one target, with "
    "its attempts and last error.",
    response_model=NotificationPage,
)
async def list_notifications(
    services: Services,
    status: DeliveryStatus | None = None,
    agent_id: str | None = None,
    channel: str | None = None,
    execution_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200), DIGITS_ONLY] = 50,
    offset: Offset = 0,
) -> Response:
    page = await services.persistence.notifications.query(
        NotificationQuery(
            status=status,
            agent_id=agent_id,
            channel=channel,
            execution_id=execution_id,
            limit=limit,
            offset=offset,
        )
    )
    return json_response(
        NotificationPage(
            items=[NotificationDeliveryOut.from_delivery(d) for d in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )
    )


@router.post(
    "/v1/notifications/{delivery_id}/retry",
    dependencies=[requires(Scope.ADMIN)],
    summary="Retry a failed delivery",
    description="Makes a `failed` delivery `pending` again, due now; its attempts count "
    "from zero again.",
    status_code=202,
    response_model=NotificationDeliveryOut,
    responses={
        404: {"model": ErrorBody, "description": "Unknown delivery."},
        409: {"model": ErrorBody, "description": "Not failed, or no backend is configured."},
    },
)
async def retry_notification(delivery_id: str, services: Services) -> Response:
    store = services.persistence.notifications
    delivery = await store.get(delivery_id)
    if delivery is None:
        raise NotificationNotFoundError(delivery_id)
    dispatcher = services.runtime.notifications
    if dispatcher is None:
        raise ConflictError("no notification backend is configured, so nothing would send it")
    if not await dispatcher.retry(delivery_id):
        raise ConflictError(
            f"delivery {delivery_id!r} is {delivery.status.value}; only a failed one is retried"
        )
    retried = await store.get(delivery_id)
    assert retried is not None  # it was just written
    return json_response(NotificationDeliveryOut.from_delivery(retried), status_code=202)
