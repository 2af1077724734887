"""Features configured in code that this installation or release cannot serve yet.

Every port the container selects fails on its own when its adapter is missing; what is
checked here are the fluent choices that no provider serves yet. Each fails startup: a missing
adapter with MissingExtraError and the exact ``pip install`` line, a feature this release
does not have with ConfigError. Nothing configured is silently ignored.
"""

from __future__ import annotations

from agent_gateway.composition.extras import import_adapter
from agent_gateway.options import FluentOptions
from agent_gateway_core.errors import ConfigError

# (adapter module, feature, extra) of each optional adapter, by the fluent call needing it.
_SLACK_ADAPTER = ("agent_gateway_slack", "Slack notifications (use_slack_notifications)", "slack")
_WEBHOOKS_ADAPTER = (
    "agent_gateway_webhooks",
    "webhook notifications (use_webhook_notifications)",
    "webhooks",
)
_MCP_ADAPTER = ("agent_gateway_mcp", "MCP servers (add_mcp_server)", "mcp")


def check_available_features(fluent: FluentOptions) -> None:
    """Raise for the first configured feature that cannot be served (see the module doc)."""
    for module, feature, extra in _required_adapters(fluent):
        import_adapter(module, feature=feature, extra=extra)
    if fluent.dashboard is not None:
        raise ConfigError("use_dashboard(): the web dashboard is not available in this release")


def _required_adapters(fluent: FluentOptions) -> list[tuple[str, str, str]]:
    required: list[tuple[str, str, str]] = []
    if fluent.slack is not None:
        required.append(_SLACK_ADAPTER)
    if fluent.webhooks:
        required.append(_WEBHOOKS_ADAPTER)
    if any(server.enabled for server in fluent.mcp_servers.values()):
        required.append(_MCP_ADAPTER)
    return required
