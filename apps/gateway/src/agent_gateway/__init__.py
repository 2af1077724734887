"""Agent Gateway: serve LLM agents as a production HTTP API."""
