"""Contract suites, a scripted LLM and a fake OpenAI-compatible server for Agent Gateway."""
