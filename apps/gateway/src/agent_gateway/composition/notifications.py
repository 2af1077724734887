"""The notification backends a gateway delivers through: Slack and webhooks from gateway.yaml
``notifications:`` and the fluent ``use_*_notifications`` calls, and custom backends; and
the checks of what the workspace asks of them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from agent_gateway.composition.extras import import_adapter
from agent_gateway.options import FluentOptions
from agent_gateway.reference_sections import NotificationsSettings
from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.errors import ConfigError, WorkspaceError, WorkspaceProblem
from agent_gateway_core.ports.notification_backend import NotificationBackend

logger = logging.getLogger("agent_gateway.notifications")


async def open_notification_backends(
    settings: NotificationsSettings, fluent: FluentOptions, stack: contextlib.AsyncExitStack
) -> dict[str, NotificationBackend]:
    """Each configured backend by channel name; ``stack`` closes them if startup fails (once
    started, the runtime's notification dispatcher owns them). ConfigError for two backends
    of one channel; MissingExtraError naming the extra of a missing adapter."""
    backends: dict[str, NotificationBackend] = {}

    def add(backend: NotificationBackend) -> None:
        if backend.name in backends:
            raise ConfigError(f"two notification backends for the channel {backend.name!r}")
        backends[backend.name] = backend
        close = getattr(backend, "aclose", None)
        if close is not None:
            stack.push_async_callback(close)

    slack = _slack_options(settings, fluent)
    if slack is not None:
        module = import_adapter("agent_gateway_slack", feature="Slack notifications", extra="slack")
        add(module.SlackBackend(**slack))
    endpoints = _webhook_endpoints(settings, fluent)
    if endpoints:
        module = import_adapter(
            "agent_gateway_webhooks", feature="webhook notifications", extra="webhooks"
        )
        webhooks = module.WebhookBackend(
            [module.WebhookEndpoint(**endpoint) for endpoint in endpoints],
            default_secret=settings.webhook_secret.get_secret_value(),
            allow_private_targets=settings.allow_private_targets,
        )
        add(webhooks)
        # A static webhook the SSRF guard will refuse is said at startup, not at first send.
        for name, problem in (await webhooks.vet_endpoints()).items():
            logger.warning("webhook %r: %s", name, problem)
    for backend in fluent.notification_backends:
        add(backend)
    return backends


def _slack_options(settings: NotificationsSettings, fluent: FluentOptions) -> dict[str, Any] | None:
    if fluent.slack is not None:  # code wins over gateway.yaml
        return {**fluent.slack, "base_url": settings.slack.base_url}
    if not settings.slack.enabled:
        return None
    token = settings.slack.bot_token.get_secret_value()
    if not token:
        raise ConfigError("notifications.slack is enabled but has no bot_token")
    return {
        "bot_token": token,
        "default_channel": settings.slack.default_channel,
        "base_url": settings.slack.base_url,
    }


def _webhook_endpoints(
    settings: NotificationsSettings, fluent: FluentOptions
) -> list[dict[str, Any]]:
    endpoints = {
        webhook.name: {
            "name": webhook.name,
            "url": webhook.url,
            "secret": webhook.secret.get_secret_value(),
            "events": tuple(webhook.events),
            "payload_template": webhook.payload_template,
        }
        for webhook in settings.webhooks
    }
    for webhook in fluent.webhooks:  # code wins over gateway.yaml for a name in both
        endpoints[webhook.name] = {
            "name": webhook.name,
            "url": webhook.url,
            "secret": webhook.secret,
            "events": tuple(webhook.events),
            "payload_template": webhook.payload_template,
        }
    return list(endpoints.values())


def check_notification_targets(
    agents: Iterable[AgentDefinition], settings: NotificationsSettings, fluent: FluentOptions
) -> None:
    """WorkspaceError naming the file for an AGENT.md webhook target that names no
    configured webhook (and has no url of its own)."""
    known = {w.name for w in settings.webhooks} | {w.name for w in fluent.webhooks}
    problems = []
    for agent in agents:
        for event, target in agent.notifications.targets():
            if target.channel != "webhook" or target.url or target.target in known:
                continue
            names = ", ".join(sorted(known)) or "none is configured"
            problems.append(
                WorkspaceProblem(
                    f"agents/{agent.id}/AGENT.md",
                    f"notifications.{event}: unknown webhook {target.target!r} "
                    f"(webhooks: {names}; see notifications.webhooks in gateway.yaml)",
                )
            )
    if problems:
        raise WorkspaceError(problems)


def warn_about_channels_without_backend(
    agents: Iterable[AgentDefinition], backends: Mapping[str, NotificationBackend]
) -> None:
    """A target whose channel no backend serves is said at startup; its deliveries are
    logged as failed, saying so."""
    for agent in agents:
        for event, target in agent.notifications.targets():
            if target.channel not in backends:
                logger.warning(
                    "agents/%s/AGENT.md notifications.%s: no %r notification backend is "
                    "configured; those deliveries will be logged as failed",
                    agent.id, event, target.channel,
                )  # fmt: skip
