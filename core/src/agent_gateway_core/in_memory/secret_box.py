"""A stdlib-only SecretBox: HMAC-SHA256 keystream encryption with encrypt-then-MAC.

For tests and embedded use. Production deployments use the Fernet-based adapter, which relies
on a reviewed cryptography library; this box exists so the core can keep secrets encrypted at
rest without any dependency beyond the standard library.

Token format: ``hsb1.`` + urlsafe-base64(nonce[16] || ciphertext || tag[32]), where the
ciphertext is the UTF-8 plaintext XORed with HMAC-SHA256(enc_key, nonce || counter) blocks and
the tag is HMAC-SHA256(mac_key, version || nonce || ciphertext). The encryption and MAC keys
are derived from the given key so one secret never serves two purposes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from agent_gateway_core.errors import ConfigError, SecretDecryptionError
from agent_gateway_core.ports.secret_box import SecretBox

_VERSION = b"hsb1"
_PREFIX = _VERSION.decode() + "."
_NONCE_BYTES = 16
_TAG_BYTES = 32
_BLOCK_BYTES = hashlib.sha256().digest_size


class HmacSecretBox(SecretBox):
    """Authenticated encryption from HMAC-SHA256 alone. For tests and embedded use."""

    def __init__(self, key: bytes | str) -> None:
        raw = key.encode() if isinstance(key, str) else key
        if not raw:
            raise ConfigError("HmacSecretBox key must not be empty")
        self._enc_key = hmac.digest(raw, b"agent-gateway/encrypt", "sha256")
        self._mac_key = hmac.digest(raw, b"agent-gateway/authenticate", "sha256")

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = self._xor_keystream(nonce, plaintext.encode("utf-8"))
        tag = self._tag(nonce, ciphertext)
        return _PREFIX + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii")

    def decrypt(self, token: str) -> str:
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            raise SecretDecryptionError("secret token has an unknown format or version")
        try:
            blob = base64.b64decode(token[len(_PREFIX) :], altchars=b"-_", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SecretDecryptionError("secret token is not valid base64") from exc
        if len(blob) < _NONCE_BYTES + _TAG_BYTES:
            raise SecretDecryptionError("secret token is truncated")
        nonce, ciphertext, tag = (
            blob[:_NONCE_BYTES],
            blob[_NONCE_BYTES:-_TAG_BYTES],
            blob[-_TAG_BYTES:],
        )
        if not hmac.compare_digest(tag, self._tag(nonce, ciphertext)):
            raise SecretDecryptionError("secret token was altered or made with another key")
        return self._xor_keystream(nonce, ciphertext).decode("utf-8")

    def _tag(self, nonce: bytes, ciphertext: bytes) -> bytes:
        return hmac.digest(self._mac_key, _VERSION + nonce + ciphertext, "sha256")

    def _xor_keystream(self, nonce: bytes, data: bytes) -> bytes:
        blocks = (len(data) + _BLOCK_BYTES - 1) // _BLOCK_BYTES
        stream = b"".join(
            hmac.digest(self._enc_key, nonce + counter.to_bytes(8, "big"), "sha256")
            for counter in range(blocks)
        )
        return bytes(a ^ b for a, b in zip(data, stream, strict=False))
