"""Per-user agent configs and MCP server configs; their secret columns hold ciphertext only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from agent_gateway_sqlalchemy.models.columns import Id, Label, Row, json_document


class UserAgentConfigRow(Row):
    base_name = "user_agent_configs"

    user_id: Mapped[str] = mapped_column(Id, primary_key=True)
    agent_id: Mapped[str] = mapped_column(Id, primary_key=True)
    values: Mapped[dict[str, Any]]
    secrets: Mapped[dict[str, Any]]  # name -> SecretBox token
    updated_at: Mapped[datetime]


class McpServerRow(Row):
    base_name = "mcp_servers"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(Id)
    transport: Mapped[str] = mapped_column(Label)
    command: Mapped[str | None] = mapped_column(Text)
    args: Mapped[list[Any]] = mapped_column(json_document())
    env: Mapped[dict[str, Any]]
    url: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]]
    credentials: Mapped[dict[str, Any]]  # name -> SecretBox token
    enabled: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("name"),)
