"""FernetSecretBox: the production SecretBox, on the ``cryptography`` package's Fernet.

Fernet is AES-128-CBC with HMAC-SHA256 (encrypt-then-MAC) and a random IV per token, so it
meets the SecretBox contract: tokens are ASCII, differ per call, and anything altered or made
with another key is refused.

Keys rotate with MultiFernet: a box holds one or more keys, encrypts with the first and
decrypts with any of them. ``KeylessSecretBox`` stands in where no key is configured: it
refuses to store a secret, with an error that says how to set a key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from agent_gateway_core.errors import ConfigError, SecretDecryptionError, SecretKeyMissingError
from agent_gateway_core.ports.secret_box import SecretBox

# Fixed, so one passphrase always derives the same key (the data stays readable across restarts).
_HKDF_SALT = b"agent-gateway/secret-box"
_HKDF_INFO = b"fernet key v1"


class FernetSecretBox(SecretBox):
    """Encrypts secrets at rest with Fernet. ``key`` is a Fernet key (urlsafe base64, 32 bytes),
    or a sequence of them: the first encrypts, every one decrypts (key rotation)."""

    def __init__(self, key: bytes | str | Sequence[bytes | str]) -> None:
        keys = [key] if isinstance(key, bytes | str) else list(key)
        if not keys:
            raise ConfigError("a secret box needs at least one key")
        try:
            fernets = [Fernet(k) for k in keys]
        except (ValueError, TypeError, binascii.Error) as exc:
            raise ConfigError(
                "a Fernet key is 32 bytes in urlsafe base64 (44 characters); "
                "use FernetSecretBox.from_key_material() for a passphrase"
            ) from exc
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_key_material(cls, material: str) -> FernetSecretBox:
        """A box from ``material``: one key, or several separated by commas (the first encrypts,
        all decrypt). Each is a Fernet key as is, or any other passphrase, derived with
        HKDF-SHA256. A passphrase also decrypts what the existing product encrypted with it
        (its key was the passphrase's SHA-256)."""
        listed = [part.strip() for part in material.split(",")]
        if not all(listed):
            raise ConfigError("the secret key must not be empty (nor hold an empty entry)")
        writing = _fernet_key(listed[0])
        reading = [key for entry in listed for key in _reading_keys(entry)]
        return cls([writing, *(k for k in reading if k != writing)])

    @classmethod
    def generate(cls) -> FernetSecretBox:
        """A box with a fresh random key (nothing encrypted with it survives the object)."""
        return cls(cls.new_key())

    @staticmethod
    def new_key() -> bytes:
        """A new random Fernet key."""
        return Fernet.generate_key()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise SecretDecryptionError(
                "secret token was altered, truncated, or made with another key"
            ) from exc
        except (ValueError, TypeError) as exc:  # not a str of base64 at all
            raise SecretDecryptionError("secret token is not a Fernet token") from exc


def _fernet_key(entry: str) -> bytes:
    """The Fernet key of one configured entry: itself, or derived from a passphrase."""
    if is_fernet_key(entry):
        return entry.encode("ascii")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        entry.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


def _reading_keys(entry: str) -> list[bytes]:
    """Every key that may have encrypted data under ``entry``."""
    if is_fernet_key(entry):
        return [entry.encode("ascii")]
    legacy = base64.urlsafe_b64encode(hashlib.sha256(entry.encode("utf-8")).digest())
    return [_fernet_key(entry), legacy]


class KeylessSecretBox(SecretBox):
    """The box of a shared database with no key configured: nothing secret can be stored.

    Everything else works; storing a secret raises :class:`SecretKeyMissingError` with
    ``how_to_fix``, and reading one (stored under a key no longer configured) is refused.
    """

    def __init__(self, how_to_fix: str) -> None:
        self._how_to_fix = how_to_fix

    def encrypt(self, plaintext: str) -> str:
        raise SecretKeyMissingError(f"cannot store a secret: {self._how_to_fix}")

    def decrypt(self, token: str) -> str:
        raise SecretDecryptionError(f"cannot read a stored secret: {self._how_to_fix}")


def is_fernet_key(material: str | bytes) -> bool:
    """``True`` when ``material`` is a valid Fernet key."""
    try:
        Fernet(material)
    except (ValueError, TypeError, binascii.Error):
        return False
    return True
