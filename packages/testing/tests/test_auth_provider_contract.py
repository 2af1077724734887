"""The test AuthProviders pass the AuthProvider contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.testing import FixedIdentityAuthProvider, StaticTokenAuthProvider
from agent_gateway_testing.contracts import AuthProviderContract

pytestmark = pytest.mark.unit


class TestFixedIdentityAuthProvider(AuthProviderContract):
    @pytest.fixture
    def auth_provider(self) -> FixedIdentityAuthProvider:
        return FixedIdentityAuthProvider()

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        return Credentials(scheme="bearer", token="anything-goes")

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        return [
            Credentials(scheme="bearer", token=""),
            Credentials(scheme="api_key", token="   "),
        ]

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        return Credentials(scheme="basic", token="dXNlcjpwYXNz")


class TestStaticTokenAuthProvider(AuthProviderContract):
    @pytest.fixture
    def auth_provider(self) -> StaticTokenAuthProvider:
        return StaticTokenAuthProvider(
            {
                "token-alice-123": Principal(subject="alice", scopes=frozenset({"invoke"})),
                "token-bob-456": Principal(subject="bob"),
            }
        )

    @pytest.fixture
    def valid_credentials(self) -> Credentials:
        return Credentials(scheme="bearer", token="token-alice-123")

    @pytest.fixture
    def invalid_credentials(self) -> list[Credentials]:
        return [
            Credentials(scheme="bearer", token="token-mallory-789"),
            Credentials(scheme="bearer", token="token-alice-12"),
            Credentials(scheme="api_key", token=""),
        ]

    @pytest.fixture
    def unsupported_credentials(self) -> Credentials:
        return Credentials(scheme="basic", token="token-alice-123")
