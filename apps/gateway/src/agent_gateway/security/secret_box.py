"""FernetSecretBox: the production SecretBox, on the ``cryptography`` package's Fernet.

Fernet is AES-128-CBC with HMAC-SHA256 (encrypt-then-MAC) and a random IV per token, so it
meets the SecretBox contract: tokens are ASCII, differ per call, and anything altered or made
with another key is refused.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from agent_gateway_core.errors import ConfigError, SecretDecryptionError
from agent_gateway_core.ports.secret_box import SecretBox

# Fixed, so one passphrase always derives the same key (the data stays readable across restarts).
_HKDF_SALT = b"agent-gateway/secret-box"
_HKDF_INFO = b"fernet key v1"


class FernetSecretBox(SecretBox):
    """Encrypts secrets at rest with Fernet. ``key`` is a Fernet key (urlsafe base64, 32 bytes)."""

    def __init__(self, key: bytes | str) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError, binascii.Error) as exc:
            raise ConfigError(
                "a Fernet key is 32 bytes in urlsafe base64 (44 characters); "
                "use FernetSecretBox.from_key_material() for a passphrase"
            ) from exc

    @classmethod
    def from_key_material(cls, material: str) -> FernetSecretBox:
        """A box from a Fernet key as is, or from any other passphrase through HKDF-SHA256."""
        if not material.strip():
            raise ConfigError("the secret key must not be empty")
        if is_fernet_key(material.strip()):
            return cls(material.strip())
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO
        ).derive(material.encode("utf-8"))
        return cls(base64.urlsafe_b64encode(derived))

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


def is_fernet_key(material: str | bytes) -> bool:
    """``True`` when ``material`` is a valid Fernet key."""
    try:
        Fernet(material)
    except (ValueError, TypeError, binascii.Error):
        return False
    return True
