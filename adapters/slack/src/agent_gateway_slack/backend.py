"""SlackBackend: the NotificationBackend that posts Block Kit messages with slack-sdk."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import ConfigError, NotificationDeliveryError
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_slack.default_message import default_message
from agent_gateway_slack.delivery_errors import delivery_error
from agent_gateway_slack.message import SlackMessage
from agent_gateway_slack.templates import SlackTemplates

DEFAULT_CHANNEL = "#agent-alerts"
DEFAULT_BASE_URL = AsyncWebClient.BASE_URL


class SlackBackend(NotificationBackend):
    """Posts each notification with ``chat.postMessage`` to its target channel, or to
    ``default_channel`` when the target is empty.

    The message comes from ``templates_dir`` (see :class:`SlackTemplates`) or is the
    built-in one. slack-sdk's own retries are off: one ``send`` is one HTTP request, and
    the caller retries. Slack's ``ok: false`` errors about the channel, the token or the
    message are permanent; ``ratelimited`` carries Retry-After; server errors, timeouts and
    connection failures are retryable.

    Without ``client``, the backend makes its ``AsyncWebClient`` and aiohttp session on the
    first send and closes them in :meth:`aclose` (a later send opens new ones). A ``client``
    given is used as it is (its token, URL, session and retry handlers: pass
    ``retry_handlers=[]``) and is not closed here.
    """

    name = "slack"

    def __init__(
        self,
        bot_token: str,
        default_channel: str = DEFAULT_CHANNEL,
        templates_dir: Path | str | None = None,
        base_url: str | None = None,
        timeout_seconds: float = 10,
        client: AsyncWebClient | None = None,
    ) -> None:
        if not bot_token or not bot_token.strip():
            raise ConfigError("SlackBackend needs a bot token (xoxb-...)")
        if not default_channel or not default_channel.strip():
            raise ConfigError("SlackBackend needs a default channel, e.g. '#agent-alerts'")
        if timeout_seconds <= 0:
            raise ConfigError(
                f"SlackBackend timeout_seconds must be positive, got {timeout_seconds}"
            )
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"Slack base_url must be an http(s) URL, got {base_url!r}")
        if templates_dir is not None and not Path(templates_dir).is_dir():
            raise ConfigError(f"Slack templates_dir {str(templates_dir)!r} is not a directory")
        self.default_channel = default_channel.strip()
        self.base_url = base_url or DEFAULT_BASE_URL
        self._token = bot_token.strip()
        self._timeout_seconds = timeout_seconds
        self._templates = SlackTemplates(templates_dir) if templates_dir is not None else None
        self._client = client
        self._owns_client = client is None
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, slack: Mapping[str, Any]) -> SlackBackend:
        """From gateway.yaml's ``notifications.slack`` section: ``bot_token`` (required),
        ``default_channel``, ``base_url`` (the Slack API root; slack-sdk's when empty), and
        optionally ``templates_dir`` and ``timeout_seconds``. Whether ``enabled`` is true is
        the caller's decision; other keys are ignored."""
        token = slack.get("bot_token")
        if not isinstance(token, str) or not token.strip():
            raise ConfigError("notifications.slack.bot_token is required (a bot token, xoxb-...)")
        options: dict[str, Any] = {}
        for key in ("default_channel", "base_url", "templates_dir"):
            value = slack.get(key)
            if value in (None, ""):
                continue
            if not isinstance(value, str | Path):
                raise ConfigError(f"notifications.slack.{key} must be a string, got {value!r}")
            options[key] = value if key == "templates_dir" else str(value)
        timeout = slack.get("timeout_seconds")
        if timeout is not None:
            try:
                options["timeout_seconds"] = float(timeout)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"notifications.slack.timeout_seconds must be a number, got {timeout!r}"
                ) from None
        return cls(token, **options)

    async def send(self, notification: Notification) -> None:
        """Post one message; see the class docstring for what each failure becomes."""
        channel = notification.target or self.default_channel
        message = self._message_for(notification, channel=channel)
        try:
            await self._web_client().chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks
            )
        except Exception as exc:
            error = delivery_error(exc, channel=channel, api=_shown_url(self.base_url))
            raise self._without_token(error) from exc

    async def aclose(self) -> None:
        """Close the client and session the backend made. Idempotent."""
        session, self._session = self._session, None
        if self._owns_client:
            self._client = None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _message_for(self, notification: Notification, *, channel: str) -> SlackMessage:
        if self._templates is not None:
            message = self._templates.message_for(notification, channel=channel)
            if message is not None:
                return message
        elif notification.template:
            raise NotificationDeliveryError(
                f"Slack template {notification.template!r}: no templates_dir is configured",
                permanent=True,
            )
        return default_message(notification)

    def _web_client(self) -> AsyncWebClient:
        if self._client is None:
            # Made here, in the running event loop, which the session belongs to.
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout_seconds)
            )
            self._client = AsyncWebClient(
                token=self._token,
                base_url=self.base_url,
                session=self._session,
                retry_handlers=[],  # the port: send never retries by itself
            )
        return self._client

    def _without_token(self, error: NotificationDeliveryError) -> NotificationDeliveryError:
        """``error`` with the token masked, should a driver message ever quote it."""
        text = str(error)
        if self._token not in text:
            return error
        return NotificationDeliveryError(
            text.replace(self._token, "xox?-***"),
            permanent=error.permanent,
            retry_after=error.retry_after,
        )


def _shown_url(url: str) -> str:
    """``url`` without a user name or password, as error messages show it."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
