"""Agent Gateway's webhook NotificationBackend.

Signed JSON POSTs (Standard Webhooks), sandboxed Jinja2 payload templates and an SSRF
guard, on httpx::

    from agent_gateway_webhooks import WebhookBackend, WebhookEndpoint

    backend = WebhookBackend(
        [WebhookEndpoint("crm", "https://crm.example.com/hooks", secret="whsec_...")],
        default_secret="...",
    )
"""

from agent_gateway_webhooks.backend import WebhookBackend
from agent_gateway_webhooks.endpoint import EVENT_TYPES, WebhookEndpoint
from agent_gateway_webhooks.ssrf import Resolver, check_target, vet

__all__ = ["EVENT_TYPES", "Resolver", "WebhookBackend", "WebhookEndpoint", "check_target", "vet"]
