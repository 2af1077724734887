"""HmacSecretBox beyond its contract: format, tampering and key handling."""

from __future__ import annotations

import base64

import pytest

from agent_gateway_core.errors import ConfigError, SecretDecryptionError
from agent_gateway_core.testing import HmacSecretBox

pytestmark = pytest.mark.unit


def test_tokens_carry_a_version_prefix() -> None:
    assert HmacSecretBox("k").encrypt("hello").startswith("hsb1.")


def test_str_and_bytes_keys_are_the_same_key() -> None:
    token = HmacSecretBox("shared-key").encrypt("hello")
    assert HmacSecretBox(b"shared-key").decrypt(token) == "hello"


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="key must not be empty"):
        HmacSecretBox("")


def test_plaintext_never_appears_in_the_token() -> None:
    token = HmacSecretBox("k").encrypt("my-database-password")
    payload = base64.urlsafe_b64decode(token.removeprefix("hsb1."))
    assert b"my-database-password" not in payload
    assert "my-database-password" not in token


def test_a_flipped_ciphertext_bit_is_detected() -> None:
    box = HmacSecretBox("k")
    payload = bytearray(base64.urlsafe_b64decode(box.encrypt("pay 10 EUR").removeprefix("hsb1.")))
    payload[16] ^= 0x01  # first ciphertext byte, right after the nonce
    forged = "hsb1." + base64.urlsafe_b64encode(bytes(payload)).decode()
    with pytest.raises(SecretDecryptionError, match="altered or made with another key"):
        box.decrypt(forged)


def test_a_token_of_another_key_is_reported_as_such() -> None:
    token = HmacSecretBox("key-one").encrypt("hello")
    with pytest.raises(SecretDecryptionError, match="another key"):
        HmacSecretBox("key-two").decrypt(token)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("v2.AAAA", "unknown format or version"),
        ("hsb1.***", "not valid base64"),
        ("hsb1." + base64.urlsafe_b64encode(b"short").decode(), "truncated"),
    ],
    ids=["version", "base64", "truncated"],
)
def test_malformed_tokens_name_their_problem(token: str, problem: str) -> None:
    with pytest.raises(SecretDecryptionError, match=problem):
        HmacSecretBox("k").decrypt(token)
