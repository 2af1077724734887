"""Where the file memory backend keeps each scope, compatible with agents-gateway 0.2.

``{root}/agents/{agent_id}/MEMORY.md`` holds the agent-wide scope and
``{root}/agents/{agent_id}/memory/{user file}`` each user's. Ids are checked against
whole-string patterns, so no id can name a path outside the agent's directory.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from agent_gateway_core.domain.memory import MemoryScope

AGENT_FILE = "MEMORY.md"
USERS_DIR = "memory"
USER_SUFFIX = ".md"

_SAFE_AGENT_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]*")
_SAFE_USER_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.@-]*")
_MAX_PLAIN_USER_ID = 100
_HASHED_STEM = re.compile(r"user-[0-9a-f]{16}")


def agent_dir(root: Path, agent_id: str) -> Path:
    """The agent's directory; ``ValueError`` for an id that is not a plain name."""
    if not _SAFE_AGENT_ID.fullmatch(agent_id):
        raise ValueError(
            f"invalid agent id for file memory: {agent_id!r} "
            "(letters, digits, '_' and '-', starting with a letter or digit)"
        )
    return root / "agents" / agent_id


def scope_file(root: Path, scope: MemoryScope) -> Path:
    """The file holding ``scope``'s memories (it may not exist yet)."""
    directory = agent_dir(root, scope.agent_id)
    if scope.user_id is None:
        return directory / AGENT_FILE
    return directory / USERS_DIR / user_filename(scope.user_id)


def user_filename(user_id: str) -> str:
    """A plain user id names its file directly (``alice.md``); any other id, which could hold
    a separator or ``..``, is hashed (``user-<16 hex>.md``). The same rule as 0.2, so its
    files are found again."""
    if _SAFE_USER_ID.fullmatch(user_id) and len(user_id) <= _MAX_PLAIN_USER_ID:
        return f"{user_id}{USER_SUFFIX}"
    return f"user-{hashlib.sha256(user_id.encode()).hexdigest()[:16]}{USER_SUFFIX}"


def user_id_from_filename(name: str) -> str | None:
    """The user id a file name spells, for files without a header naming their user.

    ``None`` for a hashed name: the id cannot be recovered from its hash.
    """
    if not name.endswith(USER_SUFFIX):
        return None
    stem = name[: -len(USER_SUFFIX)]
    if _HASHED_STEM.fullmatch(stem) or user_filename(stem) != name:
        return None
    return stem
