"""The memories table: each agent's long-term memories, agent-wide or per user."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import (
    Id,
    JsonDocument,
    Label,
    Row,
    UtcDateTime,
    column,
)

# SQLite numbers rows itself only in a column declared exactly INTEGER PRIMARY KEY.
Serial = BigInteger().with_variant(Integer(), "sqlite")
Digest = String(64)  # a SHA-256, in hex

# The columns of one memory's identity: the same content in a scope is one memory.
CONTENT_KEY = ("agent_id", "scope_key", "content_hash")
_USER = "user:"


def scope_key(user_id: str | None) -> str:
    """``user_id`` as a value that is never NULL: ``""`` for the agent-wide scope, else
    ``"user:"`` and the id (so no user id, not even ``""``, can pass for the agent-wide one)."""
    return "" if user_id is None else _USER + user_id


class MemoryRow(Row):
    base_name = "memories"

    # Numbered by the database in insertion order: "oldest first" without relying on
    # timestamps, which two memories saved in one microsecond share.
    seq = column(Serial, primary_key=True)
    id = column(Id)
    agent_id = column(Id)
    user_id = column(Id, nullable=True)  # None: the agent-wide scope
    # user_id as a value that is never NULL (see scope_key()), so a unique key covers the
    # agent-wide scope too: SQL never finds two NULLs equal.
    scope_key = column(Text())
    content = column(Text())
    content_hash = column(Digest)
    memory_type = column(Label)
    importance = column(Float())
    source = column(Label)
    metadata = column(JsonDocument())
    created_at = column(UtcDateTime())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        # Ids are what callers hold; a scope is listed in insertion order; its content is
        # unique, which is also what makes concurrent saves of one memory keep one row.
        return (
            UniqueConstraint("id"),
            Index(None, "agent_id", "scope_key", "seq"),
            UniqueConstraint(*CONTENT_KEY),
        )
