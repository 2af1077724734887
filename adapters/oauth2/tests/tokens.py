"""Real JWTs signed with test keys, and the hand-built tokens no honest library would sign."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from joserfc import jwt
from joserfc.jwk import ECKey, Key, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

AUDIENCE = "api://agent-gateway"


@dataclass(frozen=True)
class SigningKey:
    """A private key with its ``kid``; ``public_jwk`` is what the JWKS publishes."""

    private: Key
    kid: str
    alg: str

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        return cls(RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"}), kid, "RS256")

    @classmethod
    def ec(cls, kid: str, curve: str = "P-256", alg: str = "ES256") -> SigningKey:
        return cls(ECKey.generate_key(curve, parameters={"kid": kid}), kid, alg)

    @classmethod
    def okp(cls, kid: str, curve: Literal["Ed25519", "Ed448"] = "Ed25519") -> SigningKey:
        return cls(OKPKey.generate_key(curve, parameters={"kid": kid}), kid, curve)

    @property
    def public_jwk(self) -> dict[str, Any]:
        return dict(self.private.as_dict(private=False))

    def sign(
        self,
        claims: dict[str, Any],
        *,
        alg: str | None = None,
        kid: str | None = "",
        extra_header: dict[str, Any] | None = None,
    ) -> str:
        """A compact JWS of ``claims``; ``kid=None`` leaves the kid out, ``""`` uses ours."""
        header: dict[str, Any] = {"alg": alg or self.alg, **(extra_header or {})}
        if kid is not None:
            header["kid"] = kid or self.kid
        registry = JWSRegistry(algorithms=[header["alg"]], strict_check_header=False)
        return jwt.encode(header, claims, self.private, registry=registry)


def claims_for(issuer: str, now: float | None = None, **overrides: Any) -> dict[str, Any]:
    """Claims a provider for ``issuer`` and ``AUDIENCE`` accepts; ``None`` removes a claim."""
    now = time.time() if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": int(now),
        "exp": int(now) + 300,
        "scope": "agents:read agents:invoke",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value).encode())


def unsigned_token(claims: dict[str, Any]) -> str:
    """``alg: none``: no signature at all."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."


def hmac_token(secret: bytes, claims: dict[str, Any], kid: str) -> str:
    """HS256 with ``secret`` as the key: the classic attack uses the issuer's public key."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def with_payload(token: str, claims: dict[str, Any]) -> str:
    """``token`` with its payload swapped and its signature kept."""
    header, _, signature = token.split(".")
    return f"{header}.{_segment(claims)}.{signature}"
