"""What a personal agent's execution takes from the caller's configuration of it.

Loaded from the store each time such an agent runs, in the process that runs it (a worker
too); nothing of it travels in a queue job or is recorded with the execution. The
instructions go into the system prompt; the values and the secrets go only to the tools'
context, never to the model.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from agent_gateway_core.domain.agent import AgentDefinition, AgentScope
from agent_gateway_core.domain.user_config import config_owner
from agent_gateway_core.errors import SecretDecryptionError, SetupRequiredError
from agent_gateway_core.ports.persistence.user_config import UserConfigStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalSettings:
    """The caller's instructions, setup values and decrypted secrets for one execution."""

    instructions: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)


NO_PERSONAL_SETTINGS = PersonalSettings()
"""What an agent that is not personal runs with."""


async def personal_settings(
    store: UserConfigStore, agent: AgentDefinition, user_id: str | None
) -> PersonalSettings:
    """The settings ``agent`` runs with for ``user_id`` (``None``: the user ``"anonymous"``).

    Raises SetupRequiredError for a personal agent the user has not configured (or whose
    configuration is not complete).
    """
    if agent.scope is not AgentScope.PERSONAL:
        return NO_PERSONAL_SETTINGS
    try:
        config = await store.get(config_owner(user_id), agent.id)
    except SecretDecryptionError as exc:
        # The gateway's secret key changed since the config was saved: saving it again fixes it.
        logger.warning("the config of agent %r for a user cannot be decrypted: %s", agent.id, exc)
        raise SetupRequiredError(
            agent.id, "has a saved configuration whose secrets this gateway cannot decrypt"
        ) from exc
    if config is None or not config.setup_completed:
        raise SetupRequiredError(agent.id)
    return PersonalSettings(
        instructions=config.instructions,
        values=MappingProxyType(dict(config.values)),
        secrets=MappingProxyType(dict(config.secrets)),
    )
