"""What a verified token's claims must say, and the principal they describe."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from agent_gateway_core.domain.auth import Principal
from agent_gateway_core.errors import AuthenticationError

MALFORMED = "malformed token"
_NAME_CLAIMS = ("name", "preferred_username", "email")


def check_claims(
    claims: Mapping[str, Any], *, issuer: str, audience: str, now: float, leeway: float
) -> None:
    """Raise ``AuthenticationError`` unless the token is current and meant for ``audience``.

    ``exp`` is required; ``nbf`` and ``iat`` are checked when present; ``leeway`` seconds of
    clock skew are forgiven on each.
    """
    if "exp" not in claims:
        raise AuthenticationError("token has no expiry (exp)")
    if now >= _numeric_date(claims["exp"]) + leeway:
        raise AuthenticationError("token expired")
    if "nbf" in claims and now + leeway < _numeric_date(claims["nbf"]):
        raise AuthenticationError("token not yet valid")
    if "iat" in claims and now + leeway < _numeric_date(claims["iat"]):
        raise AuthenticationError("token issued in the future")
    if claims.get("iss") != issuer:
        raise AuthenticationError("wrong issuer")
    if audience not in _audiences(claims.get("aud")):
        raise AuthenticationError("wrong audience")


def principal_from_claims(claims: Mapping[str, Any], *, scope_claim: str) -> Principal:
    """The principal of verified ``claims``: ``sub``, a display name, and the scopes.

    Scopes come from ``scope_claim`` (a space-separated string or a list of strings). With the
    default ``scope``, a token that has no ``scope`` but an Azure AD ``scp`` uses ``scp``.
    Azure's ``roles`` are app roles, not scopes, and are left in ``claims``.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AuthenticationError("token has no subject (sub)")
    name = next(
        (v for v in (claims.get(c) for c in _NAME_CLAIMS) if isinstance(v, str) and v), None
    )
    if scope_claim == "scope" and "scope" not in claims and "scp" in claims:
        scope_claim = "scp"
    return Principal(
        subject=subject,
        name=name,
        scopes=_scopes(claims.get(scope_claim)),
        auth_method="oauth2",
        claims=MappingProxyType(dict(claims)),
    )


def _numeric_date(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuthenticationError(MALFORMED)
    return float(value)


def _audiences(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return []


def _scopes(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(s for s in value if s)
    raise AuthenticationError(MALFORMED)
