"""Where the key that encrypts secrets at rest comes from.

- ``AGENT_GATEWAY_SECRET_KEY`` set: a Fernet key, or any passphrase (derived with HKDF-SHA256);
  or several, separated by commas, to rotate keys: the first encrypts, all decrypt.
- Not set, SQLite file: a random key kept in ``secret.key`` beside the database file (mode
  0600), created on first start, with a warning that production should set the variable.
- Not set, PostgreSQL: the gateway starts, with a warning, and refuses only to store a secret
  (a sensitive field of a personal agent's config, MCP credentials), saying how to set the
  key. Several replicas share one database, so a key on one machine's disk would make every
  secret unreadable on the others: the key must come from the environment.
- Not set, memory (or SQLite ``:memory:``): a random key for the life of the process, since
  the data does not outlive it either.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from agent_gateway.security.secret_box import FernetSecretBox, KeylessSecretBox, is_fernet_key
from agent_gateway.settings import PersistenceSettings
from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.secret_box import SecretBox

logger = logging.getLogger("agent_gateway")

SECRET_KEY_ENV = "AGENT_GATEWAY_SECRET_KEY"
KEY_FILE_NAME = "secret.key"
GENERATE_KEY_COMMAND = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def secret_box_for(
    persistence: PersistenceSettings, environ: Mapping[str, str] | None = None
) -> SecretBox:
    """The SecretBox the persistence backend seals secrets with (see the module docstring)."""
    env = os.environ if environ is None else environ
    material = env.get(SECRET_KEY_ENV, "")
    if material.strip():
        return FernetSecretBox.from_key_material(material)
    if persistence.backend == "postgres":
        how_to_fix = (
            f"set {SECRET_KEY_ENV}, the key that encrypts secrets at rest, to the same value "
            f"on every replica. Generate one with: {GENERATE_KEY_COMMAND}"
        )
        logger.warning(
            "%s is not set: this gateway runs, but refuses to store secrets (sensitive "
            "fields of personal agents, MCP credentials) until you %s",
            SECRET_KEY_ENV,
            how_to_fix,
        )
        return KeylessSecretBox(how_to_fix)
    database = persistence.sqlite_file
    if database is None:
        return FernetSecretBox.generate()
    key_file = database.parent / KEY_FILE_NAME
    logger.warning(
        "%s is not set: secrets at rest are encrypted with the key in %s. Set %s in "
        "production (generate one with: %s) and keep it out of the database's backups.",
        SECRET_KEY_ENV,
        key_file,
        SECRET_KEY_ENV,
        GENERATE_KEY_COMMAND,
    )
    return FernetSecretBox(read_or_create_key_file(key_file))


def read_or_create_key_file(path: Path) -> bytes:
    """The Fernet key in ``path``; a new random one, written with mode 0600, if it is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return _read_key_file(path)
    # Written whole to a private temp file, then linked into place: a process starting at the
    # same moment sees either no file or the complete key, and exactly one key wins.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".secret-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:  # mkstemp creates it with mode 0600
            file.write(FernetSecretBox.new_key() + b"\n")
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)
    return _read_key_file(path)


def _read_key_file(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the secret key file {path}: {exc.strerror}") from exc
    if not is_fernet_key(key):
        raise ConfigError(
            f"{path} does not hold a Fernet key; restore the original (secrets encrypted with "
            f"it cannot be read without it) or set {SECRET_KEY_ENV}"
        )
    return key
