"""OAuth2AuthProvider: bearer JWTs verified against the issuer's JWKS."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import Key

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.auth import Credentials, Principal
from agent_gateway_core.errors import AuthenticationError, ConfigError
from agent_gateway_core.ports.auth_provider import AuthProvider
from agent_gateway_core.ports.clock import Clock
from agent_gateway_oauth2.algorithms import checked_algorithms, key_fits, restricted_registry
from agent_gateway_oauth2.claims import MALFORMED, check_claims, principal_from_claims
from agent_gateway_oauth2.jwks import JWKSCache, SigningKeys

SETTINGS = (
    "issuer",
    "audience",
    "jwks_uri",
    "algorithms",
    "scope_claim",
    "clock_skew_seconds",
    "jwks_cache_ttl_seconds",
    "min_refetch_interval_seconds",
    "timeout_seconds",
)
_UNKNOWN_KEY = "unknown signing key"


class OAuth2AuthProvider(AuthProvider):
    """Accepts ``Authorization: Bearer <JWT>`` tokens issued by one OAuth2/OIDC issuer.

    A token is accepted when it is signed with one of ``algorithms`` (asymmetric only) by a key
    of the issuer's JWKS, names ``issuer`` in ``iss`` and ``audience`` in ``aud``, has not
    expired (``exp`` is required), is already valid (``nbf``), and has a ``sub``. Clock skew of
    ``clock_skew_seconds`` is forgiven. The principal's scopes come from ``scope_claim``.

    The JWKS (default ``{issuer}/.well-known/jwks.json``) is fetched on the first
    ``authenticate``, kept ``jwks_cache_ttl_seconds``, and fetched again early when a token
    names an unknown key, at most once per ``min_refetch_interval_seconds``. ``http_client``
    is used as given and not closed; without one the provider creates (and ``aclose`` closes)
    its own. ``clock`` is for tests.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_uri: str | None = None,
        algorithms: Sequence[str] | None = None,
        scope_claim: str = "scope",
        *,
        clock_skew_seconds: int = 30,
        jwks_cache_ttl_seconds: float = 3600,
        min_refetch_interval_seconds: float = 30,
        timeout_seconds: float = 10,
        http_client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._issuer = _text("issuer", issuer)
        self._audience = _text("audience", audience)
        self._scope_claim = _text("scope_claim", scope_claim)
        self._jwks_uri = _url(jwks_uri or f"{issuer.rstrip('/')}/.well-known/jwks.json")
        self._algorithms = checked_algorithms(algorithms)
        self._registry = restricted_registry(self._algorithms)
        self._leeway = _seconds("clock_skew_seconds", clock_skew_seconds, zero_ok=True)
        self._clock = clock or SystemClock()
        self._jwks = JWKSCache(
            self._jwks_uri,
            clock=self._clock,
            ttl_seconds=_seconds("jwks_cache_ttl_seconds", jwks_cache_ttl_seconds),
            min_refetch_interval_seconds=_seconds(
                "min_refetch_interval_seconds", min_refetch_interval_seconds, zero_ok=True
            ),
            timeout_seconds=_seconds("timeout_seconds", timeout_seconds),
            http_client=http_client,
        )

    @classmethod
    def from_settings(cls, options: Mapping[str, Any]) -> OAuth2AuthProvider:
        """A provider from gateway.yaml's ``auth.oauth2`` (or ``use_oauth2``) options.

        Missing or ``None`` values take the defaults; ``issuer`` and ``audience`` are required.
        """
        unknown = sorted(set(options) - set(SETTINGS))
        if unknown:
            raise ConfigError(
                f"auth.oauth2: unknown setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(SETTINGS)}"
            )
        given = {key: value for key, value in options.items() if value is not None}
        for required in ("issuer", "audience"):
            if required not in given:
                raise ConfigError(f"auth.oauth2.{required} is required")
        return cls(**given)

    @property
    def jwks_uri(self) -> str:
        return self._jwks_uri

    @property
    def algorithms(self) -> tuple[str, ...]:
        return self._algorithms

    async def authenticate(self, credentials: Credentials) -> Principal:
        if credentials.scheme.lower() != "bearer":
            raise AuthenticationError(
                f"unsupported credential scheme {credentials.scheme!r}: OAuth2 needs a bearer token"
            )
        if not credentials.token.strip():
            raise AuthenticationError("a bearer token is required")
        signed = self._parse(credentials.token.strip())
        header = signed.headers()
        key = await self._signing_key(header.get("kid"), header["alg"])
        try:
            valid = jws.validate_compact(signed, key, registry=self._registry)
        except JoseError as exc:
            raise AuthenticationError("signature invalid") from exc
        if not valid:
            raise AuthenticationError("signature invalid")
        claims = _claims(signed.payload)
        check_claims(
            claims,
            issuer=self._issuer,
            audience=self._audience,
            now=self._clock.now().timestamp(),
            leeway=self._leeway,
        )
        return principal_from_claims(claims, scope_claim=self._scope_claim)

    async def aclose(self) -> None:
        """Close the HTTP client the provider created. Safe to call twice, or concurrently."""
        await self._jwks.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _parse(self, token: str) -> jws.CompactSignature:
        """The token's JWS, with an allowed ``alg`` and a well-formed header; nothing fetched."""
        try:
            signed = jws.extract_compact(token.encode(), registry=self._registry)
            header = signed.headers()
            self._registry.check_header(header)
        except (JoseError, ValueError) as exc:
            raise AuthenticationError(MALFORMED) from exc
        kid = header.get("kid")
        if header.get("b64", True) is not True or not (kid is None or isinstance(kid, str)):
            raise AuthenticationError(MALFORMED)
        if header.get("alg") not in self._algorithms:
            raise AuthenticationError(
                f"algorithm not allowed: tokens must be signed with {', '.join(self._algorithms)}"
            )
        return signed

    async def _signing_key(self, kid: str | None, alg: str) -> Key:
        """The JWKS key for ``kid`` (or the only one that fits ``alg`` when there is no kid).

        A key that is not there may have been rotated in: the JWKS is fetched again once,
        when its refetch interval allows.
        """
        keys = await self._jwks.current()
        key = self._find(keys, kid, alg)
        if key is None:
            newer = await self._jwks.refetch(keys)
            if newer is not keys:
                key = self._find(newer, kid, alg)
        if key is None:
            raise AuthenticationError(_UNKNOWN_KEY)
        return key

    def _find(self, keys: SigningKeys, kid: str | None, alg: str) -> Key | None:
        if kid is None:
            fitting = [k for k in keys.keys if key_fits(self._registry, k, alg)]
            return fitting[0] if len(fitting) == 1 else None
        named = [k for k in keys.keys if k.kid == kid]
        if not named:
            return None
        for key in named:
            if key_fits(self._registry, key, alg):
                return key
        # The key exists but is of another type, or declares another use or algorithm:
        # the HMAC-with-a-public-key confusion and its relatives end here.
        raise AuthenticationError("the signing key does not fit the token's algorithm")


def _claims(payload: bytes) -> dict[str, Any]:
    try:
        claims = json.loads(payload)
    except ValueError as exc:
        raise AuthenticationError(MALFORMED) from exc
    if not isinstance(claims, dict):
        raise AuthenticationError(MALFORMED)
    return claims


def _text(setting: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"auth.oauth2.{setting} must be a non-empty string, got {value!r}")
    return value


def _url(value: object) -> str:
    text = _text("jwks_uri", value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"auth.oauth2.jwks_uri must be an http(s) URL, got {text!r}")
    return text


def _seconds(setting: str, value: object, *, zero_ok: bool = False) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not value >= 0  # NaN included
        or (value == 0 and not zero_ok)
    ):
        least = "zero or more" if zero_ok else "more than zero"
        raise ConfigError(f"auth.oauth2.{setting} must be {least} seconds, got {value!r}")
    return float(value)
