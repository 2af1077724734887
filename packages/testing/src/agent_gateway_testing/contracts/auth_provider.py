"""Contract of AuthProvider: credentials in, a stable principal out, safe errors."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_testing.contracts._required import fixture_required


class AuthProviderContract:
    """Every sentence of the AuthProvider docstring.

    Subclasses override ``auth_provider``, ``valid_credentials`` (accepted),
    ``invalid_credentials`` (each rejected: wrong, expired, unknown...) and
    ``unsupported_credentials`` (a scheme the provider does not handle).
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def auth_provider(self) -> AuthProvider:
        fixture_required(self, "auth_provider")

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        fixture_required(self, "valid_credentials")

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        fixture_required(self, "invalid_credentials")

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        fixture_required(self, "unsupported_credentials")

    async def test_valid_credentials_give_a_principal_with_a_subject(
        self, auth_provider: AuthProvider, valid_credentials: Credentials
    ) -> None:
        principal = await auth_provider.authenticate(valid_credentials)
        assert isinstance(principal, Principal)
        assert principal.subject

    async def test_subject_is_stable_for_the_same_credential(
        self, auth_provider: AuthProvider, valid_credentials: Credentials
    ) -> None:
        first = await auth_provider.authenticate(valid_credentials)
        second = await auth_provider.authenticate(valid_credentials)
        assert first.subject == second.subject

    async def test_invalid_credentials_raise_without_echoing_the_secret(
        self, auth_provider: AuthProvider, invalid_credentials: list[Credentials]
    ) -> None:
        assert invalid_credentials, "give at least one credential the provider must reject"
        for credentials in invalid_credentials:
            with pytest.raises(AuthenticationError) as raised:
                await auth_provider.authenticate(credentials)
            assert str(raised.value), "the error must say what is wrong"
            if credentials.token.strip():
                assert credentials.token not in str(raised.value)

    async def test_an_empty_token_is_rejected(
        self, auth_provider: AuthProvider, valid_credentials: Credentials
    ) -> None:
        with pytest.raises(AuthenticationError, match=r"\w"):
            await auth_provider.authenticate(dataclasses.replace(valid_credentials, token=""))

    async def test_an_unsupported_scheme_is_rejected(
        self, auth_provider: AuthProvider, unsupported_credentials: Credentials
    ) -> None:
        with pytest.raises(AuthenticationError) as raised:
            await auth_provider.authenticate(unsupported_credentials)
        assert unsupported_credentials.token not in str(raised.value)

    async def test_concurrent_calls_agree(
        self, auth_provider: AuthProvider, valid_credentials: Credentials
    ) -> None:
        principals = await asyncio.gather(
            *(auth_provider.authenticate(valid_credentials) for _ in range(20))
        )
        assert len({p.subject for p in principals}) == 1
