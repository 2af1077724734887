"""``client.notifications``: the notification delivery log."""

from __future__ import annotations

from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.resources._base import AsyncResource, segment
from agent_gateway_client.models.notifications import NotificationDelivery


class AsyncNotifications(AsyncResource):
    """Each delivery is one execution's event sent to one target (``notifications:read``;
    retrying needs ``admin``)."""

    async def list(
        self,
        *,
        status: str | None = None,
        agent_id: str | None = None,
        channel: str | None = None,
        execution_id: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPage[NotificationDelivery]:
        """Deliveries, newest first (``limit`` 1 to 200, 50 by default)."""
        params = {
            "status": status,
            "agent_id": agent_id,
            "channel": channel,
            "execution_id": execution_id,
            "limit": limit,
            "offset": offset,
        }
        return await self._page(NotificationDelivery, "/v1/notifications", params=params)

    async def retry(self, delivery_id: str) -> NotificationDelivery:
        """Make a failed delivery pending again, due now; :class:`ConflictError` if it has
        not failed."""
        return await self._call(
            NotificationDelivery, "POST", f"/v1/notifications/{segment(delivery_id)}/retry"
        )
