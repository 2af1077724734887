"""AuthProviders for tests: one fixed identity, or a static table of tokens."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError, ConfigError
from agent_gateway_core.ports.auth_provider import AuthProvider

DEFAULT_SCHEMES = frozenset({"bearer", "api_key"})

TEST_PRINCIPAL = Principal(
    subject="test-user", name="Test User", scopes=frozenset({"*"}), auth_method="fixed"
)


def _check_presented(credentials: Credentials, schemes: frozenset[str]) -> None:
    if credentials.scheme.lower() not in schemes:
        raise AuthenticationError(
            f"unsupported credential scheme {credentials.scheme!r}; "
            f"expected one of {sorted(schemes)}"
        )
    if not credentials.token.strip():
        raise AuthenticationError("missing credentials: the token is empty")


class FixedIdentityAuthProvider(AuthProvider):
    """Accepts any non-empty token of a known scheme as ``principal`` (all scopes by default)."""

    def __init__(
        self, principal: Principal = TEST_PRINCIPAL, *, schemes: Collection[str] = DEFAULT_SCHEMES
    ) -> None:
        self.principal = principal
        self._schemes = frozenset(s.lower() for s in schemes)

    async def authenticate(self, credentials: Credentials) -> Principal:
        _check_presented(credentials, self._schemes)
        return self.principal


class StaticTokenAuthProvider(AuthProvider):
    """Maps tokens to principals. Keeps only SHA-256 digests and compares in constant time."""

    def __init__(
        self, tokens: Mapping[str, Principal], *, schemes: Collection[str] = DEFAULT_SCHEMES
    ) -> None:
        if any(not token.strip() for token in tokens):
            raise ConfigError("StaticTokenAuthProvider: a token must not be empty")
        self._principals = [(_digest(token), principal) for token, principal in tokens.items()]
        self._schemes = frozenset(s.lower() for s in schemes)

    async def authenticate(self, credentials: Credentials) -> Principal:
        _check_presented(credentials, self._schemes)
        presented = _digest(credentials.token)
        found: Principal | None = None
        for digest, principal in self._principals:  # no early exit: timing must not leak
            if hmac.compare_digest(digest, presented):
                found = principal
        if found is None:
            raise AuthenticationError("invalid credentials: unknown token")
        return found


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()
