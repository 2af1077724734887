"""Personal agents: each user's own configuration of an agent with ``scope: personal``.

An agent with ``scope: personal`` in its AGENT.md runs for a user only once that user has
saved a configuration of it (else :class:`~agent_gateway_core.errors.SetupRequiredError`):
values that the agent's ``setup_schema`` (a JSON Schema) accepts, and optional free-text
instructions. Properties the schema marks ``sensitive: true`` are kept apart as secrets,
encrypted at rest by the store's SecretBox; they are never shown again (a view names them
only), never sent to the model, and reach only the agent's tools
(``context.user_secrets``). The engine loads the configuration each time the agent runs
(:mod:`agent_gateway_core.engine.personal`), in whichever process runs it.

Configurations are kept per user id; a caller with none (authentication off, an embedded
runtime called without ``user_id``) uses the one of the user ``"anonymous"``
(:data:`~agent_gateway_core.domain.user_config.ANONYMOUS_USER_ID`), so a single-user local
setup can use personal agents too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from agent_gateway_core.domain.agent import AgentDefinition, AgentScope
from agent_gateway_core.domain.user_config import AgentConfigView, UserAgentConfig, config_owner
from agent_gateway_core.engine.schemas import CompiledSchema
from agent_gateway_core.errors import (
    AgentNotFoundError,
    InputValidationError,
    NotPersonalAgentError,
    SecretDecryptionError,
)
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.user_config import UserConfigStore

JsonSchema = dict[str, Any]

MAX_INSTRUCTIONS_CHARS = 10_000
"""The longest ``instructions`` a user may save (they go into every system prompt)."""


class PersonalAgentConfigs:
    """Read the setup schema of a personal agent; save, show and delete users' configurations.

    ``agents`` returns the agents currently served (so a reloaded workspace is seen at once).
    A ``user_id`` of ``None`` stands for the user ``"anonymous"``.
    """

    def __init__(
        self,
        *,
        agents: Callable[[], Mapping[str, AgentDefinition]],
        store: UserConfigStore,
        clock: Clock,
    ) -> None:
        self._agents = agents
        self._store = store
        self._clock = clock

    def setup_schema(self, agent_id: str) -> JsonSchema | None:
        """The agent's ``setup_schema`` (``None`` when it declares none). Raises
        AgentNotFoundError, or NotPersonalAgentError for an agent that is not personal."""
        return self._personal_agent(agent_id).setup_schema

    async def save(
        self,
        agent_id: str,
        values: Mapping[str, Any],
        *,
        user_id: str | None = None,
        instructions: str | None = None,
    ) -> AgentConfigView:
        """Create or replace the caller's configuration of ``agent_id``; returns its view.

        ``values`` must match the agent's ``setup_schema`` (InputValidationError, one line
        per problem, each naming its field); the ``sensitive`` ones are stored as secrets (a
        value that is not a string, as its JSON text). ``instructions`` are at most
        :data:`MAX_INSTRUCTIONS_CHARS` characters. Raises AgentNotFoundError,
        NotPersonalAgentError, and whatever the store raises (SecretKeyMissingError when a
        secret is to be stored and no key is configured).
        """
        agent = self._personal_agent(agent_id)
        _check_instructions(instructions)
        values = dict(values)
        schema = agent.setup_schema
        if schema is not None:
            _validate(agent_id, schema, values)
        sensitive = sensitive_fields(schema)
        owner = config_owner(user_id)
        now = self._clock.now()
        try:
            earlier = await self._store.get(owner, agent_id)
        except SecretDecryptionError:  # saved under another secret key: this save replaces it
            earlier = None
        config = UserAgentConfig(
            user_id=owner,
            agent_id=agent_id,
            values={k: v for k, v in values.items() if k not in sensitive},
            secrets={k: _secret_text(v) for k, v in values.items() if k in sensitive},
            instructions=instructions or None,
            setup_completed=True,
            created_at=earlier.created_at if earlier and earlier.created_at else now,
            updated_at=now,
        )
        await self._store.save(config)
        return AgentConfigView.of(config)

    async def get(self, agent_id: str, *, user_id: str | None = None) -> AgentConfigView | None:
        """The caller's configuration of ``agent_id`` with its secrets named only, or ``None``."""
        config = await self._store.get(config_owner(user_id), agent_id)
        return AgentConfigView.of(config) if config is not None else None

    async def delete(self, agent_id: str, *, user_id: str | None = None) -> bool:
        """Delete the caller's configuration of ``agent_id``; ``True`` if there was one."""
        return await self._store.delete(config_owner(user_id), agent_id)

    def _personal_agent(self, agent_id: str) -> AgentDefinition:
        agent = self._agents().get(agent_id)
        if agent is None:
            raise AgentNotFoundError(agent_id)
        if agent.scope is not AgentScope.PERSONAL:
            raise NotPersonalAgentError(agent_id)
        return agent


def sensitive_fields(setup_schema: Mapping[str, Any] | None) -> frozenset[str]:
    """The properties of ``setup_schema`` marked ``sensitive: true``."""
    properties = (setup_schema or {}).get("properties")
    if not isinstance(properties, Mapping):
        return frozenset()
    return frozenset(
        name
        for name, spec in properties.items()
        if isinstance(spec, Mapping) and spec.get("sensitive") is True
    )


def _validate(agent_id: str, schema: JsonSchema, values: dict[str, Any]) -> None:
    # ``sensitive`` is not a JSON Schema keyword: validators ignore it.
    label = f"setup schema of agent {agent_id!r}"
    _, errors = CompiledSchema(schema, label=label).validate(values)
    if errors:
        lines = "\n".join(f"  - {e}" for e in errors)
        raise InputValidationError(
            f"configuration does not match the setup schema of agent {agent_id!r}:\n{lines}",
            errors,
        )


def _check_instructions(instructions: object) -> None:
    if instructions is None:
        return
    if not isinstance(instructions, str):
        problem = "instructions: must be a string"
        raise InputValidationError(problem, [problem])
    if len(instructions) > MAX_INSTRUCTIONS_CHARS:
        problem = (
            f"instructions: {len(instructions)} characters, more than the "
            f"{MAX_INSTRUCTIONS_CHARS} allowed"
        )
        raise InputValidationError(problem, [problem])


def _secret_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
