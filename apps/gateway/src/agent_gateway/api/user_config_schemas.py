"""Bodies of the personal-agent routes: the setup schema and the caller's configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent_gateway_core.domain.agent import AgentScope
from agent_gateway_core.domain.user_config import AgentConfigView
from agent_gateway_core.personal_agents import MAX_INSTRUCTIONS_CHARS

REDACTED = "***"
"""What a secret's value is shown as: the configuration says a secret is set, never what."""


class SetupSchemaResponse(BaseModel):
    agent_id: str
    scope: AgentScope
    setup_schema: dict[str, Any] | None = Field(
        description="The JSON Schema of the configuration; properties with `sensitive: true` "
        "are stored encrypted and never shown again."
    )


class AgentConfigRequest(BaseModel):
    """The configuration values as top-level fields, matching the agent's setup schema, and
    optional instructions for the agent's system prompt."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [{"region": "eu", "api_key": "sk-...", "instructions": "Be brief."}]
        },
    )

    instructions: str | None = Field(
        default=None,
        max_length=MAX_INSTRUCTIONS_CHARS,
        description="Your instructions to the agent, added to its system prompt.",
    )

    def config_values(self) -> dict[str, Any]:
        """Every field but ``instructions``: what the setup schema validates."""
        return dict(self.model_extra or {})


class AgentConfigResponse(BaseModel):
    """The caller's configuration of a personal agent; secrets are named, never shown."""

    user_id: str
    agent_id: str
    instructions: str | None
    config_values: dict[str, Any]
    secrets: dict[str, str] = Field(
        description=f"The sensitive fields that are set, each shown as `{REDACTED}`."
    )
    setup_completed: bool
    created_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_view(cls, view: AgentConfigView) -> AgentConfigResponse:
        return cls(
            user_id=view.user_id,
            agent_id=view.agent_id,
            instructions=view.instructions,
            config_values=view.values,
            secrets=dict.fromkeys(view.secret_names, REDACTED),
            setup_completed=view.setup_completed,
            created_at=view.created_at,
            updated_at=view.updated_at,
        )


class ConfigDeletedResponse(BaseModel):
    deleted: bool = True
