"""Contract of SecretBox: authenticated encryption that never returns garbage."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import SecretDecryptionError
from agent_gateway_core.ports.secret_box import SecretBox
from agent_gateway_testing.contracts._required import fixture_required

PLAINTEXTS = ["", "x", "hello", "pässwörd ✓ 秘密 🔑", "line\nbreak\ttab\x00nul", "s" * 10_000]


def _altered_at(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


class SecretBoxContract:
    """Every sentence of the SecretBox docstring.

    Subclasses override ``secret_box`` and ``other_secret_box`` (same kind, another key).
    """

    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    def secret_box(self) -> SecretBox:
        fixture_required(self, "secret_box")

    @pytest.fixture
    def other_secret_box(self) -> SecretBox:
        fixture_required(self, "other_secret_box")

    async def test_token_is_ascii_and_hides_the_plaintext(self, secret_box: SecretBox) -> None:
        plaintext = "sk-live-very-secret-api-key-0123456789"
        token = secret_box.encrypt(plaintext)
        assert token.isascii()
        assert plaintext not in token
        assert "very-secret" not in token

    async def test_two_encryptions_differ(self, secret_box: SecretBox) -> None:
        assert secret_box.encrypt("same") != secret_box.encrypt("same")

    @pytest.mark.parametrize("plaintext", PLAINTEXTS, ids=lambda p: f"{len(p)}-chars")
    async def test_decrypt_reverses_encrypt(self, secret_box: SecretBox, plaintext: str) -> None:
        assert secret_box.decrypt(secret_box.encrypt(plaintext)) == plaintext

    @pytest.mark.parametrize("where", [1 / 3, 1 / 2, 2 / 3], ids=["third", "middle", "two-thirds"])
    async def test_an_altered_token_is_rejected(self, secret_box: SecretBox, where: float) -> None:
        token = secret_box.encrypt("attack at dawn")
        with pytest.raises(SecretDecryptionError, match=r"\w"):
            secret_box.decrypt(_altered_at(token, int(len(token) * where)))

    @pytest.mark.parametrize("keep", [0.5, 0.9], ids=["half", "most"])
    async def test_a_truncated_token_is_rejected(self, secret_box: SecretBox, keep: float) -> None:
        token = secret_box.encrypt("attack at dawn")
        with pytest.raises(SecretDecryptionError, match=r"\w"):
            secret_box.decrypt(token[: int(len(token) * keep)])

    @pytest.mark.parametrize("garbage", ["", "not a token", "hsb1.!!!", "gAAAAA"])
    async def test_garbage_is_rejected(self, secret_box: SecretBox, garbage: str) -> None:
        with pytest.raises(SecretDecryptionError):
            secret_box.decrypt(garbage)

    async def test_a_token_of_another_key_is_rejected(
        self, secret_box: SecretBox, other_secret_box: SecretBox
    ) -> None:
        with pytest.raises(SecretDecryptionError, match=r"\w"):
            other_secret_box.decrypt(secret_box.encrypt("attack at dawn"))
