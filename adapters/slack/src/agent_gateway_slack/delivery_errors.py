"""slack-sdk and transport failures as NotificationDeliveryError: permanent or retryable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_core.llm.backoff import retry_after_seconds

# Slack's own ``error`` codes that sending again cannot mend: the target, the credentials,
# the app's permissions or the message itself is wrong. Any other code (``internal_error``,
# ``fatal_error``, ``service_unavailable``, ``request_timeout``, one Slack adds later) is
# retried: a delivery retried in vain costs a few calls, one dropped in error is lost.
PERMANENT_ERRORS = frozenset(
    {
        # target
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "messages_tab_disabled",
        "user_not_found",
        "cannot_reply_to_message",
        # credentials and permissions
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "access_denied",
        "ekm_access_denied",
        "team_access_not_granted",
        "org_login_required",
        "enterprise_is_restricted",
        "two_factor_setup_required",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "as_user_not_supported",
        "method_deprecated",
        "deprecated_endpoint",
        # the message
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
        "invalid_json",
        "json_not_object",
        "unknown_method",
    }
)
RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited"})

_METHOD = "chat.postMessage"


def delivery_error(exc: Exception, *, channel: str, api: str) -> NotificationDeliveryError:
    """``exc`` (raised by ``AsyncWebClient.chat_postMessage`` to ``channel`` on the Slack
    API at ``api``) as the port's error. Messages name the Slack error code, the HTTP status
    and the channel; they never hold the token, which travels only in a header."""
    if isinstance(exc, SlackApiError):
        return _api_error(exc, channel=channel)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        return NotificationDeliveryError(
            f"Slack {_METHOD} to {channel}: could not reach {api} ({_described(exc)})"
        )
    if isinstance(exc, SlackClientError):
        return NotificationDeliveryError(
            f"Slack {_METHOD} to {channel}: slack-sdk refused the request: {exc}", permanent=True
        )
    return NotificationDeliveryError(f"Slack {_METHOD} to {channel}: unexpected {_described(exc)}")


def _api_error(exc: SlackApiError, *, channel: str) -> NotificationDeliveryError:
    response: Any = exc.response
    status: int = response.status_code
    data = response.data
    code = data.get("error") if isinstance(data, Mapping) else None
    where = f"Slack {_METHOD} to {channel} failed: {code or 'no error code'} (HTTP {status})"
    if code in RATE_LIMIT_ERRORS or status == 429:
        headers: Mapping[str, str] = response.headers or {}
        retry_after = retry_after_seconds({key.lower(): value for key, value in headers.items()})
        wait = ", rate limited" if retry_after is None else f"; retry after {retry_after:g} s"
        return NotificationDeliveryError(f"{where}{wait}", retry_after=retry_after)
    if code in PERMANENT_ERRORS:
        return NotificationDeliveryError(where, permanent=True)
    if code is None and 400 <= status < 500 and status != 408:
        # No Slack answer at all, a client error: a wrong base_url or a proxy refusing us.
        return NotificationDeliveryError(where, permanent=True)
    return NotificationDeliveryError(where)


def _described(exc: Exception) -> str:
    """``ClientConnectorError: Cannot connect ...``, or the bare name of a silent exception."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
