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
    falsy value to reject; raising AuthenticationError also rejects."""

    def __init__(self, fn: Callable[[str], Any]) -> None:
        self._fn = fn

    async def authenticate(self, credentials: Credentials) -> Principal:
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
