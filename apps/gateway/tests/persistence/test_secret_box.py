"""FernetSecretBox passes the SecretBox contract; its key comes from the env, a file or nowhere."""

from __future__ import annotations

import base64
import hashlib
import logging
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from agent_gateway.security.secret_box import FernetSecretBox
from agent_gateway.security.secret_key import (
    GENERATE_KEY_COMMAND,
    SECRET_KEY_ENV,
    secret_box_for,
)
from agent_gateway.settings import PersistenceSettings
from agent_gateway_core.errors import ConfigError, SecretDecryptionError, SecretKeyMissingError
from agent_gateway_testing.contracts import SecretBoxContract

pytestmark = pytest.mark.unit

POSTGRES = PersistenceSettings(backend="postgres", url="postgresql+asyncpg://u@db.test/agents")


class TestFernetSecretBox(SecretBoxContract):
    @pytest.fixture
    def secret_box(self) -> FernetSecretBox:
        return FernetSecretBox(Fernet.generate_key())

    @pytest.fixture
    def other_secret_box(self) -> FernetSecretBox:
        return FernetSecretBox.from_key_material("another passphrase")


class TestFernetSecretBoxFromAPassphrase(SecretBoxContract):
    @pytest.fixture
    def secret_box(self) -> FernetSecretBox:
        return FernetSecretBox.from_key_material("correct horse battery staple")

    @pytest.fixture
    def other_secret_box(self) -> FernetSecretBox:
        return FernetSecretBox.generate()


def test_a_passphrase_derives_the_same_key_every_time() -> None:
    token = FernetSecretBox.from_key_material("s3cret phrase").encrypt("api-key")
    assert FernetSecretBox.from_key_material("s3cret phrase").decrypt(token) == "api-key"
    with pytest.raises(SecretDecryptionError):
        FernetSecretBox.from_key_material("s3cret phrasE").decrypt(token)


def test_a_fernet_key_is_used_as_is() -> None:
    key = Fernet.generate_key()
    token = FernetSecretBox.from_key_material(key.decode()).encrypt("api-key")
    assert Fernet(key).decrypt(token.encode()) == b"api-key"


def test_a_malformed_fernet_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="a Fernet key is 32 bytes in urlsafe base64"):
        FernetSecretBox("too-short")


def test_an_empty_passphrase_is_refused() -> None:
    with pytest.raises(ConfigError, match="secret key must not be empty"):
        FernetSecretBox.from_key_material("   ")


def test_the_environment_key_wins_for_every_backend(tmp_path: Path) -> None:
    env = {SECRET_KEY_ENV: "a long passphrase from the environment"}
    sqlite = PersistenceSettings(backend="sqlite", path=str(tmp_path / "data" / "gateway.db"))
    token = secret_box_for(POSTGRES, env).encrypt("api-key")

    assert secret_box_for(sqlite, env).decrypt(token) == "api-key"
    assert not (tmp_path / "data").exists()  # no key file when the environment has the key


def test_postgres_without_the_environment_key_refuses_to_store_a_secret_saying_how_to_make_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="agent_gateway"):
        box = secret_box_for(POSTGRES, {})
    assert any(SECRET_KEY_ENV in r.getMessage() for r in caplog.records)
    with pytest.raises(SecretKeyMissingError) as caught:
        box.encrypt("api-key")
    assert SECRET_KEY_ENV in str(caught.value)
    assert GENERATE_KEY_COMMAND in str(caught.value)
    with pytest.raises(SecretDecryptionError, match=SECRET_KEY_ENV):
        box.decrypt("gAAAAA-a-token")


def test_several_keys_rotate_the_first_encrypts_and_every_one_decrypts() -> None:
    old_key = Fernet.generate_key().decode()
    old_token = FernetSecretBox.from_key_material(old_key).encrypt("made with the old key")
    passphrase_token = FernetSecretBox.from_key_material("old phrase").encrypt("by phrase")

    rotated = FernetSecretBox.from_key_material(f"new phrase, {old_key}, old phrase")

    assert rotated.decrypt(old_token) == "made with the old key"
    assert rotated.decrypt(passphrase_token) == "by phrase"
    new_token = rotated.encrypt("fresh")
    assert FernetSecretBox.from_key_material("new phrase").decrypt(new_token) == "fresh"
    with pytest.raises(SecretDecryptionError):
        FernetSecretBox.from_key_material(old_key).decrypt(new_token)


def test_a_passphrase_reads_what_the_existing_product_encrypted_with_it() -> None:
    # The existing product's key for a passphrase was its SHA-256, in urlsafe base64.
    legacy = base64.urlsafe_b64encode(hashlib.sha256(b"shared phrase").digest())
    token = Fernet(legacy).encrypt(b"legacy secret").decode()

    assert FernetSecretBox.from_key_material("shared phrase").decrypt(token) == "legacy secret"


def test_an_empty_entry_in_the_key_list_is_refused() -> None:
    with pytest.raises(ConfigError, match="empty"):
        FernetSecretBox.from_key_material("a-key,,another")


def test_sqlite_without_the_environment_key_keeps_a_private_key_file_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sqlite = PersistenceSettings(backend="sqlite", path=str(tmp_path / "data" / "gateway.db"))
    with caplog.at_level(logging.WARNING, logger="agent_gateway"):
        token = secret_box_for(sqlite, {}).encrypt("api-key")

    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_box_for(sqlite, {}).decrypt(token) == "api-key"  # the same key next start
    assert f"Set {SECRET_KEY_ENV} in production" in caplog.text
    assert str(key_file) in caplog.text
    assert list(key_file.parent.iterdir()) == [key_file]  # no temp file left behind


def test_a_damaged_key_file_is_refused_rather_than_replaced(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("not a key\n")
    sqlite = PersistenceSettings(backend="sqlite", path=str(tmp_path / "gateway.db"))
    with pytest.raises(ConfigError, match=r"secret\.key does not hold a Fernet key"):
        secret_box_for(sqlite, {})
    assert (tmp_path / "secret.key").read_text() == "not a key\n"


@pytest.mark.parametrize(
    "settings",
    [
        PersistenceSettings(backend="memory"),
        PersistenceSettings(backend="none"),
        PersistenceSettings(backend="sqlite", path=":memory:"),
    ],
    ids=["memory", "none", "sqlite :memory:"],
)
def test_nothing_durable_gets_a_process_lifetime_key_and_no_file(
    settings: PersistenceSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = secret_box_for(settings, {}), secret_box_for(settings, {})
    with pytest.raises(SecretDecryptionError):
        second.decrypt(first.encrypt("api-key"))
    assert list(tmp_path.iterdir()) == []
