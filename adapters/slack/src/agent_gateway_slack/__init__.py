"""Agent Gateway's NotificationBackend on Slack: slack-sdk's AsyncWebClient, Block Kit
messages from sandboxed Jinja2 templates or a built-in layout."""

from agent_gateway_slack.backend import DEFAULT_BASE_URL, DEFAULT_CHANNEL, SlackBackend
from agent_gateway_slack.default_message import default_message
from agent_gateway_slack.message import SlackMessage
from agent_gateway_slack.templates import SlackTemplates, template_context

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CHANNEL",
    "SlackBackend",
    "SlackMessage",
    "SlackTemplates",
    "default_message",
    "template_context",
]
