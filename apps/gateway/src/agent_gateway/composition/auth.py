"""Which AuthProvider serves the gateway: gateway.yaml's ``auth``, or a choice made in code.

``None`` means authentication is off. Auth is on unless turned off: on with no key configured,
every protected call answers 401 (and startup logs how to add a key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from agent_gateway.auth.api_keys import ApiKeyAuthProvider
from agent_gateway.auth.callable_provider import CallableAuthProvider
from agent_gateway.auth.no_credentials import NoCredentialsAuthProvider
from agent_gateway.composition.extras import import_adapter
from agent_gateway.settings import AuthSettings
from agent_gateway_core.ports.auth_provider import AuthProvider

logger = logging.getLogger("agent_gateway")

AuthOption = bool | Callable[..., Any] | AuthProvider


def auth_from_settings(config: Mapping[str, Any]) -> AuthProvider | None:
    """The API keys of gateway.yaml's ``auth`` section (``None`` when ``enabled: false``)."""
    settings = AuthSettings.model_validate(config)
    if not settings.active:
        return None
    keys = [
        {"key": k.key.get_secret_value(), "name": k.name, "scopes": k.scopes}
        for k in settings.api_keys
    ]
    if not keys:
        logger.error(
            "authentication is on but no API keys are configured, so every protected route "
            "answers 401. Add keys with gw.use_api_keys([{'name': ..., 'key': ...}]) or "
            "auth.api_keys in gateway.yaml, or pass Gateway(auth=False) to turn auth off."
        )
        return NoCredentialsAuthProvider()
    return ApiKeyAuthProvider(keys)


def auth_from_option(option: AuthOption) -> AuthProvider | None:
    """The provider ``Gateway(auth=...)`` names, other than ``True`` (gateway.yaml decides)."""
    if option is False:
        return None
    if isinstance(option, AuthProvider):
        return option
    if callable(option):
        return CallableAuthProvider(option)
    raise TypeError(f"auth must be a bool, a callable or an AuthProvider, got {option!r}")


def oauth2_provider(options: Mapping[str, Any]) -> AuthProvider:
    """JWT validation against an OAuth2/OIDC issuer (``use_oauth2``), by its adapter."""
    adapter = import_adapter(
        "agent_gateway_oauth2", feature="OAuth2 authentication (use_oauth2)", extra="oauth2"
    )
    provider: AuthProvider = adapter.OAuth2AuthProvider.from_settings(options)
    return provider
