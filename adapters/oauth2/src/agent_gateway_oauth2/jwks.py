"""The issuer's signing keys: fetched on first use, cached, refreshed no more often than allowed.

Fetches run one at a time under a lock; callers that arrive meanwhile wait and share the result.
Any fetch, successful or not, starts a quiet period of ``min_refetch_interval_seconds`` during
which no other fetch is made, so tokens naming unknown keys cannot make us hammer the issuer.
A refresh that fails keeps the keys already cached; only with none at all does it fail the call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key
from joserfc.util import urlsafe_b64decode

from agent_gateway_core.errors import AuthenticationError
from agent_gateway_core.ports.clock import Clock

logger = logging.getLogger(__name__)

FETCH_FAILED = "cannot fetch the issuer's signing keys"
_ASYMMETRIC_KEY_TYPES = ("RSA", "EC", "OKP")
_MIN_RSA_BITS = 2048  # NIST SP 800-131A; joserfc would only warn


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """One downloaded JWKS: the signature keys it holds that joserfc could import, in order."""

    keys: tuple[Key, ...]


class _FetchError(Exception):
    """Why a download of the JWKS gave no keys (for the log, never for the caller)."""


class JWKSCache:
    """Downloads and caches the JWKS at ``url``. Safe to share between concurrent callers."""

    def __init__(
        self,
        url: str,
        *,
        clock: Clock,
        ttl_seconds: float,
        min_refetch_interval_seconds: float,
        timeout_seconds: float,
        http_client: httpx.AsyncClient | None,
    ) -> None:
        self._url = url
        self._clock = clock
        self._ttl = ttl_seconds
        self._min_interval = min_refetch_interval_seconds
        self._timeout = timeout_seconds
        self._client = http_client
        self._owns_client = http_client is None
        self._closed = False
        self._lock = asyncio.Lock()
        self._keys: SigningKeys | None = None
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._attempts = 0  # finished fetches, failed or not

    async def current(self) -> SigningKeys:
        """The cached keys while fresh; else fetched (or the stale ones, if fetching fails)."""
        keys = self._keys
        if keys is not None and self._fresh():
            return keys
        attempts = self._attempts
        async with self._lock:
            keys = self._keys
            if keys is not None and (self._fresh() or not self._may_fetch()):
                return keys
            if keys is None and self._attempts != attempts:
                # The fetch this call waited for failed; trying again at once would not help.
                raise AuthenticationError(FETCH_FAILED)
            return await self._fetch()

    async def refetch(self, seen: SigningKeys) -> SigningKeys:
        """Keys newer than ``seen`` when a fetch is allowed now; else the cached ones."""
        if not self._may_fetch():
            return self._keys or seen
        async with self._lock:
            if self._keys is not None and self._keys is not seen:
                return self._keys  # fetched while this call waited
            if not self._may_fetch():
                return self._keys or seen
            return await self._fetch()

    async def aclose(self) -> None:
        """Close the HTTP client if this cache created it. Later fetches fail; cached keys stay."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.aclose()

    def _fresh(self) -> bool:
        return (
            self._fetched_at is not None and self._clock.monotonic() - self._fetched_at < self._ttl
        )

    def _may_fetch(self) -> bool:
        return (
            self._attempted_at is None
            or self._clock.monotonic() - self._attempted_at >= self._min_interval
        )

    async def _fetch(self) -> SigningKeys:
        """Download the JWKS (the caller holds the lock)."""
        self._attempted_at = self._clock.monotonic()
        try:
            keys = await self._download()
        except _FetchError as exc:
            self._attempts += 1
            if self._keys is None:
                logger.warning("cannot fetch the signing keys from %s: %s", self._url, exc)
                raise AuthenticationError(FETCH_FAILED) from exc
            logger.warning(
                "cannot refresh the signing keys from %s: %s; keeping the %d cached keys",
                self._url,
                exc,
                len(self._keys.keys),
            )
            return self._keys
        self._attempts += 1
        self._keys = keys
        self._fetched_at = self._attempted_at
        logger.info("fetched %d signing keys from %s", len(keys.keys), self._url)
        return keys

    async def _download(self) -> SigningKeys:
        if self._closed:
            raise _FetchError("the OAuth2 provider is closed")
        if self._client is None:
            self._client = httpx.AsyncClient()
        try:
            response = await self._client.get(
                self._url,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                follow_redirects=True,
            )
        except httpx.HTTPError as exc:
            raise _FetchError(f"{type(exc).__name__}: {exc}") from exc
        except RuntimeError as exc:  # httpx: the client was closed meanwhile
            raise _FetchError(str(exc)) from exc
        if response.status_code != 200:
            raise _FetchError(f"HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError as exc:
            raise _FetchError("the response is not JSON") from exc
        return _signing_keys(document)


def _signing_keys(document: Any) -> SigningKeys:
    """The signature keys of a JWKS document; keys that cannot be used are skipped (RFC 7517 §5)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise _FetchError("the response is not a JWKS (no 'keys' list)")
    keys: list[Key] = []
    for entry in document["keys"]:
        # Symmetric ("oct") keys are skipped: no allowed algorithm could use one.
        if not isinstance(entry, dict) or entry.get("kty") not in _ASYMMETRIC_KEY_TYPES:
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            if entry["kty"] == "RSA" and _rsa_bits(entry["n"]) < _MIN_RSA_BITS:
                logger.warning(
                    "skipping the JWKS key %r: RSA keys under %d bits are too weak",
                    entry.get("kid"),
                    _MIN_RSA_BITS,
                )
                continue
            keys.append(JWKRegistry.import_key(entry))
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            logger.warning("skipping the JWKS key %r: %s", entry.get("kid"), exc)
    return SigningKeys(tuple(keys))


def _rsa_bits(modulus: Any) -> int:
    if not isinstance(modulus, str):
        raise TypeError("'n' must be a string")
    return int.from_bytes(urlsafe_b64decode(modulus.encode())).bit_length()
