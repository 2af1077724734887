"""SecretBox port: encryption of secrets at rest."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SecretBox(Protocol):
    """Authenticated symmetric encryption for secrets stored by persistence backends.

    - ``encrypt(plaintext)`` returns an ASCII token that does not contain the plaintext; two
      encryptions of the same plaintext give different tokens (random nonce).
    - ``decrypt(encrypt(x)) == x`` for any str ``x``, including the empty string and non-ASCII.
    - ``decrypt`` of a token that was altered, truncated, or made with another key raises
      :class:`~agent_gateway_core.errors.SecretDecryptionError`; it never returns garbage.
    """

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...
