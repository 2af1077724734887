"""Per-user agent configs and MCP server configs; their secret columns hold ciphertext only."""

from __future__ import annotations

from sqlalchemy import Boolean, Text, UniqueConstraint
from sqlalchemy.schema import SchemaItem

from agent_gateway_sqlalchemy.models.columns import (
    Id,
    JsonDocument,
    Label,
    Row,
    UtcDateTime,
    column,
)


class UserAgentConfigRow(Row):
    base_name = "user_agent_configs"

    user_id = column(Id, primary_key=True)
    agent_id = column(Id, primary_key=True)
    values = column(JsonDocument())
    secrets = column(JsonDocument())  # name -> SecretBox token
    updated_at = column(UtcDateTime())
    # Revision 0002: after the first columns, as adding them to an existing table leaves them.
    instructions = column(Text(), nullable=True)
    setup_completed = column(Boolean())
    created_at = column(UtcDateTime(), nullable=True)


class McpServerRow(Row):
    base_name = "mcp_servers"

    id = column(Id, primary_key=True)
    name = column(Id)
    transport = column(Label)
    command = column(Text(), nullable=True)
    args = column(JsonDocument())
    env = column(JsonDocument())
    url = column(Text(), nullable=True)
    headers = column(JsonDocument())
    credentials = column(JsonDocument())  # name -> SecretBox token
    enabled = column(Boolean())
    created_at = column(UtcDateTime())
    updated_at = column(UtcDateTime())

    @classmethod
    def constraints(cls, table_prefix: str) -> tuple[SchemaItem, ...]:
        return (UniqueConstraint("name"),)
