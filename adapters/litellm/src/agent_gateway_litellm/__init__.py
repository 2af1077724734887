"""Agent Gateway adapter: LLMClient on litellm (imported lazily)."""
