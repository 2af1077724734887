"""Agent Gateway adapter: LLMClient on litellm (imported lazily, on the first call)."""

from agent_gateway_litellm.client import LiteLLMClient

__all__ = ["LiteLLMClient"]
