"""A fake OpenAI-compatible HTTP server, scripted with the same replies as ``ScriptedLLM``."""

from agent_gateway_testing.fake_openai.server import FakeOpenAIServer, RecordedRequest, Responder

__all__ = ["FakeOpenAIServer", "RecordedRequest", "Responder"]
