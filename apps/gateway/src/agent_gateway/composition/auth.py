"""Which AuthProvider serves the gateway: gateway.yaml's ``auth``, or choices made in code.

``None`` means authentication is off. Auth is on unless turned off: on with nothing configured
to pass it, every protected call answers 401 (and startup logs how to add a key).

Two components, each chosen from ``auth:`` or overridden in code, are combined:

- API keys: ``auth.api_keys`` (modes ``api_key`` and ``composite``), or ``gw.use_api_keys``;
- OAuth2/OIDC bearer tokens: ``auth.oauth2`` (modes ``oauth2`` and ``composite``), or
  ``gw.use_oauth2``.

With both, a :class:`CompositeAuthProvider` tries the API keys first, then the token. A
provider given whole (``Gateway(auth=...)``, ``gw.use_auth``) replaces the combination.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from agent_gateway.auth.api_keys import ApiKeyAuthProvider
from agent_gateway.auth.callable_provider import CallableAuthProvider
from agent_gateway.auth.composite import CompositeAuthProvider
from agent_gateway.auth.no_credentials import NoCredentialsAuthProvider
from agent_gateway.composition.extras import import_adapter
from agent_gateway.settings import AuthSettings
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.auth_provider import AuthProvider

logger = logging.getLogger("agent_gateway")

AuthOption = bool | Callable[..., Any] | AuthProvider


def api_keys_from_settings(config: Mapping[str, Any]) -> AuthProvider | None:
    """The API keys of gateway.yaml's ``auth`` section, when its mode uses them."""
    settings = AuthSettings.model_validate(config)
    if not settings.active or settings.mode not in ("api_key", "composite"):
        return None
    keys = [
        {"key": k.key.get_secret_value(), "name": k.name, "scopes": k.scopes}
        for k in settings.api_keys
    ]
    return ApiKeyAuthProvider(keys) if keys else None


async def open_oauth2_from_settings(
    config: Mapping[str, Any],
) -> AsyncIterator[AuthProvider | None]:
    """A Resource: the token validator of ``auth.oauth2``, when the mode uses it."""
    settings = AuthSettings.model_validate(config)
    if not settings.active or settings.mode not in ("oauth2", "composite"):
        yield None
        return
    if settings.oauth2 is None:
        if settings.mode == "oauth2":
            raise ConfigError(
                "auth.mode is oauth2 but there is no auth.oauth2 section: give its issuer and "
                "audience, or call gw.use_oauth2(issuer, audience)"
            )
        yield None
        return
    async for provider in open_oauth2(settings.oauth2.model_dump()):
        yield provider


async def open_oauth2(options: Mapping[str, Any]) -> AsyncIterator[AuthProvider]:
    """A Resource: JWT validation against an OAuth2/OIDC issuer, by its adapter; its HTTP
    client is closed with the gateway."""
    adapter = import_adapter(
        "agent_gateway_oauth2", feature="OAuth2 authentication (use_oauth2)", extra="oauth2"
    )
    provider = adapter.OAuth2AuthProvider.from_settings(options)
    try:
        yield provider
    finally:
        await provider.aclose()


def combined_auth(
    config: Mapping[str, Any], api_keys: AuthProvider | None, oauth2: AuthProvider | None
) -> AuthProvider | None:
    """The gateway's provider: the components there are, or what ``auth:`` says without them."""
    chosen = [provider for provider in (api_keys, oauth2) if provider is not None]
    if len(chosen) > 1:
        return CompositeAuthProvider(chosen)
    if chosen:
        return chosen[0]
    settings = AuthSettings.model_validate(config)
    if not settings.active:
        return None
    if settings.mode == "custom":
        raise ConfigError(
            "auth.mode is custom but no provider is given in code: pass Gateway(auth=...) or "
            "call gw.use_auth(provider)"
        )
    logger.error(
        "authentication is on but no API keys are configured, so every protected route "
        "answers 401. Add keys with gw.use_api_keys([{'name': ..., 'key': ...}]) or "
        "auth.api_keys in gateway.yaml, or pass Gateway(auth=False) to turn auth off."
    )
    return NoCredentialsAuthProvider()


def auth_from_option(option: AuthOption | None) -> AuthProvider | None:
    """The provider ``Gateway(auth=...)`` or ``use_auth(...)`` names, other than ``True``
    (gateway.yaml decides). ``False`` and ``None`` turn authentication off."""
    if option is False or option is None:
        return None
    if isinstance(option, AuthProvider):
        return option
    if callable(option):
        return CallableAuthProvider(option)
    raise TypeError(f"auth must be a bool, a callable or an AuthProvider, got {option!r}")
