"""Notifications when executions end: a durable delivery log, retries with backoff, any
number of processes. See :class:`~agent_gateway_core.notifications.dispatcher.NotificationDispatcher`."""

from agent_gateway_core.notifications.config import DeliveryConfig
from agent_gateway_core.notifications.dispatcher import NotificationDispatcher

__all__ = ["DeliveryConfig", "NotificationDispatcher"]
