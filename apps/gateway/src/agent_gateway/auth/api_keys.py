"""API-key authentication: keys are hashed as soon as they are configured."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError, ConfigError
from agent_gateway_core.ports.auth_provider import AuthProvider


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class ApiKeyAuthProvider(AuthProvider):
    """Maps API keys to principals. Only SHA-256 digests of the keys are kept.

    A key is accepted as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. The
    principal's subject is ``apikey:<name>``, so data a key creates stays with that key.
    """

    def __init__(self, keys: Iterable[Mapping[str, Any]]) -> None:
        self._principals: dict[bytes, Principal] = {}
        for index, entry in enumerate(keys):
            key = entry.get("key")
            if not isinstance(key, str) or not key:
                raise ConfigError(f"api key #{index + 1} has no 'key'")
            name = str(entry.get("name") or f"key-{index + 1}")
            scopes = entry.get("scopes", ["*"])
            if isinstance(scopes, str) or not all(isinstance(s, str) for s in scopes):
                raise ConfigError(f"api key {name!r}: 'scopes' must be a list of strings")
            self._principals[_digest(key)] = Principal(
                subject=f"apikey:{name}", name=name, scopes=frozenset(scopes), auth_method="api_key"
            )

    @property
    def configured(self) -> bool:
        return bool(self._principals)

    async def authenticate(self, credentials: Credentials) -> Principal:
        if credentials.scheme not in ("bearer", "api_key") or not credentials.token:
            raise AuthenticationError("an API key is required")
        presented = _digest(credentials.token)
        # Compare against every digest so timing does not reveal which prefix matched.
        found: Principal | None = None
        for digest, principal in self._principals.items():
            if hmac.compare_digest(digest, presented):
                found = principal
        if found is None:
            raise AuthenticationError("invalid API key")
        return found
