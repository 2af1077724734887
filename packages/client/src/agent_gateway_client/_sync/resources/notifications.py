# Generated from _async/resources/notifications.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``client.notifications``: the notification delivery log."""

from __future__ import annotations

from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.resources._base import Resource, segment
from agent_gateway_client.models.notifications import NotificationDelivery


class Notifications(Resource):
    """Each delivery is one execution's event sent to one target (``notifications:read``;
    retrying needs ``admin``)."""

    def list(
        self,
        *,
        status: str | None = None,
        agent_id: str | None = None,
        channel: str | None = None,
        execution_id: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page[NotificationDelivery]:
        """Deliveries, newest first (``limit`` 1 to 200, 50 by default)."""
        params = {
            "status": status,
            "agent_id": agent_id,
            "channel": channel,
            "execution_id": execution_id,
            "limit": limit,
            "offset": offset,
        }
        return self._page(NotificationDelivery, "/v1/notifications", params=params)

    def retry(self, delivery_id: str) -> NotificationDelivery:
        """Make a failed delivery pending again, due now; :class:`ConflictError` if it has
        not failed."""
        return self._call(
            NotificationDelivery, "POST", f"/v1/notifications/{segment(delivery_id)}/retry"
        )
