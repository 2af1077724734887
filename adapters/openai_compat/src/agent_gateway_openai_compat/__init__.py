"""Agent Gateway adapter: LLMClient for OpenAI-compatible servers (vLLM, llama.cpp, Ollama)."""

from agent_gateway_openai_compat.client import OpenAICompatClient

__all__ = ["OpenAICompatClient"]
