"""Adapts a user callable (``Gateway(auth=my_function)``) to the AuthProvider port."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.ports.auth_provider import AuthProvider


class CallableAuthProvider(AuthProvider):
    """Calls ``fn(token)`` (sync or async). It returns a Principal, a subject string, or a
    falsy value to reject; raising AuthenticationError also rejects.

    Only ``bearer`` and ``api_key`` credentials reach ``fn``: it sees the token alone, so a
    token of another scheme (``basic``...) must not be mistaken for one of these.
    """

    def __init__(self, fn: Callable[[str], Any]) -> None:
        self._fn = fn

    async def authenticate(self, credentials: Credentials) -> Principal:
        if credentials.scheme not in ("bearer", "api_key"):
            raise AuthenticationError("a bearer token or API key is required")
        if not credentials.token.strip():
            raise AuthenticationError("the credential is empty")
        outcome = self._fn(credentials.token)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if isinstance(outcome, Principal):
            return outcome
        if isinstance(outcome, str) and outcome:
            return Principal(subject=outcome, scopes=frozenset({"*"}), auth_method="custom")
        if outcome is True:
            return Principal(subject="custom", scopes=frozenset({"*"}), auth_method="custom")
        raise AuthenticationError("invalid credentials")
