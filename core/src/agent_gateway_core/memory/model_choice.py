"""Which model extracts and compacts an agent's memories, and how it is asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.messages import Message
from agent_gateway_core.engine.model_settings import AgentModelDefaults
from agent_gateway_core.memory.policy import MemoryPolicy
from agent_gateway_core.ports.llm_client import LLMClient, LLMRequest
from agent_gateway_core.workspace.state import WorkspaceState

# Extraction and compaction want the same answer for the same input, not creativity.
TEMPERATURE = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoryModel:
    """A model and where to reach it."""

    name: str
    api_base: str | None = None
    api_key: str | None = None
    timeout_seconds: float | None = None

    async def answer(self, llm: LLMClient, messages: Sequence[Message]) -> str:
        """The model's text answer to ``messages``; raises the LLMClient's LLMError."""
        response = await llm.complete(
            LLMRequest(
                model=self.name,
                messages=messages,
                temperature=TEMPERATURE,
                api_base=self.api_base,
                api_key=self.api_key,
                timeout_seconds=self.timeout_seconds,
            )
        )
        return response.content or ""


def memory_model(
    agent: AgentDefinition, workspace: WorkspaceState, policy: MemoryPolicy
) -> MemoryModel | None:
    """``memory.extraction_model`` (reached through gateway.yaml's ``model.api_base``), else
    the agent's model with its settings; ``None`` when neither names a model."""
    defaults = workspace.model
    if policy.extraction_model:
        return MemoryModel(
            name=policy.extraction_model,
            api_base=defaults.api_base,
            api_key=defaults.api_key,
            timeout_seconds=defaults.timeout_seconds,
        )
    agent_model = AgentModelDefaults.of(agent, workspace)
    if agent_model.primary is None:
        return None
    return MemoryModel(
        name=agent_model.primary,
        api_base=agent_model.api_base,
        api_key=agent_model.api_key,
        timeout_seconds=agent_model.timeout_seconds,
    )
