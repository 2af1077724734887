"""The test AuthProviders beyond their contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError, ConfigError
from agent_gateway_core.testing import FixedIdentityAuthProvider, StaticTokenAuthProvider

pytestmark = pytest.mark.unit

ALICE = Principal(subject="alice", scopes=frozenset({"invoke"}))
BOB = Principal(subject="bob")


async def test_fixed_identity_returns_the_configured_principal() -> None:
    provider = FixedIdentityAuthProvider(ALICE)
    assert await provider.authenticate(Credentials(scheme="Bearer", token="x")) is ALICE


async def test_fixed_identity_defaults_to_a_test_user_with_every_scope() -> None:
    principal = await FixedIdentityAuthProvider().authenticate(
        Credentials(scheme="api_key", token="x")
    )
    assert principal.subject == "test-user"
    assert principal.has_scope("admin")


async def test_an_empty_token_is_reported_as_missing() -> None:
    with pytest.raises(AuthenticationError, match="missing credentials"):
        await FixedIdentityAuthProvider().authenticate(Credentials(scheme="bearer", token=""))


async def test_an_unsupported_scheme_names_the_scheme() -> None:
    with pytest.raises(AuthenticationError, match="unsupported credential scheme 'basic'"):
        await FixedIdentityAuthProvider().authenticate(Credentials(scheme="basic", token="x"))


async def test_static_tokens_map_to_their_principals() -> None:
    provider = StaticTokenAuthProvider({"t-alice": ALICE, "t-bob": BOB})
    assert await provider.authenticate(Credentials(scheme="bearer", token="t-bob")) is BOB
    assert await provider.authenticate(Credentials(scheme="API_KEY", token="t-alice")) is ALICE


async def test_an_unknown_static_token_is_invalid() -> None:
    provider = StaticTokenAuthProvider({"t-alice": ALICE})
    with pytest.raises(AuthenticationError, match="invalid credentials: unknown token"):
        await provider.authenticate(Credentials(scheme="bearer", token="t-mallory"))


def test_static_tokens_are_kept_only_as_digests() -> None:
    provider = StaticTokenAuthProvider({"plaintext-token-value": ALICE})
    assert "plaintext-token-value" not in repr(vars(provider))


def test_an_empty_static_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="a token must not be empty"):
        StaticTokenAuthProvider({" ": ALICE})
